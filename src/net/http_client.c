#include "net/http_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/log.h"
#include "base/secret.h"

/* What a connection goes to, for messages: "proxy HOST:PORT" or the
 * endpoint (printf "%s%.100s"). */
#define PEER(c) (c)->proxy ? "proxy " : "", \
	((c)->proxy ? (c)->proxy->url.hostport : (c)->url.hostport)

void
http_client_opts_default(struct http_client_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connect_timeout_ms = HTTP_CONNECT_TIMEOUT_MS;
	o->total_timeout_ms = HTTP_TOTAL_TIMEOUT_MS;
	o->idle_timeout_ms = HTTP_IDLE_TIMEOUT_MS;
	o->body_max = HTTP_MAX_BODY;
}

static time_t
wall(const struct http_client *c)
{
	return c->opt.now ? c->opt.now() : time(NULL);
}

static void
close_conn(struct http_client *c)
{
	if (c->state == HTTP_RESOLVING)
		resolve_cancel(&c->rq);
	if (c->fd >= 0) {
		/* An orderly end lets servers keep the session resumable. */
		if (c->tls && c->state >= HTTP_SENDING && !tls_closed(c->tls))
			tls_close_notify(c->tls, c->fd);
		loop_io_del(&c->io);
		close(c->fd);
		c->fd = -1;
	}
	loop_timer_cancel(&c->conn_timer);
	loop_timer_cancel(&c->idle_timer);
	c->state = HTTP_CLOSED;
}

/* The active call ends; done() runs now (we are in a loop callback), the
 * next call starts from the kick timer. */
static void
finish_call(struct http_client *c, enum http_error error)
{
	struct http_call *call = c->active;

	loop_timer_cancel(&c->call_timer);
	c->active = NULL;
	if (c->proxy && !c->url.tls && c->proxy->auth[0])
		secret_wipe(c->out, sizeof c->out); /* Proxy-Authorization */
	if (!call)
		return;
	call->queued = 0;
	call->error = error;
	call->resp = error == HTTP_OK ? &c->parser.resp : NULL;
	if (c->head)
		loop_timer_in(&c->kick, 0);
	call->done(call);
}

static void
fail_call(struct http_client *c, enum http_error error, const char *msg)
{
	if (c->active) {
		err_clear(&c->active->err);
		err_set(&c->active->err, "%s", msg);
		log_debug("http %s: %s", c->url.hostport, msg);
	}
	close_conn(c);
	finish_call(c, error);
}

static void start_attempt(struct http_client *c);

/* The connection broke while a call was on it. RFC 9112 section 9.3.1:
 * retry on a new connection only what cannot have been processed. */
static void
conn_broken(struct http_client *c, const char *msg, int attempt_sent)
{
	struct http_call *call = c->active;

	close_conn(c);
	if (call && !c->retried && !c->got_response_bytes &&
	    (!attempt_sent || (c->reused && http_method_idempotent(call->req.method)))) {
		log_debug("http %s: %s; retrying on a new connection", c->url.hostport, msg);
		c->retried = 1;
		start_attempt(c);
		return;
	}
	fail_call(c, HTTP_ERR_IO, msg);
}

static void try_connect(struct http_client *c);

/* The connection to this address failed: drop it, try the next one. */
static void
next_addr(struct http_client *c)
{
	loop_io_del(&c->io);
	close(c->fd);
	c->fd = -1;
	try_connect(c);
}

/* A deadline passed: "HOST: WHAT MS ms". */
static void
timed_out(struct http_client *c, const char *what, int ms)
{
	char msg[ERR_MSG_MAX];

	fmt_snprintf(msg, sizeof msg, "%.100s: %s %d ms%s%.100s%s", c->url.hostport, what, ms,
	    c->proxy ? " (through proxy " : "", c->proxy ? c->proxy->url.hostport : "",
	    c->proxy ? ")" : "");
	fail_call(c, HTTP_ERR_TIMEOUT, msg);
}

static void
on_conn_timeout(struct loop_timer *t)
{
	struct http_client *c = LOOP_CONTAINER_OF(t, struct http_client, conn_timer);

	if (c->state == HTTP_CONNECTING && c->addr_next < c->naddrs) {
		/* This address does not answer; the next one may. */
		next_addr(c);
		return;
	}
	timed_out(c, "connect timed out after", c->opt.connect_timeout_ms);
}

