/*
 * test_log: stderr lines, and the syslog sender against a datagram socket
 * of our own (test/dgram.h): RFC 3164 PRI per level, control bytes, a line
 * at the length limit, a daemon that restarts (reconnect), no daemon yet
 * and a full queue
 * (lines dropped without blocking, counted, and the count reported first
 * once lines get through again).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "base/log.h"
#include "dgram.h"
#include "tap.h"

static char dir[64], sock_path[96];

static void
cleanup(void)
{
	unlink(sock_path);
	rmdir(dir);
}

/* After two lost lines and log_info(line): the loss, then the line. */
static void
loss_then(int fd, const char *line, const char *what)
{
	char buf[256], want[256];

	snprintf(want, sizeof want, "<28>notify53[%ld]: 2 log lines lost: syslog did not take them",
	    (long)getpid());
	is_str(dgram_next(fd, buf, sizeof buf), want, "%s: the two lost lines reported first", what);
	snprintf(want, sizeof want, "<30>notify53[%ld]: %s", (long)getpid(), line);
	is_str(dgram_next(fd, buf, sizeof buf), want, "%s: then the line", what);
}

static void
stderr_lines(void)
{
	char buf[256];
	int p[2], saved = dup(2);
	ssize_t n;

	if (pipe(p) < 0 || saved < 0) {
		ok(0, "pipe: %s", strerror(errno));
		return;
	}
	dup2(p[1], 2);
	log_warn("two\nlines %d", 2);
	log_debug("not at info");
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(p[0]);
	is_str(buf, "notify53: warning: two?lines 2\n", "stderr: tag, newline replaced, no debug");
}

static void
syslog_lines(void)
{
	char buf[LOG_LINE_MAX + 128], want[LOG_LINE_MAX + 128], big[LOG_LINE_MAX + 10];
	long pid = (long)getpid();
	int fd = dgram_bind(sock_path);

	if (fd < 0) {
		ok(0, "syslog stand-in");
		return;
	}
	log_use_syslog(sock_path);
	log_err("e %d", 1);
	snprintf(want, sizeof want, "<27>notify53[%ld]: e 1", pid);
	is_str(dgram_next(fd, buf, sizeof buf), want, "err: PRI 27 (daemon.err), identity and PID");
	log_warn("w");
	snprintf(want, sizeof want, "<28>notify53[%ld]: w", pid);
	is_str(dgram_next(fd, buf, sizeof buf), want, "warning: PRI 28");
	log_info("i\x7f\t");
	snprintf(want, sizeof want, "<30>notify53[%ld]: i??", pid);
	is_str(dgram_next(fd, buf, sizeof buf), want, "info: PRI 30, control bytes replaced");
	log_debug("d");
	is_str(dgram_next(fd, buf, sizeof buf), "", "debug: nothing at level info");
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("d");
	log_set_level(LOG_LEVEL_INFO);
	snprintf(want, sizeof want, "<31>notify53[%ld]: d", pid);
	is_str(dgram_next(fd, buf, sizeof buf), want, "debug: PRI 31 at level debug");

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_info("%s", big);
	snprintf(want, sizeof want, "<30>notify53[%ld]: %.*s", pid, LOG_LINE_MAX - 1, big);
	is_str(dgram_next(fd, buf, sizeof buf), want, "a long line: cut at LOG_LINE_MAX, one datagram");
	is_str(dgram_next(fd, buf, sizeof buf), "", "nothing more queued");

	/* syslogd restarted: a new socket at the same path. */
	close(fd);
	fd = dgram_bind(sock_path);
	log_info("after restart");
	snprintf(want, sizeof want, "<30>notify53[%ld]: after restart", pid);
	is_str(dgram_next(fd, buf, sizeof buf), want, "daemon restarted: reconnected, line delivered");
	is_int(log_syslog_dropped(), 0, "nothing dropped");

	/* No daemon: dropped, counted, reported once one listens again. */
	close(fd);
	unlink(sock_path);
	log_info("lost");
	log_err("lost too");
	is_int(log_syslog_dropped(), 2, "no daemon: two lines dropped");
	fd = dgram_bind(sock_path);
	log_info("back");
	loss_then(fd, "back", "daemon back");
	is_int(log_syslog_dropped(), 0, "count reset once reported");

	/* A full queue: log_msg must return (alarm() ends a blocked test). */
	alarm(30);
	for (int i = 0; i < 100000 && !log_syslog_dropped(); i++)
		log_info("flood %d", i);
	alarm(0);
	ok(log_syslog_dropped() > 0, "full queue: lines dropped, never blocked");
	log_info("more");
	while (dgram_next(fd, buf, sizeof buf)[0])
		;
	log_info("drained");
	loss_then(fd, "drained", "queue drained");
	close(fd);
}

int
main(void)
{
	snprintf(dir, sizeof dir, "/tmp/test_log.XXXXXX");
	if (!mkdtemp(dir)) {
		ok(0, "temporary directory: %s", strerror(errno));
		return tap_done();
	}
	snprintf(sock_path, sizeof sock_path, "%s/log", dir);
	atexit(cleanup);
	stderr_lines();
	syslog_lines();
	return tap_done();
}
