/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token: posix-only test (it swaps the stderr stream, which Microsoft's C runtime forbids). */
/* out_tail (the end of openvpn's log after a failure) and the sanitizer on every output line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "platform/platform.h"
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

/*
 * stdout and stderr into one file, as `ovpn-token start ... >log 2>&1` or the journal has them:
 * stdout is not flushed after each line, yet every line keeps its place (an error comes after
 * the lines said before it) and all of them are out once the program waits.
 */
static void test_lines_keep_their_order_and_are_out_when_it_waits(void **state)
{
	char path[] = "/tmp/test_output_XXXXXX", text[256] = "";
	int fd = mkstemp(path), saved_out = dup(STDOUT_FILENO), saved_err = dup(STDERR_FILENO);
	struct plat_wait_set nothing = {.deadline_ms = 0};
	unsigned ready;
	ssize_t n;

	(void)state;
	assert_true(fd >= 0 && saved_out >= 0 && saved_err >= 0);
	fflush(stdout);
	fflush(stderr);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	out_set_verbosity(VERBOSITY_VERBOSE);
	out_verbose("openvpn: one");
	out_error("two");
	out_verbose("openvpn: three");
	out_warning("four");
	out_verbose("openvpn: five");
	plat_wait(&nothing, &ready);
	out_set_verbosity(VERBOSITY_NORMAL);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	n = pread(fd, text, sizeof text - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	assert_string_equal(text, "openvpn: one\novpn-token: two\nopenvpn: three\n"
	                          "ovpn-token: warning: four\nopenvpn: five\n");
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
		cmocka_unit_test(test_lines_keep_their_order_and_are_out_when_it_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
