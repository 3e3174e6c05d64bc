/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"

#define MAX_ARGS 32

/* options_parse keeps pointers into argv: the vector lives as long as the test. */
static char *argv_store[MAX_ARGS];

/* Parses the NULL-terminated words after "ovpn-token". */
static int parse_words(struct options *opts, const char *const *words)
{
	int argc = 0;

	argv_store[argc++] = (char *)"ovpn-token";
	for (; *words != NULL; words++) {
		assert_true(argc < MAX_ARGS - 1);
		argv_store[argc++] = (char *)*words;
	}
	argv_store[argc] = NULL;
	memset(opts, 0x5a, sizeof *opts); /* options_parse must set every field itself */
	return options_parse(argc, argv_store, opts);
}

#define PARSE(opts, ...) parse_words((opts), (const char *const[]){__VA_ARGS__, NULL})

static void assert_defaults_except_command(const struct options *o)
{
	assert_null(o->openvpn);
	assert_null(o->cert_pattern);
	assert_null(o->mgmt_password_file);
	assert_null(o->log_file);
	assert_null(o->provider);
	assert_null(o->pin_file);
	assert_null(o->auth_user_pass_file);
	assert_int_equal(o->pin_fd, -1);
	assert_int_equal(o->mgmt_password_fd, -1);
	assert_null(o->status_file);
	assert_false(o->batch);
	assert_false(o->no_cache);
	assert_false(o->restart);
	assert_false(o->json);
	assert_int_equal(o->verbosity, VERBOSITY_NORMAL);
}

static void test_defaults(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "client.conf"), 0);
	assert_int_equal(o.command, COMMAND_START);
	assert_string_equal(o.target, "client.conf");
	assert_defaults_except_command(&o);
}

/* Each string option in both forms; the value is the very argv string. */
static void check_string_option(const char *name, size_t offset)
{
	struct options o;
	char eq[128];

	assert_int_equal(PARSE(&o, "start", name, "VALUE-1", "c.conf"), 0);
	assert_string_equal(*(const char *const *)(const void *)((const char *)&o + offset),
	                    "VALUE-1");
	assert_string_equal(o.target, "c.conf");

	snprintf(eq, sizeof eq, "%s=VALUE=2", name);
	assert_int_equal(PARSE(&o, "start", "c.conf", eq), 0);
	assert_string_equal(*(const char *const *)(const void *)((const char *)&o + offset),
	                    "VALUE=2");
	assert_string_equal(o.target, "c.conf");
	assert_int_equal(o.pin_fd, -1);
}

static void test_string_options(void **state)
{
	(void)state;
	check_string_option("--openvpn", offsetof(struct options, openvpn));
	check_string_option("--cert", offsetof(struct options, cert_pattern));
	check_string_option("--management-password-file",
	                    offsetof(struct options, mgmt_password_file));
	check_string_option("--log", offsetof(struct options, log_file));
	check_string_option("--provider", offsetof(struct options, provider));
	check_string_option("--pin-file", offsetof(struct options, pin_file));
	check_string_option("--auth-user-pass-file", offsetof(struct options, auth_user_pass_file));
	check_string_option("--status-file", offsetof(struct options, status_file));
}

static void test_value_may_start_with_dash(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "list", "--cert", "-x-"), 0);
	assert_string_equal(o.cert_pattern, "-x-");
	assert_int_equal(PARSE(&o, "list", "--cert=-"), 0);
	assert_string_equal(o.cert_pattern, "-");
}

/* An empty pattern is in every subject: refused rather than choosing whatever comes first. */
static void test_empty_cert_pattern_refused(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "--cert=", "x.conf"), -1);
	assert_int_equal(PARSE(&o, "start", "--cert", "", "x.conf"), -1);
}

static void test_fd_options(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin-fd", "3"), 0);
	assert_int_equal(o.pin_fd, 3);
	assert_int_equal(o.mgmt_password_fd, -1);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin-fd=7"), 0);
	assert_int_equal(o.pin_fd, 7);

	assert_int_equal(PARSE(&o, "start", "c.conf", "--management-password-fd", "4"), 0);
	assert_int_equal(o.mgmt_password_fd, 4);
	assert_int_equal(o.pin_fd, -1);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--management-password-fd=9"), 0);
	assert_int_equal(o.mgmt_password_fd, 9);

	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin-fd=0"), 0);
	assert_int_equal(o.pin_fd, 0);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin-fd=65535"), 0);
	assert_int_equal(o.pin_fd, 65535);
}

static void test_fd_validation(void **state)
{
	static const char *const bad[] = {"-1", "abc", "3x", "", "65536", "99999999999999999999",
	                                  "0x3"};
	struct options o;
	char eq[64];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(eq, sizeof eq, "--pin-fd=%s", bad[i]);
		if (PARSE(&o, "start", "c.conf", eq) != -1)
			fail_msg("%s accepted", eq);
		if (PARSE(&o, "start", "c.conf", "--pin-fd", bad[i]) != -1)
			fail_msg("--pin-fd '%s' accepted", bad[i]);
		snprintf(eq, sizeof eq, "--management-password-fd=%s", bad[i]);
		if (PARSE(&o, "start", "c.conf", eq) != -1)
			fail_msg("%s accepted", eq);
		if (PARSE(&o, "start", "c.conf", "--management-password-fd", bad[i]) != -1)
			fail_msg("--management-password-fd '%s' accepted", bad[i]);
	}
}

