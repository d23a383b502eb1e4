/*
 * test_date: the calendar of src/base/date against known dates (the epoch,
 * leap days of 2000 and 2024, the 32-bit time_t limit, before the epoch,
 * year 9999) and against itself: date_of(date_secs(d)) == d for every day
 * of 1600-2400 and around the epoch, checked against a day-by-day walk;
 * date_days at the edges of its range.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/date.h"
#include "tap.h"

static int
same(const struct date *a, const struct date *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day &&
	    a->hour == b->hour && a->min == b->min && a->sec == b->sec;
}

static void
known(int64_t y, int mo, int d, int h, int mi, int s, int64_t want)
{
	struct date in = { y, mo, d, h, mi, s }, out;

	date_of(want, &out);
	ok(date_secs(&in) == want && same(&in, &out), "%04lld-%02d-%02dT%02d:%02d:%02dZ is %lld",
	    (long long)y, mo, d, h, mi, s, (long long)want);
}

static int
days_in(int64_t y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : n[m - 1];
}

int
main(void)
{
	struct date d = { 1600, 1, 1, 12, 0, 0 }, got;
	int64_t secs = date_secs(&d);
	int bad = 0;

	known(1970, 1, 1, 0, 0, 0, 0);
	known(1969, 12, 31, 23, 59, 59, -1);
	known(2000, 2, 29, 0, 0, 0, 951782400);
	known(2000, 3, 1, 0, 0, 0, 951868800);
	known(2024, 2, 29, 23, 59, 59, 1709251199);
	known(2038, 1, 19, 3, 14, 8, 2147483648LL);
	known(2015, 8, 30, 12, 36, 0, 1440938160);
	known(9999, 12, 31, 23, 59, 59, 253402300799LL);
	known(1900, 3, 1, 0, 0, 0, -2203891200LL);
	/* Every day of 800 years, walked by hand. */
	while (d.year < 2400 && !bad) {
		date_of(secs, &got);
		if (!same(&d, &got) || date_secs(&d) != secs) {
			diag("%lld-%d-%d: got %lld-%d-%d", (long long)d.year, d.month, d.day,
			    (long long)got.year, got.month, got.day);
			bad = 1;
		}
		secs += 86400;
		if (++d.day > days_in(d.year, d.month)) {
			d.day = 1;
			if (++d.month > 12) {
				d.month = 1;
				d.year++;
			}
		}
	}
	ok(!bad, "every day of 1600-2399: date_of and date_secs agree with the walk");
	{
		/* Whole days rounded down, before the epoch too, and far from
		 * it (the 64-bit division before the int arithmetic). */
		static const int64_t in[] = { 0, 86399, 86400, -1, -86400, -86401,
			INT64_MAX, INT64_MIN };
		static const int64_t want[] = { 0, 0, 1, -1, -1, -2, 106751991167300LL,
			-106751991167301LL };
		static const int wsod[] = { 0, 86399, 0, 86399, 0, 86399, 55807, 30592 };
		int sod, days_ok = 1;

		for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
			int64_t z = date_days(in[i], &sod);

			if (z != want[i] || sod != wsod[i]) {
				diag("date_days(%lld): %lld, %d", (long long)in[i], (long long)z, sod);
				days_ok = 0;
			}
		}
		ok(days_ok, "date_days: whole days rounded down and the seconds into the last");
	}
	d = (struct date){ 2026, 1, 31, 0, 0, 60 };
	date_of(date_secs(&d), &got);
	ok(got.month == 1 && got.day == 31 && got.min == 1 && got.sec == 0,
	    "second 60 (a leap second) is the next minute's first");
	return tap_done();
}
