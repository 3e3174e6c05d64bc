/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mgmt/command.h"
#include "../lib/mgmt_probe.h"

static char out[MGMT_COMMAND_MAX];
static size_t outlen;

static enum mgmt_cmd_status build2(const char *verb, const char *a, const char *b)
{
	const char *argv[] = { a, b, NULL };

	return mgmt_command_build(out, sizeof out, &outlen, verb, argv);
}

static void test_basic(void **state)
{
	const char *argv[] = { "Test Token token", "123456", NULL };
	const char *none[] = { NULL };

	(void)state;
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "password", argv), MGMT_CMD_OK);
	assert_string_equal(out, "password \"Test Token token\" \"123456\"\n");
	assert_int_equal(outlen, strlen(out));
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "hold release", none), MGMT_CMD_OK);
	assert_string_equal(out, "hold release\n");
	assert_int_equal(outlen, 13);
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "pkcs11-id-count", NULL), MGMT_CMD_OK);
	assert_string_equal(out, "pkcs11-id-count\n");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_int_equal(build2("needstr", "pkcs11-id-request", "a\\x20b\"c"), MGMT_CMD_OK);
	assert_string_equal(out, "needstr \"pkcs11-id-request\" \"a\\\\x20b\\\"c\"\n");
	assert_int_equal(build2("password", "Auth", ""), MGMT_CMD_OK);
	assert_string_equal(out, "password \"Auth\" \"\"\n");
}

/* Builds "verb "value"" and reads the value back with OpenVPN's lexer rules. */
static void round_trip(const char *value)
{
	const char *argv[] = { value, NULL };
	char back[MGMT_PARAM_MAX + 8];
	int used;
	size_t verb_len = strlen("password ");

	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "password", argv), MGMT_CMD_OK);
	assert_memory_equal(out, "password ", verb_len);
	used = mgmt_unquote_param(out + verb_len, back, sizeof back);
	assert_true(used > 0);
	assert_string_equal(back, value);
	/* The parameter ends right before the line end: nothing was left over. */
	assert_string_equal(out + verb_len + (size_t)used, "\n");
}

static void test_round_trips(void **state)
{
	(void)state;
	round_trip("with spaces  and  more");
	round_trip("\"");
	round_trip("\"quoted\"");
	round_trip("\\");
	round_trip("back\\slash\\\\ \\\"x");
	round_trip("'");
	round_trip("it's");
	round_trip("#comment");
	round_trip(";comment");
	round_trip("J\xc3\xbcrgen \xe2\x82\xac");
	round_trip("");
	round_trip("SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45");
}

static void test_unquote_lexer(void **state)
{
	char back[64];

	(void)state;
	assert_int_equal(mgmt_unquote_param("'a\\b \"c' rest", back, sizeof back), 8);
	assert_string_equal(back, "a\\b \"c");
	assert_int_equal(mgmt_unquote_param("  bare\\ word next", back, sizeof back), 12);
	assert_string_equal(back, "bare word");
	assert_int_equal(mgmt_unquote_param("\"a\\\\b\"", back, sizeof back), 6);
	assert_string_equal(back, "a\\b");
	assert_int_equal(mgmt_unquote_param("\"\"", back, sizeof back), 2);
	assert_string_equal(back, "");
	/* OpenVPN refuses a backslash before any other character. */
	assert_int_equal(mgmt_unquote_param("\"a\\xb\"", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("a\\n", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("\"open", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("'open", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("#x", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("   ", back, sizeof back), -1);
	assert_int_equal(mgmt_unquote_param("\"toolong\"", back, 4), -1);
	assert_int_equal(mgmt_unquote_param("\"fits\"", back, 5), 6);
	assert_string_equal(back, "fits");
}

static void assert_wiped(void)
{
	size_t i;

	assert_int_equal(outlen, 0);
	for (i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], 0);
}

/* A refused value must not stay in the buffer: it may be a PIN. */
static void expect_refused(const char *value, enum mgmt_cmd_status want)
{
	const char *argv[] = { "Test Token token", value, NULL };

	memset(out, 'P', sizeof out);
	outlen = 99;
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "password", argv), want);
	assert_wiped();
}

static void test_refuse_newlines(void **state)
{
	(void)state;
	expect_refused("12\n34", MGMT_CMD_NEWLINE);
	expect_refused("12\r34", MGMT_CMD_NEWLINE);
	expect_refused("\n", MGMT_CMD_NEWLINE);
	/* A line break wins over another bad byte: the message is the useful one. */
	expect_refused("\t\n", MGMT_CMD_NEWLINE);
}

static void test_refuse_control_bytes(void **state)
{
	(void)state;
	expect_refused("a\tb", MGMT_CMD_BAD_BYTE);
	expect_refused("\x01", MGMT_CMD_BAD_BYTE);
	expect_refused("\x1f", MGMT_CMD_BAD_BYTE);
	expect_refused("del\x7f", MGMT_CMD_BAD_BYTE);
	expect_refused("esc\x1b[0m", MGMT_CMD_BAD_BYTE);
}

static void test_refuse_bad_verb(void **state)
{
	(void)state;
	memset(out, 'P', sizeof out);
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "echo\nsignal", NULL),
	                 MGMT_CMD_NEWLINE);
	assert_wiped();
}

