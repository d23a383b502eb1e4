/* Unit tests of the poll loop: timers in order (and in the order they were
 * set when their deadlines are equal), io callbacks, deleting a handle from
 * another's callback, a callback that deletes and frees its own handle (io
 * and timer; ASan catches a later touch), the LOOP_MAX_FDS limit, signals
 * through the self-pipe, loop_io_close. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "base/loop.h"
#include "tap.h"

static int order[8], norder;

struct tmr {
	struct loop_timer t;
	int id;
};

static void
tmr_cb(struct loop_timer *t)
{
	struct tmr *m = LOOP_CONTAINER_OF(t, struct tmr, t);

	order[norder++] = m->id;
}

static struct loop_io io_a, io_b;
static int a_calls, b_calls;

static void
a_cb(struct loop_io *io, short revents)
{
	char c;

	(void)revents;
	a_calls++;
	if (read(io->fd, &c, 1) != 1)
		return;
	/* b is ready too, but deleted before its turn: it must not run. */
	loop_io_del(&io_b);
	loop_io_del(io);
}

static void
b_cb(struct loop_io *io, short revents)
{
	(void)io;
	(void)revents;
	b_calls++;
}

static int got_sig;
static struct loop_timer guard;

static void
guard_cb(struct loop_timer *t)
{
	(void)t;
}

static void
on_usr1(int signo)
{
	got_sig = signo;
	loop_timer_cancel(&guard);
}

static int rearm_count;
static struct loop_timer rearm;

static void
rearm_cb(struct loop_timer *t)
{
	if (++rearm_count < 3)
		loop_timer_in(t, 0);
}

/* ---- a callback that frees its own handle --------------------------------------- */

struct owned {
	struct loop_io io;
	struct loop_timer t;
	int fd;
};

static int freed_io, freed_timer;

static void
owned_io_cb(struct loop_io *io, short revents)
{
	struct owned *o = LOOP_CONTAINER_OF(io, struct owned, io);

	(void)revents;
	loop_io_del(io);
	free(o);
	freed_io++;
}

static void
owned_timer_cb(struct loop_timer *t)
{
	free(LOOP_CONTAINER_OF(t, struct owned, t));
	freed_timer++;
}

static struct loop_io io_later;
static int later_calls;

static void
later_cb(struct loop_io *io, short revents)
{
	char c;

	(void)revents;
	later_calls++;
	if (read(io->fd, &c, 1) == 1)
		loop_io_del(io);
}

