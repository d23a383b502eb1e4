/*
 * version: what this binary is and how it was built.
 */
#ifndef NOTIFY53_VERSION_H
#define NOTIFY53_VERSION_H

#include <time.h>

/* The compiled-in options of config.h with their final (overridden) values:
 * "NAME\0VALUE\0" pairs, ended by an empty name. One string rather than a
 * table of pointers: 16 bytes an option less on 64-bit. Generated from
 * config.h by the Makefile (tools/options.sh). */
extern const char version_options[];

/* The build time (SOURCE_DATE_EPOCH or the last commit): the clock of a
 * router that booted without a real-time clock is earlier than this. */
time_t version_build_time(void);

#endif
