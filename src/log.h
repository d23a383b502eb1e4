/*
 * log: one complete line per event.
 *
 * Lines go to stderr (procd and systemd turn each into one syslog entry) or,
 * after log_use_syslog(), to syslog for busybox init. Messages never contain
 * secrets: callers log key IDs at most, never secret keys or TSIG secrets.
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

/* Send further lines to syslog(3) with identity "notify53". */
void log_use_syslog(void);

/* Format one line; a trailing newline is added, embedded control
 * characters are replaced so one event is always one line. */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) \
	do { \
		if (log_get_level() >= LOG_LEVEL_DEBUG) \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
