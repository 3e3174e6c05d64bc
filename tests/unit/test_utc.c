/* SPDX-License-Identifier: GPL-3.0-or-later */
/* codec/utc.h: the one date formatter and its inverse, at the edges of the calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/utc.h"

static void expect(long long epoch, enum utc_style style, const char *want)
{
	char buf[32];

	memset(buf, 'z', sizeof buf);
	utc_text(epoch, style, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_styles(void **state)
{
	(void)state;
	expect(1935835200LL, UTC_DATE, "2031-05-06");
	expect(1935835200LL, UTC_DATE_TIME, "2031-05-06 12:00:00");
	expect(1935835200LL, UTC_ISO8601, "2031-05-06T12:00:00Z");
	/* the status file's time of a >STATE line */
	expect(1795412007LL, UTC_ISO8601, "2026-11-23T05:33:27Z");
}

static void test_calendar_edges(void **state)
{
	char small[5];

	(void)state;
	expect(0, UTC_DATE_TIME, "1970-01-01 00:00:00");
	expect(-1, UTC_ISO8601, "1969-12-31T23:59:59Z");
	expect(951782400LL, UTC_DATE, "2000-02-29");              /* a leap day */
	expect(4107542399LL, UTC_DATE_TIME, "2100-02-28 23:59:59"); /* 2100 is no leap year */
	expect(4107542400LL, UTC_DATE, "2100-03-01");
	expect(-62167219200LL, UTC_DATE_TIME, "0000-01-01 00:00:00");
	expect(253402300799LL, UTC_ISO8601, "9999-12-31T23:59:59Z");
	expect(253402300800LL, UTC_DATE_TIME, "?");
	expect(-62167219201LL, UTC_DATE, "?");
	utc_text(0, UTC_DATE, small, sizeof small);
	assert_string_equal(small, "1970");
	utc_text(0, UTC_DATE, NULL, 0);
}

/* utc_epoch is utc_text's inverse, across eras, leap years and the epoch. */
static void test_epoch_round_trip(void **state)
{
	static const long long samples[] = {
		0, -1, 86399, 86400, 951782399LL, 951782400LL, 1935835200LL, 4107542400LL,
		-62167219200LL, 253402300799LL, -2208988800LL /* 1900-01-01 */,
	};
	char want[32], got[32];

	(void)state;
	assert_int_equal(utc_epoch(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(utc_epoch(2031, 5, 6, 12, 0, 0), 1935835200LL);
	assert_int_equal(utc_epoch(1969, 12, 31, 23, 59, 59), -1);
	assert_int_equal(utc_epoch(0, 1, 1, 0, 0, 0), -62167219200LL);
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		long long t = samples[i], days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
		long long secs = t - days * 86400;
		unsigned y, m, d;

		utc_text(t, UTC_DATE, want, sizeof want);
		assert_int_equal(sscanf(want, "%u-%u-%u", &y, &m, &d), 3);
		assert_int_equal(utc_epoch(y, m, d, (unsigned)(secs / 3600),
		                           (unsigned)(secs / 60 % 60), (unsigned)(secs % 60)), t);
		utc_text(utc_epoch(y, m, d, 0, 0, 0), UTC_DATE, got, sizeof got);
		assert_string_equal(got, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_calendar_edges),
		cmocka_unit_test(test_epoch_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
