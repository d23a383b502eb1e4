/*
 * notify53 compile-time limits and options.
 *
 * Every value can be overridden at build time, e.g.
 *   make CPPFLAGS='-DDNS_MAX_ZONE_RRS=200000'
 * Test options only with #if. `notify53 version` prints the compiled values.
 * Limits exist so hostile input (a primary, Route 53, a config file) can never
 * make the daemon grow without bound on a 64 MB router.
 */
#ifndef NOTIFY53_CONFIG_H
#define NOTIFY53_CONFIG_H

/* ---- logging ---------------------------------------------------------- */

/* Longest log line; longer messages are cut, never split over two lines. */
#ifndef LOG_LINE_MAX
#define LOG_LINE_MAX 1024
#endif

/* Longest error message kept by a sticky error (struct err). */
#ifndef ERR_MSG_MAX
#define ERR_MSG_MAX 256
#endif

/* ---- poll loop --------------------------------------------------------- */

/* Most file descriptors polled at once: NOTIFY sockets, transfers, the HTTPS
 * connection, resolver queries and TCP NOTIFY clients. */
#ifndef LOOP_MAX_FDS
#define LOOP_MAX_FDS 64
#endif

#endif
