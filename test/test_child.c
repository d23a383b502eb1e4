/*
 * child: programs run without a shell on the loop: output collected, exit
 * status, stderr kept, the time limit (SIGKILL, reaped), the output cap,
 * a program that does not exist, no descriptor of ours inherited, no
 * zombie left, and the loop's signal handlers not run in the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "base/child.h"
#include "base/loop.h"
#include "tap.h"

static int ndone;

static void
done(struct child *ch)
{
	(void)ch;
	ndone++;
}

/* Run argv to its end (at most 20 s of loop). */
static void
run(struct child *ch, char *const *argv, int timeout_ms, size_t out_max)
{
	struct err e = { 0 };

	memset(ch, 0, sizeof *ch);
	ch->argv = argv;
	ch->timeout_ms = timeout_ms;
	ch->out_max = out_max;
	ch->done = done;
	ndone = 0;
	if (!ok(child_start(ch, &e) == 0, "%s starts: %s", argv[0], e.msg))
		return;
	ok(ndone == 0, "%s: done() not called from child_start", argv[0]);
	while (!ndone && loop_once(20000) > 0)
		;
}

static int sigs;
static struct loop_timer tick;

static void
ticked(struct loop_timer *t)
{
	(void)t;
}

static void
on_usr1(int signo)
{
	(void)signo;
	sigs++;
}

int
main(void)
{
	struct child ch;
	char st[64];
	char *echo[] = { "/bin/sh", "-c", "printf 'out put'; printf 'err line\\n' >&2; exit 3", NULL };
	char *hang[] = { "/bin/sleep", "30", NULL };
	char *big[] = { "/bin/sh", "-c", "while :; do printf xxxxxxxxxxxxxxxxxxxxxxxxxx; done", NULL };
	char *none[] = { "/nonexistent/helper", NULL };
	char *fds[] = { "/bin/sh", "-c", "ls /proc/self/fd | wc -l; kill -USR1 $PPID", NULL };
	char *path[] = { "true", NULL };
	int keep = open("/dev/null", O_RDONLY);

	tick.cb = ticked;

	run(&ch, echo, 10000, 1024);
	ok(ndone == 1 && ch.end == CHILD_EXITED && WIFEXITED(ch.status) &&
	    WEXITSTATUS(ch.status) == 3, "exit status 3: %s", child_status_str(ch.status, st,
	    sizeof st));
	ok(ch.out.len == 7 && !memcmp(ch.out.data, "out put", 7), "stdout collected");
	is_str(ch.errtext, "err line\n", "stderr kept");
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "reaped: no child left");
	child_free(&ch);

	run(&ch, hang, 300, 1024);
	ok(ndone == 1 && ch.end == CHILD_TIMEOUT && WIFSIGNALED(ch.status) &&
	    WTERMSIG(ch.status) == SIGKILL, "killed at the time limit: %s",
	    child_status_str(ch.status, st, sizeof st));
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "the killed child reaped");
	child_free(&ch);

	run(&ch, big, 10000, 4096);
	ok(ndone == 1 && ch.end == CHILD_TOO_LARGE && ch.out.len <= 4096,
	    "endless output: killed at the cap (%zu bytes kept)", ch.out.len);
	child_free(&ch);

	run(&ch, none, 10000, 1024);
	ok(ndone == 1 && ch.end == CHILD_EXITED && WEXITSTATUS(ch.status) == 127,
	    "a missing program: status 127 (%s)", child_status_str(ch.status, st, sizeof st));
	ok(strstr(ch.errtext, "cannot run") != NULL, "... and a line on its stderr: %s", ch.errtext);
	child_free(&ch);

	signal(SIGCHLD, SIG_IGN);
	run(&ch, path, 10000, 1024);
	ok(ndone == 1 && ch.end == CHILD_EXITED && WEXITSTATUS(ch.status) == 0,
	    "a bare name is found in PATH, its status kept with SIGCHLD ignored before");
	child_free(&ch);

	/* The loop's signal handling stays the parent's: a signal sent by the
	 * child reaches the parent's handler through the loop. */
	loop_signal(SIGUSR1, on_usr1);
	run(&ch, fds, 10000, 1024);
	ok(ndone == 1 && ch.end == CHILD_EXITED && WEXITSTATUS(ch.status) == 0,
	    "child with our signal handlers set");
	/* 0, 1, 2 and the one ls opens: nothing of ours (keep, the loop's pipe). */
	ok(ch.out.len && atoi(ch.out.data) == 4, "only stdin, stdout, stderr inherited: %.*s",
	    (int)ch.out.len, ch.out.data);
	/* The signal may come after the child's end (valgrind delays it):
	 * a timer keeps the loop polling meanwhile, 10 s at most. */
	for (int i = 0; i < 20 && !sigs; i++) {
		loop_timer_in(&tick, 500);
		loop_once(1000);
	}
	loop_timer_cancel(&tick);
	ok(sigs == 1, "its SIGUSR1 handled by the parent's loop");
	child_free(&ch);

	memset(&ch, 0, sizeof ch);
	ch.argv = hang;
	ch.timeout_ms = 60000;
	ch.out_max = 16;
	ch.done = done;
	ndone = 0;
	{
		struct err e = { 0 };

		child_start(&ch, &e);
	}
	child_free(&ch);
	ok(ndone == 0 && waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	    "child_free of a running child: killed and reaped, no done()");
	close(keep);
	return tap_done();
}