static void test_bool_options(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf", "--batch"), 0);
	assert_true(o.batch);
	assert_false(o.no_cache);
	assert_false(o.restart);
	assert_int_equal(PARSE(&o, "--no-cache", "start", "c.conf"), 0);
	assert_true(o.no_cache);
	assert_false(o.batch);
	assert_int_equal(PARSE(&o, "start", "--restart", "c.conf"), 0);
	assert_true(o.restart);
	assert_string_equal(o.target, "c.conf");
	assert_int_equal(PARSE(&o, "list", "--json"), 0);
	assert_true(o.json);
	assert_int_equal(o.command, COMMAND_LIST);
}

static void test_bool_takes_no_value(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf", "--batch=yes"), -1);
	assert_int_equal(PARSE(&o, "list", "--json=1"), -1);
}

static void test_verbosity(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "list", "-v"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_VERBOSE);
	assert_int_equal(PARSE(&o, "list", "--verbose"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_VERBOSE);
	assert_int_equal(PARSE(&o, "-q", "list"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_QUIET);
	assert_int_equal(PARSE(&o, "list", "--quiet"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_QUIET);
	/* The last one counts. */
	assert_int_equal(PARSE(&o, "list", "-q", "-v"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_VERBOSE);
	assert_int_equal(PARSE(&o, "list", "-v", "-q"), 0);
	assert_int_equal(o.verbosity, VERBOSITY_QUIET);
}

static void test_short_options_are_single(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "list", "-vq"), -1);
	assert_int_equal(PARSE(&o, "list", "-x"), -1);
	assert_int_equal(PARSE(&o, "list", "-verbose"), -1);
}

static void test_help_and_version(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "-h"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "--help"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "help"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_null(o.target);
	assert_int_equal(PARSE(&o, "-V"), 0);
	assert_int_equal(o.command, COMMAND_VERSION);
	assert_int_equal(PARSE(&o, "--version"), 0);
	assert_int_equal(o.command, COMMAND_VERSION);
	assert_int_equal(PARSE(&o, "--help=x"), -1);
}

static void test_help_wins_anywhere(void **state)
{
	struct options o;

	(void)state;
	/* Over a missing operand, a missing command, too many operands. */
	assert_int_equal(PARSE(&o, "start", "-h"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "--batch", "-h"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "-h", "attach"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "list", "extra", "--help"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "start", "a", "b", "-h"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "doctor", "-V", "x", "y"), 0);
	assert_int_equal(o.command, COMMAND_VERSION);
}

/*
 * -h/-V win wherever they stand, however many surplus operands there are (a third one was once
 * refused before that rule applied, while one or two were not).
 */
static void test_help_wins_over_third_operand(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "a", "b", "c", "-h"), 0);
	assert_int_equal(o.command, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "list", "a", "b", "c", "--version"), 0);
	assert_int_equal(o.command, COMMAND_VERSION);
}

static void test_start(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "client.ovpn"), 0);
	assert_int_equal(o.command, COMMAND_START);
	assert_string_equal(o.target, "client.ovpn");
	assert_int_equal(PARSE(&o, "start"), -1);
	assert_int_equal(PARSE(&o, "start", "a.conf", "b.conf"), -1);
	assert_int_equal(PARSE(&o, "start", "a.conf", "b.conf", "c.conf"), -1);
}

static void test_attach(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "attach", "127.0.0.1:7505"), 0);
	assert_int_equal(o.command, COMMAND_ATTACH);
	assert_string_equal(o.target, "127.0.0.1:7505");
	assert_int_equal(PARSE(&o, "attach"), -1);
	assert_int_equal(PARSE(&o, "attach", "a:1", "b:2"), -1);
}

static void test_list(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "list"), 0);
	assert_int_equal(o.command, COMMAND_LIST);
	assert_null(o.target);
	assert_defaults_except_command(&o);
	/* list CONFIG: the config's provider. */
	assert_int_equal(PARSE(&o, "list", "office.ovpn"), 0);
	assert_string_equal(o.target, "office.ovpn");
	assert_int_equal(PARSE(&o, "list", "x", "y"), -1);
}

static void test_doctor(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "doctor"), 0);
	assert_int_equal(o.command, COMMAND_DOCTOR);
	assert_null(o.target);
	assert_int_equal(PARSE(&o, "doctor", "c.conf"), 0);
	assert_int_equal(o.command, COMMAND_DOCTOR);
	assert_string_equal(o.target, "c.conf");
	assert_int_equal(PARSE(&o, "doctor", "a.conf", "b.conf"), -1);
}

