#include "base/date.h"

int64_t
date_secs(const struct date *d)
{
	int64_t y = d->year - (d->month <= 2), era, yoe, doy, doe;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 + d->day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + d->hour * 3600 + d->min * 60 + d->sec;
}

void
date_of(int64_t secs, struct date *d)
{
	int64_t z = secs / 86400, s = secs % 86400, era, doe, yoe, doy, mp;

	if (s < 0) {
		s += 86400;
		z--;
	}
	d->hour = (int)(s / 3600);
	d->min = (int)(s / 60 % 60);
	d->sec = (int)(s % 60);
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->year = yoe + era * 400 + (d->month <= 2);
}