static void
on_call_timeout(struct loop_timer *t)
{
	struct http_client *c = LOOP_CONTAINER_OF(t, struct http_client, call_timer);

	timed_out(c, "no complete response within", c->opt.total_timeout_ms);
}

static void
on_idle_timeout(struct loop_timer *t)
{
	struct http_client *c = LOOP_CONTAINER_OF(t, struct http_client, idle_timer);

	if (c->state == HTTP_IDLE)
		close_conn(c);
}

/* Why the connection to the last address tried failed (errno en), into
 * msg[ERR_MSG_MAX]. */
static void
connect_msg(struct http_client *c, char *msg, int en)
{
	char addr[NET_ADDR_STRLEN];

	fmt_snprintf(msg, ERR_MSG_MAX, "connect to %s%.100s (%s): %s", PEER(c),
	    net_addr_str(&c->addrs[c->addr_next - 1], addr, sizeof addr), strerror(en));
}

/* Next address, or fail when none is left. */
static void
try_connect(struct http_client *c)
{
	char msg[ERR_MSG_MAX];
	int fd = -1;

	msg[0] = '\0';
	while (c->addr_next < c->naddrs) {
		if ((fd = net_tcp_connect(&c->addrs[c->addr_next++])) >= 0)
			break;
		connect_msg(c, msg, errno);
	}
	if (fd < 0) {
		fail_call(c, HTTP_ERR_CONNECT, msg[0] ? msg : "connect: no address");
		return;
	}
	c->fd = fd;
	c->io.fd = fd;
	c->io.events = POLLOUT;
	c->state = HTTP_CONNECTING;
	c->connects++;
	if (loop_io_add(&c->io) < 0) {
		close(fd);
		c->fd = -1;
		fail_call(c, HTTP_ERR_CONNECT, "connect: too many open sockets (LOOP_MAX_FDS)");
		return;
	}
	loop_timer_in(&c->conn_timer, c->opt.connect_timeout_ms);
}

static void
on_resolved(struct resolve_query *q)
{
	struct http_client *c = LOOP_CONTAINER_OF(q, struct http_client, rq);

	c->state = HTTP_CLOSED;
	if (q->naddrs == 0) {
		fail_call(c, HTTP_ERR_RESOLVE, q->err.msg);
		return;
	}
	memcpy(c->addrs, q->addrs, q->naddrs * sizeof q->addrs[0]);
	c->naddrs = q->naddrs;
	c->addr_next = 0;
	try_connect(c);
}

/* Open a new connection for the active call. */
static void
connect_start(struct http_client *c)
{
	const struct http_url *to = c->proxy ? &c->proxy->url : &c->url;
	char msg[ERR_MSG_MAX];

	c->reused = 0;
	c->active->attempts++;
	if (c->url.tls && !tls_clock_ok(wall(c))) {
		fmt_snprintf(msg, sizeof msg, "clock not set: the time is before this program was "
		    "built, so the certificate of %.100s cannot be checked; waiting for NTP",
		    c->url.host);
		fail_call(c, HTTP_ERR_CLOCK, msg);
		return;
	}
	if (to->host_is_ip) {
		net_addr_parse(&c->addrs[0], to->host, to->port);
		c->naddrs = 1;
		c->addr_next = 0;
		try_connect(c);
		return;
	}
	c->state = HTTP_RESOLVING;
	loop_timer_in(&c->conn_timer, c->opt.connect_timeout_ms);
	resolve_start(&c->rq, to->host, to->port, c->opt.hosts, c->opt.resolv_conf);
}

/* An idle kept-alive connection the server has not closed: nothing to
 * read (an EOF, a TLS close_notify or junk all mean it is gone). */
