/* pipe2 is a GNU extension in glibc's headers (musl's and POSIX.1-2024
 * have it too). */
#define _GNU_SOURCE

#include "base/child.h"
#include "base/fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* How often a child whose pipes are closed is looked for (ms). */
#define REAP_POLL_MS 10

static void
close_io(struct loop_io *io)
{
	if (io->fd >= 0) {
		loop_io_del(io);
		close(io->fd);
		io->fd = -1;
	}
}

static void
finish(struct child *ch)
{
	ch->running = 0;
	ch->pid = 0;
	close_io(&ch->out_io);
	close_io(&ch->err_io);
	loop_timer_cancel(&ch->timer);
	if (ch->done)
		ch->done(ch);
}

/* Kill it, noting why (unless a reason is already noted); reaping follows. */
static void
kill_child(struct child *ch, enum child_end why)
{
	if (ch->end == CHILD_EXITED)
		ch->end = why;
	kill(ch->pid, SIGKILL);
	close_io(&ch->out_io);
	close_io(&ch->err_io);
	loop_timer_in(&ch->timer, 0);
}

/* Past its deadline and not killed yet: kill it (returns 1). */
static int
timed_out(struct child *ch)
{
	if (ch->end != CHILD_EXITED || loop_now() < ch->deadline)
		return 0;
	kill_child(ch, CHILD_TIMEOUT);
	return 1;
}

/* Reap when it is gone; otherwise look again shortly. */
static void
try_reap(struct child *ch)
{
	int st;
	pid_t r = waitpid(ch->pid, &st, WNOHANG);

	if (r == ch->pid) {
		ch->status = st;
		finish(ch);
		return;
	}
	if (r < 0 && errno != EINTR) {
		/* SIGCHLD set to SIG_IGN by someone: reaped by the kernel. */
		if (ch->end == CHILD_EXITED) {
			ch->end = CHILD_FAILED;
			err_set(&ch->err, "its exit status is lost (%s)", strerror(errno));
		}
		finish(ch);
		return;
	}
	if (!timed_out(ch))
		loop_timer_in(&ch->timer, REAP_POLL_MS);
}

static void
on_timer(struct loop_timer *t)
{
	struct child *ch = LOOP_CONTAINER_OF(t, struct child, timer);

	if (timed_out(ch))
		return;
	if (ch->out_io.fd < 0 && ch->err_io.fd < 0) {
		try_reap(ch);
		return;
	}
	loop_timer_at(&ch->timer, ch->deadline);
}

static void
after_eof(struct child *ch)
{
	if (ch->out_io.fd < 0 && ch->err_io.fd < 0)
		try_reap(ch);
}

/* Read what the pipe io holds: stdout (out) into ch->out, stderr into
 * ch->errtext; at its end, reap once both are closed. */
static void
drain(struct child *ch, struct loop_io *io, int out)
{
	char chunk[4096];
	ssize_t n;

	while ((n = read(io->fd, chunk, sizeof chunk)) > 0) {
		size_t room = CHILD_STDERR_MAX - ch->errlen;
		size_t take = (size_t)n < room ? (size_t)n : room;

		if (!out) {
			memcpy(ch->errtext + ch->errlen, chunk, take);
			ch->errlen += take;
			ch->errtext[ch->errlen] = '\0';
		} else if (buf_put(&ch->out, chunk, (size_t)n) < 0) {
			kill_child(ch, ch->out.failed == BUF_TOO_LARGE ? CHILD_TOO_LARGE :
			    CHILD_FAILED);
			if (ch->end == CHILD_FAILED)
				err_set(&ch->err, "out of memory");
			break;
		}
	}
	/* Its output may be a secret: no copy left on the stack. */
	memset(chunk, 0, sizeof chunk);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close_io(io);
		after_eof(ch);
	}
}

static void
on_out(struct loop_io *io, short revents)
{
	(void)revents;
	drain(LOOP_CONTAINER_OF(io, struct child, out_io), io, 1);
}

static void
on_err(struct loop_io *io, short revents)
{
	(void)revents;
	drain(LOOP_CONTAINER_OF(io, struct child, err_io), io, 0);
}