static void
self_freeing(void)
{
	struct owned *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	int p[2], q[2];

	if (!a || !b || pipe(p) || pipe(q))
		abort();
	/* Both ready in one poll: the first frees itself, the second still
	 * runs. */
	a->io = (struct loop_io){ .fd = p[0], .events = POLLIN, .cb = owned_io_cb };
	io_later = (struct loop_io){ .fd = q[0], .events = POLLIN, .cb = later_cb };
	loop_io_add(&io_later);
	loop_io_add(&a->io);
	if (write(p[1], "x", 1) != 1 || write(q[1], "y", 1) != 1)
		abort();
	loop_once(1000);
	ok(freed_io == 1 && later_calls == 1 && !io_later.registered,
	    "an io callback that deletes and frees its own handle; the next one still runs");
	b->t.cb = owned_timer_cb;
	loop_timer_in(&b->t, 0);
	loop_run();
	is_int(freed_timer, 1, "a timer callback that frees its own timer");
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* ---- the fd table --------------------------------------------------------------- */

static void
fd_limit(void)
{
	static struct loop_io io[LOOP_MAX_FDS + 1];
	int added = 0;

	for (int i = 0; i <= LOOP_MAX_FDS; i++) {
		io[i] = (struct loop_io){ .fd = 0, .events = 0, .cb = b_cb };
		added += loop_io_add(&io[i]) == 0;
	}
	is_int(added, LOOP_MAX_FDS, "LOOP_MAX_FDS handles fit, one more is refused");
	ok(!io[LOOP_MAX_FDS].registered, "the refused handle is not registered");
	ok(loop_io_add(&io[0]) == 0, "adding a registered handle again is a no-op");
	loop_io_del(&io[3]);
	ok(loop_io_add(&io[LOOP_MAX_FDS]) == 0, "after a delete there is room again");
	for (int i = 0; i <= LOOP_MAX_FDS; i++)
		loop_io_del(&io[i]);
	ok(loop_once(0) == 0, "all deleted: nothing left to wait for");
}

/* ---- equal deadlines --------------------------------------------------------------- */

static void
equal_deadlines(void)
{
	struct tmr t[4];
	int64_t at = loop_refresh_now() + 10;

	norder = 0;
	for (int i = 0; i < 4; i++) {
		t[i] = (struct tmr){ .t.cb = tmr_cb, .id = i + 1 };
		loop_timer_at(&t[i].t, at);
	}
	/* Re-arming the first for the same moment sends it to the back. */
	loop_timer_at(&t[0].t, at);
	loop_run();
	ok(norder == 4 && order[0] == 2 && order[1] == 3 && order[2] == 4 && order[3] == 1,
	    "timers with equal deadlines fire in the order they were set (%d %d %d %d)",
	    order[0], order[1], order[2], order[3]);
}

/* loop_io_close: the handle unregistered, its fd closed and -1, its timer
 * cancelled; a second call (a closed handle) changes nothing. */
static void
io_close(void)
{
	struct tmr t = { .t.cb = tmr_cb, .id = 9 };
	struct loop_io io;
	int p[2], fd;

	if (pipe(p)) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	io = (struct loop_io){ .fd = p[0], .events = POLLIN, .cb = b_cb };
	fd = p[0];
	ok(loop_io_add(&io) == 0, "a handle to close is added");
	loop_timer_in(&t.t, 10000);
	loop_io_close(&io, &t.t);
	ok(!io.registered && io.fd == -1 && !t.t.armed, "loop_io_close: unregistered, fd -1, "
	    "timer cancelled");
	ok(fcntl(fd, F_GETFD) < 0 && errno == EBADF, "loop_io_close: the descriptor is closed");
	loop_io_close(&io, &t.t);
	ok(io.fd == -1 && loop_once(0) == 0, "loop_io_close again: nothing left to wait for");
	close(p[1]);
}

int
main(void)
{
	struct tmr t1 = { .t.cb = tmr_cb, .id = 1 }, t2 = { .t.cb = tmr_cb, .id = 2 },
		   t3 = { .t.cb = tmr_cb, .id = 3 };
	int pa[2], pb[2];

	loop_timer_in(&t2.t, 20);
	loop_timer_in(&t1.t, 10);
	loop_timer_in(&t3.t, 30);
	loop_timer_cancel(&t3.t);
	loop_run();
	is_int(norder, 2, "two timers fired, the cancelled one did not");
	ok(order[0] == 1 && order[1] == 2, "timers fire in deadline order");
	ok(loop_once(0) == 0, "nothing left to wait for after the timers");

	rearm.cb = rearm_cb;
	loop_timer_in(&rearm, 0);
	loop_run();
	is_int(rearm_count, 3, "a timer re-armed for now runs again on a later turn");

	if (pipe(pa) || pipe(pb))
		return 1;
	io_a = (struct loop_io){ .fd = pa[0], .events = POLLIN, .cb = a_cb };
	io_b = (struct loop_io){ .fd = pb[0], .events = POLLIN, .cb = b_cb };
	loop_io_add(&io_b);
	loop_io_add(&io_a);
	if (write(pa[1], "x", 1) != 1 || write(pb[1], "y", 1) != 1)
		return 1;
	loop_once(1000);
	is_int(a_calls + b_calls, 1, "a handle deleted by another's callback is not called");
	ok(!io_a.registered && !io_b.registered, "both handles are unregistered");

	self_freeing();
	fd_limit();
	equal_deadlines();
	io_close();

	ok(loop_signal(SIGUSR1, on_usr1) == 0, "signal handler installed");
	/* The guard timer keeps the loop waiting; the signal's callback
	 * cancels it, so the loop ends only if the signal came through. */
	guard.cb = guard_cb;
	loop_timer_in(&guard, 5000);
	raise(SIGUSR1);
	loop_run();
	is_int(got_sig, SIGUSR1, "signal delivered through the loop");
	return tap_done();
}
