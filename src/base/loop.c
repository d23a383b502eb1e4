/* pipe2 is a GNU extension in glibc's headers (musl's and POSIX.1-2024
 * have it too). */
#define _GNU_SOURCE

#include "base/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "base/log.h"

static struct loop_io *ios;
static struct loop_timer *timers; /* sorted by when, earliest first */
static int64_t now_ms;
static unsigned long timer_seq;
static int stopping;

/* Handles being dispatched in this iteration; loop_io_del clears an entry so
 * a callback may delete (and free) another handle safely. */
static struct loop_io *polled[LOOP_MAX_FDS];
static int npolled;

static int sigpipe[2] = { -1, -1 };
static struct loop_io sig_io;
static void (*sig_cb[NSIG])(int);

int64_t
loop_refresh_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now_ms;
}

int64_t
loop_now(void)
{
	if (now_ms == 0)
		loop_refresh_now();
	return now_ms;
}

int
loop_io_add(struct loop_io *io)
{
	int n = 0;

	if (io->registered)
		return 0;
	for (struct loop_io *p = ios; p; p = p->next)
		n++;
	if (n >= LOOP_MAX_FDS)
		return -1;
	io->next = ios;
	ios = io;
	io->registered = 1;
	return 0;
}

void
loop_io_del(struct loop_io *io)
{
	if (!io->registered)
		return;
	for (struct loop_io **pp = &ios; *pp; pp = &(*pp)->next) {
		if (*pp == io) {
			*pp = io->next;
			break;
		}
	}
	for (int i = 0; i < npolled; i++)
		if (polled[i] == io)
			polled[i] = NULL;
	io->registered = 0;
	io->next = NULL;
}

void
loop_io_close(struct loop_io *io, struct loop_timer *t)
{
	loop_io_del(io);
	loop_timer_cancel(t);
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
}

void
loop_timer_cancel(struct loop_timer *t)
{
	if (!t->armed)
		return;
	for (struct loop_timer **pp = &timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->armed = 0;
	t->next = NULL;
}

void
loop_timer_at(struct loop_timer *t, int64_t when)
{
	struct loop_timer **pp;

	loop_timer_cancel(t);
	t->when = when;
	/* After equal deadlines, so timers set for the same moment fire in the
	 * order they were set. */
	for (pp = &timers; *pp && (*pp)->when <= when; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = 1;
	t->seq = ++timer_seq;
}

void
loop_timer_in(struct loop_timer *t, int64_t delay_ms)
{
	loop_timer_at(t, loop_now() + delay_ms);
}

static void
sig_handler(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	/* The pipe is non-blocking: when it is full, the signal is already
	 * pending for the loop and losing a duplicate is harmless. */
	if (write(sigpipe[1], &b, 1) < 0) {
		/* nothing useful to do inside a handler */
	}
	errno = saved;
}

static void
sig_read(struct loop_io *io, short revents)
{
	unsigned char buf[32];
	ssize_t n;

	(void)revents;
	while ((n = read(io->fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] < NSIG && sig_cb[buf[i]])
				sig_cb[buf[i]](buf[i]);
}

int
loop_signal(int signo, void (*cb)(int signo))
{
	struct sigaction sa;

	if (signo <= 0 || signo >= NSIG || signo > 255)
		return -1;
	if (sigpipe[0] < 0) {
		if (pipe2(sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
			return -1;
		sig_io.fd = sigpipe[0];
		sig_io.events = POLLIN;
		sig_io.cb = sig_read;
		loop_io_add(&sig_io);
	}
	sig_cb[signo] = cb;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sig_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(signo, &sa, NULL);
}

int
loop_once(int timeout_ms)
{
	struct pollfd pfd[LOOP_MAX_FDS];
	int active = 0, n;

	npolled = 0;
	for (struct loop_io *io = ios; io; io = io->next) {
		if (io != &sig_io)
			active++;
		pfd[npolled].fd = io->fd;
		pfd[npolled].events = io->events;
		pfd[npolled].revents = 0;
		polled[npolled++] = io;
	}
	if (timers)
		active++;
	if (!active)
		return 0;

	loop_refresh_now();
	if (timers) {
		int64_t wait = timers->when - now_ms;

		if (wait < 0)
			wait = 0;
		if (wait > 24 * 3600 * 1000)
			wait = 24 * 3600 * 1000;
		if (timeout_ms < 0 || wait < timeout_ms)
			timeout_ms = (int)wait;
	}
	n = poll(pfd, (nfds_t)npolled, timeout_ms);
	if (n < 0 && errno != EINTR) {
		log_err("poll: %s", strerror(errno));
		npolled = 0;
		return active;
	}
	loop_refresh_now();

	/* A timer re-armed by a callback for "now" runs in the next iteration,
	 * after the file descriptors had their turn. */
	unsigned long seq_limit = timer_seq;
	while (timers && timers->when <= now_ms && timers->seq <= seq_limit) {
		struct loop_timer *t = timers;

		timers = t->next;
		t->next = NULL;
		t->armed = 0;
		t->cb(t);
	}
	for (int i = 0; n > 0 && i < npolled; i++) {
		if (!pfd[i].revents || !polled[i])
			continue;
		polled[i]->cb(polled[i], pfd[i].revents);
	}
	npolled = 0;
	return active;
}

void
loop_run(void)
{
	stopping = 0;
	while (!stopping && loop_once(-1) > 0)
		;
}

void
loop_stop(void)
{
	stopping = 1;
}