static void test_param_length(void **state)
{
	char value[MGMT_PARAM_MAX + 1];
	char back[MGMT_PARAM_MAX + 1];

	(void)state;
	memset(value, 'a', MGMT_PARAM_MAX - 1);
	value[MGMT_PARAM_MAX - 1] = '\0';
	assert_int_equal(build2("password", "x", value), MGMT_CMD_OK);
	assert_true(mgmt_unquote_param(out + strlen("password \"x\" "), back, sizeof back) > 0);
	assert_string_equal(back, value);
	/* The limit is on the value, not on its escaped form. */
	memset(value, '"', MGMT_PARAM_MAX - 1);
	assert_int_equal(build2("password", "x", value), MGMT_CMD_OK);
	assert_int_equal(outlen, strlen("password \"x\" \"\"\n") + 2 * (MGMT_PARAM_MAX - 1));

	memset(value, 'a', MGMT_PARAM_MAX);
	value[MGMT_PARAM_MAX] = '\0';
	memset(out, 'P', sizeof out);
	assert_int_equal(build2("password", "x", value), MGMT_CMD_TOO_LONG);
	assert_wiped();
}

static void test_line_length(void **state)
{
	char v[200];
	const char *argv[7];
	int i;

	(void)state;
	memset(v, 'b', sizeof v - 1);
	v[sizeof v - 1] = '\0';
	for (i = 0; i < 6; i++)
		argv[i] = v;
	argv[6] = NULL;
	/* 4 + 5 * (1 + 201) + 1 = 1015 bytes: fits. */
	argv[5] = NULL;
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "verb", argv), MGMT_CMD_OK);
	assert_int_equal(outlen, 1015);
	/* Seven more bytes make 1022 + "\n" = 1023: the most OpenVPN takes. */
	argv[5] = "12345";
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "verb", argv), MGMT_CMD_OK);
	assert_int_equal(outlen, 1023);
	assert_int_equal(out[1022], '\n');
	argv[5] = "123456";
	memset(out, 'P', sizeof out);
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "verb", argv), MGMT_CMD_TOO_LONG);
	assert_wiped();
}

static void test_small_buffer(void **state)
{
	const char *argv[] = { "SIGTERM", NULL };
	char small[12];
	size_t len = 5;

	(void)state;
	memset(small, 'P', sizeof small);
	assert_int_equal(mgmt_command_build(small, sizeof small, &len, "signal", argv),
	                 MGMT_CMD_TOO_LONG);
	assert_int_equal(len, 0);
	assert_int_equal(small[0], '\0');
	assert_int_equal(small[sizeof small - 1], '\0');
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "signal", argv), MGMT_CMD_OK);
	assert_string_equal(out, "signal \"SIGTERM\"\n");
}

static void test_too_many_params(void **state)
{
	const char *argv[17];
	int i;

	(void)state;
	for (i = 0; i < 15; i++)
		argv[i] = "p";
	argv[15] = NULL;
	/* The verb counts as one of OpenVPN's 16 words. */
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "v", argv), MGMT_CMD_OK);
	argv[15] = "p";
	argv[16] = NULL;
	assert_int_equal(mgmt_command_build(out, sizeof out, &outlen, "v", argv), MGMT_CMD_TOO_LONG);
}

static void test_status_text(void **state)
{
	(void)state;
	assert_non_null(strstr(mgmt_command_status_text(MGMT_CMD_NEWLINE), "line break"));
	assert_non_null(strstr(mgmt_command_status_text(MGMT_CMD_TOO_LONG), "too long"));
	assert_non_null(strstr(mgmt_command_status_text(MGMT_CMD_BAD_BYTE), "control"));
	assert_string_equal(mgmt_command_status_text(MGMT_CMD_OK), "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_unquote_lexer),
		cmocka_unit_test(test_refuse_newlines),
		cmocka_unit_test(test_refuse_control_bytes),
		cmocka_unit_test(test_refuse_bad_verb),
		cmocka_unit_test(test_param_length),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_too_many_params),
		cmocka_unit_test(test_status_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
