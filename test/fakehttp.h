/*
 * fakehttp.h: a scripted HTTP/1.1 server on 127.0.0.1 for the unit tests of
 * the modules that talk HTTP (test_r53.c, test_creds.c). It runs on the
 * poll loop, answers each request with the next scripted response (or
 * closes the connection without one), keeps every request it got, and
 * serves one connection at a time with keep-alive.
 */
#ifndef NOTIFY53_FAKEHTTP_H
#define NOTIFY53_FAKEHTTP_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/loop.h"
#include "base/net.h"

#define FAKE_MAX 64
#define FAKE_CLOSE "CLOSE" /* reply: close the connection without answering */

struct fake_http {
	int lfd, cfd, port;
	struct loop_io lio, cio;
	char in[262144];
	size_t inlen;
	char *out;
	size_t outlen, outoff;
	char *replies[FAKE_MAX];
	size_t nreplies, next;
	char *reqs[FAKE_MAX]; /* head and body of each request received */
	size_t nreqs;
};

static void fake_io(struct loop_io *io, short rev);

/* Make fd non-blocking, as the loop needs (notify53's own sockets are
 * created so, with SOCK_NONBLOCK). Returns 0 or -1. */
static int __attribute__((unused))
fake_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void
fake_drop(struct fake_http *f)
{
	if (f->cfd >= 0) {
		loop_io_del(&f->cio);
		close(f->cfd);
		f->cfd = -1;
	}
	free(f->out);
	f->out = NULL;
	f->outlen = f->outoff = f->inlen = 0;
}

/* A complete request at the start of in[]? Its length, or 0. */
static size_t
fake_complete(const struct fake_http *f)
{
	const char *end, *cl;
	size_t head, body = 0;

	if (f->inlen >= sizeof f->in)
		return f->inlen;
	((char *)f->in)[f->inlen] = '\0';
	if (!(end = strstr(f->in, "\r\n\r\n")))
		return 0;
	head = (size_t)(end - f->in) + 4;
	if ((cl = strstr(f->in, "Content-Length: ")) && cl < end)
		body = (size_t)atol(cl + 16);
	return f->inlen >= head + body ? head + body : 0;
}

static void
fake_answer(struct fake_http *f, size_t n)
{
	char *r;

	if (f->nreqs < FAKE_MAX && (f->reqs[f->nreqs] = malloc(n + 1))) {
		memcpy(f->reqs[f->nreqs], f->in, n);
		f->reqs[f->nreqs++][n] = '\0';
	}
	memmove(f->in, f->in + n, f->inlen - n);
	f->inlen -= n;
	r = f->next < f->nreplies ? f->replies[f->next++] : NULL;
	if (r && !strcmp(r, FAKE_CLOSE)) {
		fake_drop(f);
		return;
	}
	if (!r)
		r = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 11\r\n\r\nno scripted";
	f->out = strdup(r);
	f->outlen = strlen(r);
	f->outoff = 0;
	f->cio.events = POLLOUT;
}

static void
fake_io(struct loop_io *io, short rev)
{
	struct fake_http *f = LOOP_CONTAINER_OF(io, struct fake_http, cio);
	ssize_t n;
	size_t c;

	(void)rev;
	if (f->out) {
		n = write(f->cfd, f->out + f->outoff, f->outlen - f->outoff);
		if (n < 0 && errno != EAGAIN) {
			fake_drop(f);
			return;
		}
		if (n > 0 && (f->outoff += (size_t)n) == f->outlen) {
			free(f->out);
			f->out = NULL;
			f->cio.events = POLLIN;
		}
		return;
	}
	n = read(f->cfd, f->in + f->inlen, sizeof f->in - 1 - f->inlen);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			fake_drop(f);
		return;
	}
	f->inlen += (size_t)n;
	if ((c = fake_complete(f)) > 0)
		fake_answer(f, c);
}

static void
fake_accept(struct loop_io *io, short rev)
{
	struct fake_http *f = LOOP_CONTAINER_OF(io, struct fake_http, lio);
	int fd = accept(f->lfd, NULL, NULL);

	(void)rev;
	if (fd < 0)
		return;
	fake_drop(f);
	fake_nonblock(fd);
	f->cfd = fd;
	f->cio.fd = fd;
	f->cio.events = POLLIN;
	f->cio.cb = fake_io;
	loop_io_add(&f->cio);
}

/* Listen on 127.0.0.1 (a free port, in f->port). Returns 0 or -1. */
static int __attribute__((unused))
fake_start(struct fake_http *f)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;

	memset(f, 0, sizeof *f);
	f->cfd = -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((f->lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(f->lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(f->lfd, 4) < 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	fake_nonblock(f->lfd);
	f->port = ntohs(sin.sin_port);
	f->lio.fd = f->lfd;
	f->lio.events = POLLIN;
	f->lio.cb = fake_accept;
	return loop_io_add(&f->lio);
}

/* Script the next response: status, extra header lines (each ending in
 * \r\n, may be ""), body. */
static void __attribute__((unused))
fake_reply(struct fake_http *f, int status, const char *headers, const char *body)
{
	size_t n = strlen(headers) + strlen(body) + 128;
	char *r = malloc(n);

	snprintf(r, n, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s\r\n%s", status, strlen(body),
	    headers, body);
	f->replies[f->nreplies++] = r;
}

/* Script a connection close instead of the next response. */
static void __attribute__((unused))
fake_close_next(struct fake_http *f)
{
	f->replies[f->nreplies++] = strdup(FAKE_CLOSE);
}

/* Forget the requests and the script (the connection stays). */
static void __attribute__((unused))
fake_reset(struct fake_http *f)
{
	for (size_t i = 0; i < f->nreplies; i++)
		free(f->replies[i]);
	for (size_t i = 0; i < f->nreqs; i++)
		free(f->reqs[i]);
	f->nreplies = f->next = f->nreqs = 0;
}

/* The credential chain of a test process sees only what the test gives
 * it: no AWS_* variable of the caller, no ~/.aws, no metadata service. */
static void __attribute__((unused))
fake_aws_env(void)
{
	static const char *const vars[] = { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" };

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("HOME", "/nonexistent", 1);
}

static void __attribute__((unused))
fake_stop(struct fake_http *f)
{
	fake_reset(f);
	fake_drop(f);
	loop_io_del(&f->lio);
	close(f->lfd);
}

#endif
