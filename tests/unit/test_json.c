/* SPDX-License-Identifier: GPL-3.0-or-later */
/* json_put_string: whatever a token holds, the output is valid JSON; the fields of an object. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/json.h"

static void assert_json(const char *in, const char *want)
{
	char buf[512] = "";
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	json_put_string(f, in);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static void test_plain_and_escapes(void **state)
{
	(void)state;
	assert_json(NULL, "null");
	assert_json("", "\"\"");
	assert_json("Test Token", "\"Test Token\"");
	assert_json("My \"Card\" O'Neil\\x", "\"My \\\"Card\\\" O'Neil\\\\x\"");
	assert_json("a/b%#", "\"a/b%#\"");
	assert_json("\n\r\t\x01\x1f\x7f", "\"\\n\\r\\t\\u0001\\u001f\\u007f\"");
	assert_json("SoftHSM\\x20project/45", "\"SoftHSM\\\\x20project/45\"");
}

static void test_utf8(void **state)
{
	(void)state;
	assert_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91\"");
	/* Invalid: lone continuation, overlong, surrogate, past U+10FFFF, cut sequence. */
	assert_json("\x80", "\"\\ufffd\"");
	assert_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_json("x\xe2\x82", "\"x\\ufffd\\ufffd\"");
	/* C1 (CSI) and bidi controls: exact as \u escapes, never raw on a terminal. */
	assert_json("a\xc2\x9b" "31m", "\"a\\u009b31m\"");
	assert_json("abc\xe2\x80\xae" "exe.pdf", "\"abc\\u202eexe.pdf\"");
	assert_json("\xd8\x9c\xe2\x81\xa6", "\"\\u061c\\u2066\"");
}

/* The separator goes between two fields, never before the first or after the last. */
static void test_fields(void **state)
{
	char buf[512] = "";
	FILE *f = tmpfile();
	struct json_fields o = {.f = f, .sep = ", "}, lines = {.f = f, .sep = ",\n  "};
	size_t n;

	(void)state;
	assert_non_null(f);
	fputs("{", f);
	json_string_field(&o, "name", "a\"b");
	json_bool_field(&o, "served", true);
	json_string_field(&o, "state", NULL);
	json_field_name(&o, "holder");
	fputs("{", f);
	json_long_field(&lines, "pid", -1);
	json_ulong_field(&lines, "slot", 4000000000UL);
	json_bool_field(&lines, "x", false);
	fputs("}}", f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, "{\"name\": \"a\\\"b\", \"served\": true, \"state\": null, "
	                         "\"holder\": {\"pid\": -1,\n  \"slot\": 4000000000,\n  \"x\": false}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_plain_and_escapes),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
