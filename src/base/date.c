#include "base/date.h"

/* Past the first division by a 64-bit count (era, days), every value is
 * below 146097 (the days of a 400-year era): int arithmetic, which on
 * 32-bit targets needs no libgcc call for its divisions. */

int64_t
date_secs(const struct date *d)
{
	int64_t y = d->year - (d->month <= 2), era = (y >= 0 ? y : y - 399) / 400;
	int yoe = (int)(y - era * 400), doy, doe;

	doy = (153 * (d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 + d->day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + d->hour * 3600 + d->min * 60 + d->sec;
}

int64_t
date_days(int64_t secs, int *sod)
{
	int64_t z = secs / 86400;
	int s = (int)(secs % 86400);

	if (s < 0) {
		s += 86400;
		z--;
	}
	*sod = s;
	return z;
}

void
date_of(int64_t secs, struct date *d)
{
	int s, doe, yoe, doy, mp;
	int64_t z = date_days(secs, &s) + 719468, era = (z >= 0 ? z : z - 146096) / 146097;

	d->hour = s / 3600;
	d->min = s / 60 % 60;
	d->sec = s % 60;
	doe = (int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->day = doy - (153 * mp + 2) / 5 + 1;
	d->month = mp < 10 ? mp + 3 : mp - 9;
	d->year = yoe + era * 400 + (d->month <= 2);
}