static int
conn_alive(struct http_client *c)
{
	char b;
	ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void drive(struct http_client *c);
static void proxy_refused(struct http_client *c, int status);

/* (Re)start the active call: on the idle connection, else a new one. */
static void
start_attempt(struct http_client *c)
{
	struct http_call *call = c->active;

	c->out_off = c->body_off = 0;
	c->got_response_bytes = 0;
	http_parser_init(&c->parser, c->opt.body_max, !strcmp(call->req.method, "HEAD"));
	if (c->state == HTTP_IDLE && !conn_alive(c))
		close_conn(c);
	if (c->state == HTTP_IDLE) {
		loop_timer_cancel(&c->idle_timer);
		c->reused = 1;
		call->attempts++;
		c->state = HTTP_SENDING;
		drive(c);
		return;
	}
	connect_start(c);
}

static void
on_kick(struct loop_timer *t)
{
	struct http_client *c = LOOP_CONTAINER_OF(t, struct http_client, kick);
	struct http_call *call;
	const struct http_request *req;
	struct http_request r;
	char target[HTTP_MAX_REQUEST_HEAD];
	long n;

	if (c->active || !c->head)
		return;
	call = c->head;
	c->head = call->next;
	if (!c->head)
		c->tail = NULL;
	call->next = NULL;
	c->active = call;
	c->retried = 0;
	loop_timer_in(&c->call_timer, c->opt.total_timeout_ms);
	req = &call->req;
	if (c->proxy && !c->url.tls && call->req.target && call->req.target[0] == '/') {
		/* RFC 9112 section 3.2.2: the proxy gets the absolute form. */
		r = call->req;
		r.target = target;
		req = &r;
		if ((size_t)fmt_snprintf(target, sizeof target, "http://%s%s", c->url.hostport,
		    call->req.target) >= sizeof target ||
		    (c->proxy->auth[0] && http_request_add(&r, "Proxy-Authorization",
		    c->proxy->auth) < 0))
			req = NULL;
	}
	if (!req)
		n = err_set(&call->err, "http: request too large for the proxy");
	else
		n = http_request_head(req, c->url.hostport, c->out, sizeof c->out, &call->err);
	if (n < 0) {
		finish_call(c, HTTP_ERR_REQUEST);
		return;
	}
	c->out_len = (size_t)n;
	start_attempt(c);
}

void
http_client_send(struct http_client *c, struct http_call *call)
{
	call->next = NULL;
	call->queued = 1;
	call->error = HTTP_OK;
	err_clear(&call->err);
	call->resp = NULL;
	call->sent = 0;
	call->attempts = 0;
	if (c->tail)
		c->tail->next = call;
	else
		c->head = call;
	c->tail = call;
	if (!c->active)
		loop_timer_in(&c->kick, 0);
}

/* A complete response: hand it over, keep or close the connection. */
static void
response_done(struct http_client *c, int extra)
{
	/* Through a proxy to an http endpoint: AWS APIs answer a bad
	 * signature with 403, never 401 or 407, which are the proxy's. */
	if (c->proxy && !c->url.tls && (c->parser.resp.status == 407 ||
	    c->parser.resp.status == 401)) {
		proxy_refused(c, c->parser.resp.status);
		return;
	}
	c->requests++;
	/* Bytes after the response (read, or still in the TLS engine) answer
	 * nothing we asked: the connection cannot carry another request (with
	 * TLS the engine's one buffer would not even take its bytes). */
	if (c->parser.resp.keep_alive && !extra && !(c->tls && (c->tls->eof ||
	    tls_pending(c->tls)))) {
		c->state = HTTP_IDLE;
		c->io.events = POLLIN; /* a close by the server shows up as input */
		loop_timer_in(&c->idle_timer, c->opt.idle_timeout_ms);
	} else {
		close_conn(c);
	}
	finish_call(c, HTTP_OK);
}

/* The proxy answered status instead of forwarding. 407 asks for
 * credentials (RFC 9110 section 15.5.8); tinyproxy answers 401 to wrong
 * ones. */
static void
proxy_refused(struct http_client *c, int status)
{
	char msg[ERR_MSG_MAX];
	int auth = status == 407 || status == 401, denied = status >= 400 && status < 500;

	fmt_snprintf(msg, sizeof msg, "proxy %.60s %s %s %.60s: HTTP %d%s", c->proxy->url.hostport,
	    denied ? "refused" : "could not pass", c->url.tls ? "CONNECT to" : "the request to",
	    c->url.hostport, status,
	    !auth ? "" : c->proxy->auth[0] ? " (authentication: the user and "
	    "password of the proxy URL were refused)" : " (authentication required: the "
	    "proxy URL has no user and password)");
	fail_call(c, denied ? HTTP_ERR_PROXY_DENIED : HTTP_ERR_PROXY, msg);
}

/* Feed received bytes; returns 1 when the call ended (done or failed). */
static int
received(struct http_client *c, const char *buf, size_t n)
{
	long r = http_parser_feed(&c->parser, buf, n);

	c->got_response_bytes = 1;
	if (r == HTTP_PARSE_MORE)
		return 0;
	if (r < 0) {
		fail_call(c, c->parser.too_large ? HTTP_ERR_TOO_LARGE : HTTP_ERR_PROTOCOL,
		    c->parser.err.msg);
		return 1;
	}
	response_done(c, (size_t)r < n);
	return 1;
}

static void
eof_received(struct http_client *c)
{
	if (!c->got_response_bytes) {
		conn_broken(c, "connection closed by the server before any response", 1);
		return;
	}
	if (http_parser_eof(&c->parser) < 0) {
		fail_call(c, HTTP_ERR_IO, c->parser.err.msg);
		return;
	}
	response_done(c, 0);
}

/* The bytes of the request still to send: head, then body. */
static const char *
pending(struct http_client *c, size_t *n)
{
	if (c->out_off < c->out_len) {
		*n = c->out_len - c->out_off;
		return c->out + c->out_off;
	}
	*n = c->active->req.body_len - c->body_off;
	return (const char *)c->active->req.body + c->body_off;
}

static void
advance(struct http_client *c, size_t n)
{
	if (c->out_off < c->out_len)
		c->out_off += n;
	else
		c->body_off += n;
	c->active->sent = 1;
}

/* send(2) on the non-blocking socket, again after EINTR: the bytes sent; 0
 * when it would block (the connection then waits for POLLOUT); -1 on an
 * error, with errno. */
static ssize_t
send_some(struct http_client *c, const char *p, size_t len)
{
	ssize_t n;

	do
		n = send(c->fd, p, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		c->io.events = POLLOUT;
		return 0;
	}
	return n;
}

static void
drive_plain(struct http_client *c)
{
	char buf[4096], msg[ERR_MSG_MAX];
	ssize_t n;

	while (c->state == HTTP_SENDING) {
		size_t len;
		const char *p = pending(c, &len);

		if (len == 0) {
			c->state = HTTP_RECEIVING;
			break;
		}
		n = send_some(c, p, len);
		if (n > 0) {
			advance(c, (size_t)n);
			continue;
		}
		if (n == 0)
			return;
		fmt_snprintf(msg, sizeof msg, "send to %.100s: %s", c->url.hostport, strerror(errno));
		conn_broken(c, msg, c->out_off > 0);
		return;
	}
	while (c->state == HTTP_RECEIVING) {
		n = recv(c->fd, buf, sizeof buf, 0);
		if (n > 0) {
			if (received(c, buf, (size_t)n))
				return;
			continue;
		}
		if (n == 0) {
			eof_received(c);
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->io.events = POLLIN;
			return;
		}
		fmt_snprintf(msg, sizeof msg, "receive from %.100s: %s", c->url.hostport, strerror(errno));
		if (c->got_response_bytes)
			fail_call(c, HTTP_ERR_IO, msg);
		else
			conn_broken(c, msg, 1);
		return;
	}
}

static void
drive_tls(struct http_client *c)
{
	struct tls_conn *t = c->tls;
	char buf[4096];
	struct err e = { 0 };
	const char *why = e.msg;

	for (;;) {
		int progress = 0;

		if (tls_io(t, c->fd, &e) < 0) {
			if (c->state == HTTP_HANDSHAKE)
				goto handshake_failed;
			if (c->got_response_bytes)
				fail_call(c, HTTP_ERR_IO, e.msg);
			else
				conn_broken(c, e.msg, c->out_off > 0);
			return;
		}
		if (c->state == HTTP_HANDSHAKE) {
			if (!tls_ready(t)) {
				if (!t->eof)
					break;
				why = "TLS: connection closed during the handshake";
				goto handshake_failed;
			}
			tls_save_session(t);
			c->resumed += t->resumed;
			loop_timer_cancel(&c->conn_timer);
			c->state = HTTP_SENDING;
			log_debug("http %s: TLS connected%s", c->url.hostport,
			    t->resumed ? " (session resumed)" : "");
		}
		while (c->state == HTTP_SENDING) {
			size_t len, n;
			const char *p = pending(c, &len);

			if (len == 0) {
				tls_flush(t);
				c->state = HTTP_RECEIVING;
				progress = 1;
				break;
			}
			if ((n = tls_write(t, p, len)) == 0)
				break;
			advance(c, n);
			progress = 1;
		}
		while (c->state == HTTP_RECEIVING) {
			size_t n = tls_read(t, buf, sizeof buf);

			if (n == 0)
				break;
			if (received(c, buf, n))
				return;
			progress = 1;
		}
		if (c->state == HTTP_RECEIVING && t->eof && !progress) {
			eof_received(c);
			return;
		}
		if (c->state == HTTP_SENDING && t->eof) {
			conn_broken(c, "TLS: connection closed by the server", c->out_off > 0);
			return;
		}
		if (!progress)
			break;
	}
	c->io.events = tls_events(t);
	return;
handshake_failed:
	/* Nothing of the request was sent: a rejected certificate never
	 * sees it. */
	tls_forget_session(t);
	fail_call(c, HTTP_ERR_TLS, why);
}

static void
drive(struct http_client *c)
{
	if (c->tls)
		drive_tls(c);
	else
		drive_plain(c);
}

static void
handshake_start(struct http_client *c)
{
	struct err e = { 0 };

	switch (tls_start(c->tls, c->opt.trust, c->url.host, wall(c), &e)) {
	case 0:
		break;
	case TLS_CLOCK:
		fail_call(c, HTTP_ERR_CLOCK, e.msg);
		return;
	default:
		fail_call(c, HTTP_ERR_TLS, e.msg);
		return;
	}
	c->state = HTTP_HANDSHAKE;
	drive(c);
}

static void tunnel_drive(struct http_client *c);

/* RFC 9110 section 9.3.6: "CONNECT host:port" in authority form, the same
 * as Host, and the proxy's credentials. */
static void
tunnel_start(struct http_client *c)
{
	int v6 = c->url.hostport[0] == '[';
	char au[HTTP_MAX_HOST + 16];

	fmt_snprintf(au, sizeof au, "%s%s%s:%d", v6 ? "[" : "", c->url.host, v6 ? "]" : "",
	    c->url.port);
	c->tun_len = (size_t)fmt_snprintf(c->tun, PROXY_MAX_CONNECT,
	    "CONNECT %s HTTP/1.1\r\nHost: %s\r\n%s%s%s\r\n", au, au,
	    c->proxy->auth[0] ? "Proxy-Authorization: " : "", c->proxy->auth,
	    c->proxy->auth[0] ? "\r\n" : "");
	c->tun_off = 0;
	/* A 2xx answer to CONNECT has no body (RFC 9112 section 6.3); after
	 * any other the connection is closed, its body unread. */
	http_parser_init(&c->parser, 0, 1);
	c->state = HTTP_TUNNEL;
	log_debug("http %s: CONNECT through proxy %s", c->url.hostport, c->proxy->url.hostport);
	tunnel_drive(c);
}

static void
tunnel_failed(struct http_client *c, const char *what, const char *why)
{
	char msg[ERR_MSG_MAX];

	fmt_snprintf(msg, sizeof msg, "proxy %.100s: %s%s%.200s", c->proxy->url.hostport, what,
	    why ? ": " : "", why ? why : "");
	fail_call(c, HTTP_ERR_PROXY, msg);
}

static void
tunnel_drive(struct http_client *c)
{
	char buf[1024];
	ssize_t n;
	long r;

	while (c->tun_off < c->tun_len) {
		n = send_some(c, c->tun + c->tun_off, c->tun_len - c->tun_off);
		if (n > 0) {
			c->tun_off += (size_t)n;
			if (c->tun_off == c->tun_len)
				secret_wipe(c->tun, c->tun_len);
			continue;
		}
		if (n == 0)
			return;
		tunnel_failed(c, "send", strerror(errno));
		return;
	}
	for (;;) {
		n = recv(c->fd, buf, sizeof buf, 0);
		if (n == 0) {
			tunnel_failed(c, "connection closed before the answer to CONNECT", NULL);
			return;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->io.events = POLLIN;
			return;
		}
		if (n < 0) {
			tunnel_failed(c, "receive", strerror(errno));
			return;
		}
		if ((r = http_parser_feed(&c->parser, buf, (size_t)n)) == HTTP_PARSE_MORE)
			continue;
		if (r < 0) {
			tunnel_failed(c, "bad answer to CONNECT", c->parser.err.msg);
			return;
		}
		break;
	}
	if (c->parser.resp.status / 100 != 2) {
		proxy_refused(c, c->parser.resp.status);
		return;
	}
	/* The endpoint speaks only after our ClientHello. */
	if (r < n) {
		tunnel_failed(c, "data before the TLS handshake", NULL);
		return;
	}
	http_parser_init(&c->parser, c->opt.body_max, !strcmp(c->active->req.method, "HEAD"));
	handshake_start(c);
}

static void
on_io(struct loop_io *io, short revents)
{
	struct http_client *c = LOOP_CONTAINER_OF(io, struct http_client, io);
	char msg[ERR_MSG_MAX];

	switch (c->state) {
	case HTTP_CONNECTING:
		if (net_connect_finish(c->fd) < 0) {
			connect_msg(c, msg, errno);
			if (c->addr_next < c->naddrs) {
				next_addr(c);
				return;
			}
			fail_call(c, HTTP_ERR_CONNECT, msg); /* closes the socket */
			return;
		}
		if (!c->tls) {
			loop_timer_cancel(&c->conn_timer);
			c->state = HTTP_SENDING;
			drive(c);
		} else if (c->proxy) {
			tunnel_start(c);
		} else {
			handshake_start(c);
		}
		return;
	case HTTP_TUNNEL:
		tunnel_drive(c);
		return;
	case HTTP_IDLE:
		/* Input on an idle connection: the server closed it (or sent
		 * something unasked); either way it cannot be reused. */
		(void)revents;
		log_debug("http %s: idle connection closed", c->url.hostport);
		close_conn(c);
		return;
	case HTTP_HANDSHAKE:
	case HTTP_SENDING:
	case HTTP_RECEIVING:
		drive(c);
		return;
	default:
		return;
	}
}

int
http_client_init(struct http_client *c, const char *url, const struct http_client_opts *o,
	struct err *e)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	if (http_url_parse(&c->url, url, e) < 0)
		return -1;
	if (o)
		c->opt = *o;
	else
		http_client_opts_default(&c->opt);
	if (c->opt.proxy)
		c->proxy = proxy_pick(c->opt.proxy, &c->url);
	if (c->url.tls) {
		if (!c->opt.trust || c->opt.trust->n == 0)
			return err_set(e, "endpoint %s: https needs trust anchors", url);
		if (!(c->tls = calloc(1, sizeof *c->tls)) ||
		    (c->proxy && !(c->tun = malloc(PROXY_MAX_CONNECT))))
			return err_set(e, "http: out of memory for a TLS context");
	}
	c->io.cb = on_io;
	c->kick.cb = on_kick;
	c->conn_timer.cb = on_conn_timeout;
	c->call_timer.cb = on_call_timeout;
	c->idle_timer.cb = on_idle_timeout;
	c->rq.done = on_resolved;
	return 0;
}