static void test_help_command_takes_nothing(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "help", "start"), -1);
}

static void test_double_dash(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "--", "-weird.conf"), 0);
	assert_int_equal(o.command, COMMAND_START);
	assert_string_equal(o.target, "-weird.conf");
	/* Options before "--" still count. */
	assert_int_equal(PARSE(&o, "--batch", "start", "--", "-weird.conf"), 0);
	assert_true(o.batch);
	assert_string_equal(o.target, "-weird.conf");
	/* After "--", "-h" and a second "--" are operands too. */
	assert_int_equal(PARSE(&o, "doctor", "--", "-h"), 0);
	assert_int_equal(o.command, COMMAND_DOCTOR);
	assert_string_equal(o.target, "-h");
	assert_int_equal(PARSE(&o, "doctor", "--", "--"), 0);
	assert_string_equal(o.target, "--");
	/* Even the command may follow "--". */
	assert_int_equal(PARSE(&o, "--", "attach", "/run/x.sock"), 0);
	assert_int_equal(o.command, COMMAND_ATTACH);
	assert_string_equal(o.target, "/run/x.sock");
	/* Without "--" the same word is an unknown option. */
	assert_int_equal(PARSE(&o, "start", "-weird.conf"), -1);
}

static void test_single_dash_is_operand(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "-"), 0);
	assert_string_equal(o.target, "-");
}

static void test_unknown(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf", "--frobnicate"), -1);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin"), -1);          /* prefix of pin-file */
	assert_int_equal(PARSE(&o, "start", "c.conf", "--pin-filex=a"), -1);  /* longer name */
	assert_int_equal(PARSE(&o, "start", "c.conf", "--logs", "x"), -1);
	assert_int_equal(PARSE(&o, "stop"), -1);
	assert_int_equal(PARSE(&o, "START", "c.conf"), -1);
	assert_int_equal(PARSE(&o, "c.conf"), -1);
}

static void test_no_command(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(parse_words(&o, (const char *const[]){NULL}), -1);
	assert_int_equal(PARSE(&o, "--batch"), -1);
}

static void test_missing_value(void **state)
{
	static const char *const names[] = {
	    "--openvpn", "--cert", "--management-password-file", "--log", "--provider",
	    "--pin-file", "--pin-fd", "--management-password-fd", "--status-file",
	    "--auth-user-pass-file",
	};
	struct options o;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (PARSE(&o, "start", "c.conf", names[i]) != -1)
			fail_msg("'%s' at the end accepted", names[i]);
}

static void test_value_consumes_next_word(void **state)
{
	struct options o;

	(void)state;
	/* "--cert start" takes "start" as the pattern; the command is the next word. */
	assert_int_equal(PARSE(&o, "--cert", "start", "attach", "h:1"), 0);
	assert_string_equal(o.cert_pattern, "start");
	assert_int_equal(o.command, COMMAND_ATTACH);
	assert_string_equal(o.target, "h:1");
}

static void test_everything_at_once(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "--openvpn=/usr/sbin/openvpn", "start", "--cert", "Alice",
	                       "--management-password-file=/m", "--log", "/l",
	                       "--provider=/p.so", "--pin-file", "/pin", "--pin-fd=5",
	                       "--management-password-fd", "6", "--status-file", "/s", "--batch",
	                       "--no-cache", "--restart", "--json", "-q", "my.conf"),
	                 0);
	assert_int_equal(o.command, COMMAND_START);
	assert_string_equal(o.target, "my.conf");
	assert_string_equal(o.openvpn, "/usr/sbin/openvpn");
	assert_string_equal(o.cert_pattern, "Alice");
	assert_string_equal(o.mgmt_password_file, "/m");
	assert_string_equal(o.log_file, "/l");
	assert_string_equal(o.provider, "/p.so");
	assert_string_equal(o.pin_file, "/pin");
	assert_int_equal(o.pin_fd, 5);
	assert_int_equal(o.mgmt_password_fd, 6);
	assert_string_equal(o.status_file, "/s");
	assert_true(o.batch);
	assert_true(o.no_cache);
	assert_true(o.restart);
	assert_true(o.json);
	assert_int_equal(o.verbosity, VERBOSITY_QUIET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_string_options),
		cmocka_unit_test(test_value_may_start_with_dash),
		cmocka_unit_test(test_empty_cert_pattern_refused),
		cmocka_unit_test(test_fd_options),
		cmocka_unit_test(test_fd_validation),
		cmocka_unit_test(test_bool_options),
		cmocka_unit_test(test_bool_takes_no_value),
		cmocka_unit_test(test_verbosity),
		cmocka_unit_test(test_short_options_are_single),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_help_wins_anywhere),
		cmocka_unit_test(test_help_wins_over_third_operand),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_doctor),
		cmocka_unit_test(test_help_command_takes_nothing),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_single_dash_is_operand),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_value_consumes_next_word),
		cmocka_unit_test(test_everything_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
