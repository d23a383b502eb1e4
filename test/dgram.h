/*
 * dgram.h: the receiving end of AF_UNIX datagram sockets for the unit tests
 * of senders (test_log: syslog; test_sdnotify: the service manager).
 */
#ifndef NOTIFY53_TEST_DGRAM_H
#define NOTIFY53_TEST_DGRAM_H

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"

/* A datagram socket bound at name: a path (replacing what is there), or
 * "@name" in the abstract namespace (unix(7)). The fd, or -1. */
static int __attribute__((unused))
dgram_bind(const char *name)
{
	struct sockaddr_un a;
	size_t n = strlen(name);
	socklen_t len = sizeof a;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	if (name[0] == '@') {
		memcpy(a.sun_path + 1, name + 1, n - 1);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		strcpy(a.sun_path, name);
		unlink(name);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) < 0) {
		diag("socket %s: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram (NUL-terminated in buf), or "" when none is queued. */
static const char * __attribute__((unused))
dgram_next(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

#endif
