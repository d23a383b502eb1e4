/*
 * version: what this binary is and how it was built.
 */
#ifndef NOTIFY53_VERSION_H
#define NOTIFY53_VERSION_H

#include <stddef.h>
#include <time.h>

/* One compiled-in option of config.h, as its final (overridden) value. The
 * table is generated from config.h by the Makefile (tools/options.sh). */
struct version_option {
	const char *name;
	const char *value;
};

extern const struct version_option version_options[];
extern const size_t version_options_count;

/* The build time (SOURCE_DATE_EPOCH or the last commit): the clock of a
 * router that booted without a real-time clock is earlier than this. */
time_t version_build_time(void);

#endif
