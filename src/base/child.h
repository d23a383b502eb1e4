/*
 * child: run a program without a shell and collect what it prints, on the
 * poll loop (the credential_process source, src/aws/creds).
 *
 * The program gets /dev/null as stdin, two non-blocking pipes as stdout and
 * stderr, the signal dispositions and mask of a fresh process, no other
 * descriptor, and the caller's environment, user and working directory.
 * Its stdout is collected up to a cap, the start of its stderr for the log.
 * After the time limit, or when stdout goes over the cap, it is killed
 * (SIGKILL). It is reaped with waitpid(WNOHANG) once its pipes are closed,
 * polled on a loop timer: no SIGCHLD handler, so the loop's signals and
 * anyone else's children are left alone. done() runs from the loop.
 */
#ifndef NOTIFY53_CHILD_H
#define NOTIFY53_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/loop.h"

enum child_end {
	CHILD_EXITED,     /* it ended by itself: see status */
	CHILD_TIMEOUT,    /* killed at the time limit */
	CHILD_TOO_LARGE,  /* killed: stdout over the cap */
	CHILD_FAILED      /* could not start, or lost: err says why */
};

struct child {
	/* Inputs, set before child_start and kept until done(). */
	char *const *argv;       /* argv[0] is the program; a name without '/'
	                            is looked up in PATH */
	int timeout_ms;
	size_t out_max;
	void (*done)(struct child *ch);

	/* Results, valid in done(). */
	enum child_end end;
	int status;              /* wait status when end is CHILD_EXITED */
	struct buf out;          /* stdout, at most out_max bytes */
	char errtext[CHILD_STDERR_MAX + 1]; /* the start of stderr, NUL-terminated */
	size_t errlen;
	struct err err;

	/* Private. */
	pid_t pid;
	int running;
	int64_t deadline;
	struct loop_io out_io, err_io;
	struct loop_timer timer;
};

/* Fork and exec ch->argv. Returns 0 (done() follows from the loop), or -1
 * with e set and nothing started. */
int child_start(struct child *ch, struct err *e);

/* Exit status as text: "exited with status 3", "killed by signal 9". */
const char *child_status_str(int status, char *buf, size_t cap);

/* Stop a running child (SIGKILL, then a blocking wait: it cannot outlive
 * this call) and free the collected output; safe on an idle child. done()
 * is not called. */
void child_free(struct child *ch);

#endif