/* CHILD_RAW_FORK in config.h. */
#if CHILD_RAW_FORK
pid_t _Fork(void); /* glibc's headers declare it only with _GNU_SOURCE */
#define start_process _Fork
#else
#define start_process fork
#endif

/* In the child, between fork and exec: only async-signal-safe calls. */
static void
exec_child(struct child *ch, int out, int err, const sigset_t *none)
{
	struct sigaction sa;
	struct rlimit rl;
	long maxfd = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
	    (long)rl.rlim_cur : -1;
	int in = open("/dev/null", O_RDONLY);
	static const char msg[] = "cannot run the program\n";

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
	if (maxfd < 0 || maxfd > CHILD_MAX_FD)
		maxfd = CHILD_MAX_FD;
	for (int fd = 3; fd < maxfd; fd++)
		close(fd);
	sigprocmask(SIG_SETMASK, none, NULL);
	execvp(ch->argv[0], ch->argv);
	err = errno;
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing else to do */
	}
	_exit(err == ENOENT ? 127 : 126);
}

int
child_start(struct child *ch, struct err *e)
{
	/* The stdout pipe's read and write ends, then stderr's. */
	int fd[4] = { -1, -1, -1, -1 };
	sigset_t all, old, none;

	struct sigaction sc;

	/* SIGCHLD ignored (inherited from whoever started us) would reap the
	 * child behind our back and lose its status: take the default back. */
	if (sigaction(SIGCHLD, NULL, &sc) == 0 && sc.sa_handler == SIG_IGN) {
		sc.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sc, NULL);
	}
	ch->end = CHILD_EXITED;
	ch->status = 0;
	ch->errlen = 0;
	ch->errtext[0] = '\0';
	err_clear(&ch->err);
	buf_init(&ch->out, ch->out_max);
	ch->out_io.fd = ch->err_io.fd = -1;
	if (pipe2(fd, O_NONBLOCK | O_CLOEXEC) < 0 || pipe2(fd + 2, O_NONBLOCK | O_CLOEXEC) < 0) {
		err_set(e, "pipe: %s", strerror(errno));
		goto close_all;
	}
	/* No signal handler of ours may run in the child before exec (it
	 * would write to the loop's self-pipe): block them across fork. */
	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &all, &old);
	ch->pid = start_process();
	if (ch->pid == 0)
		exec_child(ch, fd[1], fd[3], &none);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ch->pid < 0)
		goto fail;
	close(fd[1]);
	close(fd[3]);
	ch->running = 1;
	ch->deadline = loop_now() + ch->timeout_ms;
	ch->out_io.fd = fd[0];
	ch->out_io.events = POLLIN;
	ch->out_io.cb = on_out;
	ch->err_io.fd = fd[2];
	ch->err_io.events = POLLIN;
	ch->err_io.cb = on_err;
	ch->timer.cb = on_timer;
	if (loop_io_add(&ch->out_io) < 0 || loop_io_add(&ch->err_io) < 0) {
		err_set(&ch->err, "too many open descriptors");
		ch->end = CHILD_FAILED;
		kill_child(ch, CHILD_FAILED);
		return 0;
	}
	loop_timer_at(&ch->timer, ch->deadline);
	return 0;
fail:
	err_set(e, "cannot start %s: %s", ch->argv[0], strerror(errno));
close_all:
	for (int i = 0; i < 4; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	ch->pid = 0;
	return -1;
}

const char *
child_status_str(int status, char *buf, size_t cap)
{
	if (WIFEXITED(status))
		fmt_snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fmt_snprintf(buf, cap, "killed by signal %d", WTERMSIG(status));
	else
		fmt_snprintf(buf, cap, "ended with wait status %d", status);
	return buf;
}

void
child_free(struct child *ch)
{
	if (ch->running && ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	ch->running = 0;
	ch->pid = 0;
	if (ch->out_io.fd >= 0 && ch->out_io.cb)
		close_io(&ch->out_io);
	if (ch->err_io.fd >= 0 && ch->err_io.cb)
		close_io(&ch->err_io);
	if (ch->timer.cb)
		loop_timer_cancel(&ch->timer);
	buf_free(&ch->out); /* wipes it */
}
