/* ovpn-token: posix-only test (it swaps the stderr stream, which Microsoft's C runtime forbids). */
/* out_tail (the end of openvpn's log after a failure) and the control-byte filter of out_error. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_last_lines),
		cmocka_unit_test(test_tail_crlf_and_no_final_newline),
		cmocka_unit_test(test_tail_fewer_lines_than_asked),
		cmocka_unit_test(test_tail_empty),
		cmocka_unit_test(test_error_filters_terminal_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
