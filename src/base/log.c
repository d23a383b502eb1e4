#include "base/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"

#include "base/fmt.h"

static enum log_level cur_level = LOG_LEVEL_INFO;

/* Syslog state: a path is set once log_use_syslog was called; fd is -1
 * while not connected. */
static struct {
	struct sockaddr_un addr;
	int on, fd;
	unsigned long dropped;
} sl = { .fd = -1 };

void
log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level
log_get_level(void)
{
	return cur_level;
}

void
log_use_syslog(const char *path)
{
	memset(&sl.addr, 0, sizeof sl.addr);
	sl.addr.sun_family = AF_UNIX;
	/* The address is zeroed: a copy cut to fit keeps its NUL (strncpy's
	 * padding, and its libc code, are not needed). */
	memcpy(sl.addr.sun_path, path, strnlen(path, sizeof sl.addr.sun_path - 1));
	if (sl.fd >= 0)
		close(sl.fd);
	sl.fd = -1;
	sl.dropped = 0;
	sl.on = 1;
}

unsigned long
log_syslog_dropped(void)
{
	return sl.dropped;
}

static int
sl_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&sl.addr, sizeof sl.addr) < 0) {
		close(fd);
		return -1;
	}
	sl.fd = fd;
	return 0;
}

/* Send one datagram; 0, or -1 when it was not taken. */
static int
sl_send(const char *msg, size_t len)
{
	for (int tries = 0; tries < 2; tries++) {
		if (sl.fd < 0 && sl_connect() < 0)
			return -1;
		if (send(sl.fd, msg, len, MSG_NOSIGNAL) >= 0)
			return 0;
		/* The daemon restarted (our peer socket is gone): connect to
		 * the new one once. Anything else, a full queue above all
		 * (EAGAIN), drops the line rather than block the loop. */
		if (errno != ECONNREFUSED && errno != ENOTCONN)
			return -1;
		close(sl.fd);
		sl.fd = -1;
	}
	return -1;
}

/* "<PRI>notify53[PID]: line" (RFC 3164 section 4.1.1: PRI = facility * 8
 * + severity, daemon = 3; severities err 3, warning 4, info 6, debug 7). */
static void
sl_line(enum log_level level, const char *line)
{
	static const unsigned char severity[] = { 3, 4, 6, 7 };
	char msg[LOG_LINE_MAX + 48];
	int n;

	if (sl.dropped) {
		n = fmt_snprintf(msg, sizeof msg, "<%u>notify53[%ld]: %lu log lines lost: syslog did not "
		    "take them", 3 * 8 + 4u, (long)getpid(), sl.dropped);
		if (sl_send(msg, (size_t)n) < 0) {
			sl.dropped++;
			return;
		}
		sl.dropped = 0;
	}
	n = fmt_snprintf(msg, sizeof msg, "<%u>notify53[%ld]: %s", 3 * 8u + severity[level],
	    (long)getpid(), line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof msg)
		n = (int)sizeof msg - 1;
	if (sl_send(msg, (size_t)n) < 0)
		sl.dropped++;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* One event, one line: a newline or other control byte inside a
	 * message (a name from the network, say) must not start a new one. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (sl.on)
		sl_line(level, line);
	else
		fmt_fprintf(FMT_STDERR, "notify53: %s: %s\n", tag[level], line);
}