void
http_client_cancel(struct http_client *c, struct http_call *call)
{
	if (c->active == call) {
		close_conn(c);
		loop_timer_cancel(&c->call_timer);
		c->active = NULL;
		call->queued = 0;
		if (c->head)
			loop_timer_in(&c->kick, 0);
		return;
	}
	for (struct http_call **pp = &c->head; *pp; pp = &(*pp)->next) {
		if (*pp == call) {
			*pp = call->next;
			if (c->tail == call) {
				c->tail = NULL;
				for (struct http_call *q = c->head; q; q = q->next)
					c->tail = q;
			}
			call->next = NULL;
			call->queued = 0;
			return;
		}
	}
}

void
http_client_disconnect(struct http_client *c)
{
	if (c->active)
		return;
	close_conn(c);
}

void
http_client_free(struct http_client *c)
{
	close_conn(c);
	loop_timer_cancel(&c->kick);
	loop_timer_cancel(&c->call_timer);
	for (struct http_call *q = c->head; q; q = q->next)
		q->queued = 0;
	if (c->active)
		c->active->queued = 0;
	c->head = c->tail = c->active = NULL;
	http_parser_free(&c->parser);
	if (c->tun)
		secret_wipe(c->tun, PROXY_MAX_CONNECT);
	free(c->tun);
	c->tun = NULL;
	if (c->proxy && !c->url.tls)
		secret_wipe(c->out, sizeof c->out);
	if (c->tls)
		tls_release(c->tls);
	free(c->tls);
	c->tls = NULL;
}
