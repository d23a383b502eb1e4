/*
 * test_sdnotify: the sd_notify(3) datagrams against sockets of our own, at
 * a path and in the abstract namespace: each state's assignments, STATUS=
 * kept to one line and cut to size, nothing sent and no socket opened
 * without NOTIFY_SOCKET or with an address of another form, and a manager
 * that does not read (full queue) or is gone: messages dropped, never a
 * blocked sender.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dgram.h"
#include "daemon/sdnotify.h"
#include "tap.h"

static char dir[64], sock_path[96];

/* The lowest free descriptor: it moves when a socket is left open. */
static int
free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

static void
states(const char *name)
{
	char buf[512], want[512];
	struct timespec ts;
	unsigned long long before, usec = 0;
	int fd = dgram_bind(name);

	if (!ok(fd >= 0, "%s: manager socket bound", name))
		return;
	setenv("NOTIFY_SOCKET", name, 1);
	sdnotify_init();
	is_int(sdnotify(SDNOTIFY_READY, "2 zones: 2 in sync"), 0, "%s: READY sent", name);
	is_str(dgram_next(fd, buf, sizeof buf), "READY=1\nSTATUS=2 zones: 2 in sync\n",
	    "%s: READY=1 and STATUS=", name);
	is_int(sdnotify(SDNOTIFY_STOPPING, NULL), 0, "%s: STOPPING sent", name);
	is_str(dgram_next(fd, buf, sizeof buf), "STOPPING=1\n", "%s: STOPPING=1 alone", name);
	is_int(sdnotify(SDNOTIFY_STATUS, "a\nb\tc"), 0, "%s: STATUS sent", name);
	is_str(dgram_next(fd, buf, sizeof buf), "STATUS=a?b?c\n",
	    "%s: STATUS= only, control bytes replaced (one assignment per line)", name);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = (unsigned long long)ts.tv_sec * 1000000u + (unsigned long long)ts.tv_nsec / 1000u;
	is_int(sdnotify(SDNOTIFY_RELOADING, "reloading"), 0, "%s: RELOADING sent", name);
	dgram_next(fd, buf, sizeof buf);
	ok(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu\n", &usec) == 1 && usec >= before &&
	    usec < before + 60000000u, "%s: RELOADING=1 with MONOTONIC_USEC= of CLOCK_MONOTONIC",
	    name);
	snprintf(want, sizeof want, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading\n", usec);
	is_str(buf, want, "%s: ... then STATUS=", name);
	close(fd);
}

static void
long_status(void)
{
	char text[2 * SDNOTIFY_MSG_MAX], buf[2 * SDNOTIFY_MSG_MAX];
	int fd = dgram_bind(sock_path);

	if (fd < 0)
		return;
	setenv("NOTIFY_SOCKET", sock_path, 1);
	sdnotify_init();
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	is_int(sdnotify(SDNOTIFY_READY, text), 0, "long STATUS: sent");
	dgram_next(fd, buf, sizeof buf);
	is_int(strlen(buf), SDNOTIFY_MSG_MAX, "long STATUS: cut to SDNOTIFY_MSG_MAX bytes");
	ok(!strncmp(buf, "READY=1\nSTATUS=xxx", 18) && buf[strlen(buf) - 1] == '\n',
	    "long STATUS: READY=1 kept, the STATUS= line still ends in a newline");
	close(fd);
}

/* Nothing at all without NOTIFY_SOCKET, or with an address of no form we
 * send to: no socket opened, nothing sent. */
static void
silent(const char *value, const char *what)
{
	char buf[64];
	int fd = dgram_bind(sock_path), before;

	if (value)
		setenv("NOTIFY_SOCKET", value, 1);
	else
		unsetenv("NOTIFY_SOCKET");
	sdnotify_init();
	before = free_fd();
	is_int(sdnotify(SDNOTIFY_READY, "ready"), -1, "%s: nothing sent", what);
	is_int(free_fd(), before, "%s: no socket left open", what);
	is_str(dgram_next(fd, buf, sizeof buf), "", "%s: the manager got nothing", what);
	close(fd);
}

/* A manager that never reads: its queue fills (net.unix.max_dgram_qlen)
 * and further messages are dropped at once. A blocking send would hang
 * here until test/run.sh's time limit. */
static void
full_queue(void)
{
	char buf[64];
	int fd = dgram_bind(sock_path), sent = 0, dropped = 0;

	if (fd < 0)
		return;
	setenv("NOTIFY_SOCKET", sock_path, 1);
	sdnotify_init();
	for (int i = 0; i < 2000; i++) {
		if (sdnotify(SDNOTIFY_STATUS, "queue filler") == 0)
			sent++;
		else
			dropped++;
	}
	ok(sent > 0 && dropped > 0, "full queue: %d taken, %d dropped without blocking", sent,
	    dropped);
	while (dgram_next(fd, buf, sizeof buf)[0])
		;
	is_int(sdnotify(SDNOTIFY_READY, NULL), 0, "full queue: taken again once read");
	close(fd);
	unlink(sock_path);
	is_int(sdnotify(SDNOTIFY_STOPPING, NULL), -1, "manager gone: dropped, no error raised");
}

static void
cleanup(void)
{
	unlink(sock_path);
	rmdir(dir);
}

int
main(void)
{
	char abstract[64], too_long[200];

	snprintf(dir, sizeof dir, "/tmp/test_sdnotify.%ld", (long)getpid());
	snprintf(sock_path, sizeof sock_path, "%s/notify", dir);
	snprintf(abstract, sizeof abstract, "@notify53-test-sdnotify-%ld", (long)getpid());
	if (mkdir(dir, 0700) < 0) {
		diag("mkdir %s: %s", dir, strerror(errno));
		return 1;
	}
	atexit(cleanup);

	states(sock_path);
	states(abstract);
	long_status();
	full_queue();

	memset(too_long, 'a', sizeof too_long - 1);
	too_long[0] = '/';
	too_long[sizeof too_long - 1] = '\0';
	silent(NULL, "NOTIFY_SOCKET unset");
	silent("", "NOTIFY_SOCKET empty");
	silent("relative/notify", "a relative path");
	silent("vsock:2:1234", "a vsock address");
	silent("@", "an empty abstract name");
	silent(too_long, "a path longer than sun_path");
	return tap_done();
}
