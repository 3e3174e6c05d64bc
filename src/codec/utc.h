/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The calendar: seconds since 1970-01-01 UTC to text and back, for every date ovpn-token shows
 * (certificates, the status file) and reads (certificates).  No gmtime()/timegm(): they follow
 * the local zone on some systems, are spelt differently on mingw and do not take a long long.
 */
#ifndef OVPN_TOKEN_UTC_H
#define OVPN_TOKEN_UTC_H

#include <stddef.h>

enum utc_style {
	UTC_DATE,      /* "2031-05-06" */
	UTC_DATE_TIME, /* "2031-05-06 12:00:00" (list, doctor) */
	UTC_ISO8601,   /* "2031-05-06T12:00:00Z" (machine-read: the status file) */
};

/*
 * The one date formatter: epoch (seconds since 1970-01-01 UTC, negative ones too) in style.
 * "?" outside the years 0 to 9999.  Always NUL-terminates when bufsz > 0.
 */
void utc_text(long long epoch, enum utc_style style, char *buf, size_t bufsz);

/*
 * Seconds since 1970-01-01 UTC of a date and time in the proleptic Gregorian calendar
 * (month 1-12, day 1-31, not checked further), any year.
 */
long long utc_epoch(long long year, unsigned month, unsigned day, unsigned hour,
                    unsigned minute, unsigned second);

#endif
