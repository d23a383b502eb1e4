/*
 * loop: the one poll() of the process.
 *
 * Only this module waits. Everything else registers what it wants: a file
 * descriptor with the events it waits for (struct loop_io) or a deadline on the
 * monotonic clock (struct loop_timer), and is called back when that happens.
 * Handles are intrusive, as in libubox's uloop: the owner embeds them in its
 * own context and finds it again with LOOP_CONTAINER_OF. Signals arrive through
 * a self-pipe and are delivered as ordinary callbacks, never inside a handler.
 *
 * Callbacks may add, change or delete any handle, including their own, and may
 * free the memory of a handle once it is deleted.
 */
#ifndef NOTIFY53_LOOP_H
#define NOTIFY53_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define LOOP_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct loop_io {
	int fd;
	short events; /* POLLIN/POLLOUT wanted now; 0 = registered, idle */
	void (*cb)(struct loop_io *io, short revents);
	/* owned by the loop */
	struct loop_io *next;
	int registered;
};

struct loop_timer {
	int64_t when; /* monotonic milliseconds, see loop_now() */
	void (*cb)(struct loop_timer *t);
	/* owned by the loop */
	struct loop_timer *next;
	int armed;
	unsigned long seq; /* when it was armed: re-armed timers wait a turn */
};

/* Monotonic milliseconds, read once per loop iteration. */
int64_t loop_now(void);

/* Re-read the monotonic clock (after a long computation). */
int64_t loop_refresh_now(void);

/* Start watching io->fd for io->events; at most LOOP_MAX_FDS at once.
 * Returns 0, or -1 when the table is full. */
int loop_io_add(struct loop_io *io);

/* Stop watching; safe on a handle that is not registered. */
void loop_io_del(struct loop_io *io);

/* End a connection: stop watching io, close io->fd when open and set it to
 * -1, cancel t (its timeout). Safe on a closed one. */
void loop_io_close(struct loop_io *io, struct loop_timer *t);

/* Call t->cb once, at loop_now() + delay_ms (or at an absolute time). Re-arming
 * an armed timer moves it. */
void loop_timer_in(struct loop_timer *t, int64_t delay_ms);
void loop_timer_at(struct loop_timer *t, int64_t when);
void loop_timer_cancel(struct loop_timer *t);

/* Deliver signal signo as a call of cb(signo) from the loop. Returns 0 or -1. */
int loop_signal(int signo, void (*cb)(int signo));

/* Wait once (at most timeout_ms, -1 = until the next timer) and dispatch.
 * Returns the number of handles that were active (0 = nothing left to wait
 * for: no registered fd and no armed timer besides the signal pipe). */
int loop_once(int timeout_ms);

/* Run until loop_stop() or until nothing is left to wait for. */
void loop_run(void);
void loop_stop(void);

#endif
