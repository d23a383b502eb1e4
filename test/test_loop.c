/* Unit tests of the poll loop: timers in order, io callbacks, deleting a
 * handle from another's callback, signals through the self-pipe. */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

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
