/*
 * date: calendar arithmetic, UTC, proleptic Gregorian: the seconds since the
 * epoch of a date and the date of a time. H. Hinnant's days_from_civil and
 * civil_from_days ("chrono-Compatible Low-Level Date Algorithms"), exact for
 * any year a 64-bit count holds; no timegm() or gmtime_r() (musl's would
 * link its time zone code for the name "UTC": 4 KB of the static binary)
 * and no time_t range limit (32 bits on some MIPS and ARM systems).
 */
#ifndef NOTIFY53_DATE_H
#define NOTIFY53_DATE_H

#include <stdint.h>

struct date {
	int64_t year;
	int month, day;     /* 1-12, 1-31 */
	int hour, min, sec; /* 0-23, 0-59, 0-60 (a leap second counts as the
	                     * next minute's first) */
};

/* Seconds since 1970-01-01T00:00:00Z. The caller checks the ranges; a day
 * past the month's end runs on into the next month. */
int64_t date_secs(const struct date *d);

/* The whole days of secs seconds since 1970-01-01T00:00:00Z (rounded
 * down: before it too), *sod the seconds into the last one (0-86399). */
int64_t date_days(int64_t secs, int *sod);

/* The date of secs seconds since 1970-01-01T00:00:00Z (before it too). */
void date_of(int64_t secs, struct date *d);

#endif
