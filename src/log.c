#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "config.h"

static enum log_level cur_level = LOG_LEVEL_INFO;
static int to_syslog;

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
log_use_syslog(void)
{
	openlog("notify53", LOG_PID, LOG_DAEMON);
	to_syslog = 1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* One event, one line: a newline or other control byte inside a
	 * message (a name from the network, say) must not start a new one. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (to_syslog)
		syslog(prio[level], "%s", line);
	else
		fprintf(stderr, "notify53: %s: %s\n", tag[level], line);
}
