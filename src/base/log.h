/*
 * log: one complete line per event.
 *
 * Lines go to stderr (procd and systemd turn each into one syslog entry) or,
 * after log_use_syslog(), to the local syslog daemon for busybox init.
 * Messages never contain secrets: callers log key IDs at most, never secret
 * keys or TSIG secrets.
 */
#ifndef NOTIFY53_LOG_H
#define NOTIFY53_LOG_H

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

/* Messages above this level are dropped (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* The local syslog daemon's socket (syslogd, rsyslog, OpenWrt's logd). */
#define LOG_SYSLOG_PATH "/dev/log"

/* Send further lines to the AF_UNIX datagram socket at path (normally
 * LOG_SYSLOG_PATH; copied, at most sizeof sun_path - 1 bytes) as
 * "<PRI>notify53[PID]: text", facility daemon: RFC 3164 section 4.1
 * without TIMESTAMP and HOSTNAME, which the daemon adds (section 4.3.2).
 * The socket is non-blocking: a line the daemon cannot take now (its queue
 * is full, or nothing listens at path yet) is dropped and counted, and the
 * next line that gets through is preceded by a line saying how many were
 * lost; a daemon that restarted is reconnected to once per line. */
void log_use_syslog(const char *path);

/* Lines dropped on the syslog socket since log_use_syslog and not yet
 * reported (tests). */
unsigned long log_syslog_dropped(void);

/* Format one line; a trailing newline is added, embedded control
 * characters are replaced so one event is always one line. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
/* log_msg drops a line above the level, so the arguments are evaluated
 * even then: none may have a side effect (none has). */
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
