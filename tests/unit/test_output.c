/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token: posix-only test (it swaps the stderr stream, which Microsoft's C runtime forbids). */
/* out_tail (the end of openvpn's log after a failure) and the sanitizer on every output line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/output.h"

static char captured[4096];

/* Runs fn with stderr going to a temporary file, then reads what it wrote. */
static void capture_stderr(void (*fn)(const void *), const void *arg)
{
	FILE *tmp = tmpfile();
	FILE *saved = stderr;
	size_t n;

	assert_non_null(tmp);
	stderr = tmp;
	fn(arg);
	fflush(tmp);
	stderr = saved;
	rewind(tmp);
	n = fread(captured, 1, sizeof captured - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
}

struct tail_case {
	const char *text;
	int lines;
};

static void run_tail(const void *arg)
{
	const struct tail_case *c = arg;

	out_tail(c->text, c->lines, "| ");
}

static void test_tail_last_lines(void **state)
{
	struct tail_case c = {"one\ntwo\nthree\nfour\n", 2};

	(void)state;
	capture_stderr(run_tail, &c);
	assert_string_equal(captured, "| three\n| four\n");
}

static void test_tail_crlf_and_no_final_newline(void **state)
{
	struct tail_case c = {"a\r\nb\r\nc", 2};

	(void)state;
	capture_stderr(run_tail, &c);
	assert_string_equal(captured, "| b\n| c\n");
}

static void test_tail_fewer_lines_than_asked(void **state)
{
	struct tail_case c = {"only\n\n\n", 8};

	(void)state;
	capture_stderr(run_tail, &c);
	assert_string_equal(captured, "| only\n");
}

static void test_tail_empty(void **state)
{
	struct tail_case c = {"", 3};

	(void)state;
	capture_stderr(run_tail, &c);
	assert_string_equal(captured, "");
}

static void run_error(const void *arg)
{
	out_error("peer says %s", (const char *)arg);
}

static void test_error_filters_terminal_escapes(void **state)
{
	(void)state;
	capture_stderr(run_error, "\x1b]0;owned\x07 hi\x7f");
	assert_string_equal(captured, "ovpn-token: peer says ?]0;owned? hi?\n");
}

/* A token label in openvpn's log (C1 CSI, a bidi override) is shown as the rule says. */
static void test_tail_is_sanitized(void **state)
{
	struct tail_case c = {"Need 'a\xc2\x9b" "2J' token\r\nCN=abc\xe2\x80\xae" "fdp.exe \x1b[0m B\xc3\xa4" "ckerei\n", 2};

	(void)state;
	capture_stderr(run_tail, &c);
	assert_string_equal(captured, "| Need 'a?2J' token\n| CN=abc?fdp.exe ?[0m B\xc3\xa4" "ckerei\n");
}

static void run_menu(const void *arg)
{
	out_menu("  1) %s", (const char *)arg);
}

static void test_menu_and_error_share_the_rule(void **state)
{
	(void)state;
	capture_stderr(run_menu, "id\xc2\x9b" "31m\xe2\x81\xa6x\xff");
	assert_string_equal(captured, "  1) id?31m?x?\n");
	capture_stderr(run_error, "O=B\xc3\xa4" "ckerei\t\xd8\x9c");
	assert_string_equal(captured, "ovpn-token: peer says O=B\xc3\xa4" "ckerei??\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_last_lines),
		cmocka_unit_test(test_tail_crlf_and_no_final_newline),
		cmocka_unit_test(test_tail_fewer_lines_than_asked),
		cmocka_unit_test(test_tail_empty),
		cmocka_unit_test(test_error_filters_terminal_escapes),
		cmocka_unit_test(test_tail_is_sanitized),
		cmocka_unit_test(test_menu_and_error_share_the_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
