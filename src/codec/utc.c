/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The calendar of utc.h: H. Hinnant's days-from-civil algorithm and its inverse. */
#include "codec/utc.h"

#include <stdio.h>

/* Days since 1970-01-01 of a date. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* The date of a day since 1970-01-01. */
static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

long long utc_epoch(long long year, unsigned month, unsigned day, unsigned hour,
                    unsigned minute, unsigned second)
{
	return days_from_civil(year, month, day) * 86400LL + hour * 3600LL + minute * 60LL + second;
}

void utc_text(long long epoch, enum utc_style style, char *buf, size_t bufsz)
{
	long long days, secs, y;
	unsigned m, d;
	int hh, mi, ss;

	if (buf == NULL || bufsz == 0)
		return;
	/* Floor division: 1969-12-31T23:59:59Z is -1. */
	days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
	secs = epoch - days * 86400;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(buf, bufsz, "?");
		return;
	}
	hh = (int)(secs / 3600);
	mi = (int)(secs / 60 % 60);
	ss = (int)(secs % 60);
	switch (style) {
	case UTC_DATE:
		snprintf(buf, bufsz, "%04d-%02u-%02u", (int)y, m, d);
		break;
	case UTC_DATE_TIME:
		snprintf(buf, bufsz, "%04d-%02u-%02u %02d:%02d:%02d", (int)y, m, d, hh, mi, ss);
		break;
	case UTC_ISO8601:
		snprintf(buf, bufsz, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d, hh, mi, ss);
		break;
	}
}
