#include "base/date.h"

/* a / b rounded down (b > 0), *r the remainder (0 to b - 1): one division
 * of the 64-bit count. Past it every value is below 146097 (the days of a
 * 400-year era): int arithmetic, which on 32-bit targets needs no libgcc
 * call for its divisions. */
static int64_t
floor_div(int64_t a, int b, int *r)
{
	int64_t q = a / b;
	int m = (int)(a % b);

	if (m < 0) {
		m += b;
		q--;
	}
	*r = m;
	return q;
}

int64_t
date_secs(const struct date *d)
{
	int yoe, doy, doe;
	int64_t era = floor_div(d->year - (d->month <= 2), 400, &yoe);

	doy = (153 * (d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 + d->day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + d->hour * 3600 + d->min * 60 + d->sec;
}

int64_t
date_days(int64_t secs, int *sod)
{
	return floor_div(secs, 86400, sod);
}

void
date_of(int64_t secs, struct date *d)
{
	int s, doe, yoe, doy, mp;
	int64_t era = floor_div(date_days(secs, &s) + 719468, 146097, &doe);

	d->hour = s / 3600;
	d->min = s / 60 % 60;
	d->sec = s % 60;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->day = doy - (153 * mp + 2) / 5 + 1;
	d->month = mp < 10 ? mp + 3 : mp - 9;
	d->year = yoe + era * 400 + (d->month <= 2);
}
