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
#include "cli/parse.h"
#include "cmd/cmd.h"

#define MAX_ARGS 32

/* options_parse keeps pointers into argv: the vector lives as long as the test. */
static char *argv_store[MAX_ARGS];
/* Why the last parse failed. */
static char err[512];

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
	memset(err, 0x5a, sizeof err);
	err[sizeof err - 1] = '\0';
	return options_parse(argc, argv_store, opts, err, sizeof err);
}

#define PARSE(opts, ...) parse_words((opts), (const char *const[]){__VA_ARGS__, NULL})

#define assert_command(o, want) \
	do { \
		assert_non_null((o).command); \
		assert_int_equal((o).command->id, (want)); \
	} while (0)

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
	assert_command(o, COMMAND_START);
	assert_string_equal(o.target, "client.conf");
	assert_defaults_except_command(&o);
}

/* Each string option in both forms, with a command that takes it; the value is the argv string. */
static void check_string_option(const char *command, const char *name, size_t offset)
{
	struct options o;
	char eq[128];

	assert_int_equal(PARSE(&o, command, name, "VALUE-1", "c.conf"), 0);
	assert_string_equal(*(const char *const *)(const void *)((const char *)&o + offset),
	                    "VALUE-1");
	assert_string_equal(o.target, "c.conf");

	snprintf(eq, sizeof eq, "%s=VALUE=2", name);
	assert_int_equal(PARSE(&o, command, "c.conf", eq), 0);
	assert_string_equal(*(const char *const *)(const void *)((const char *)&o + offset),
	                    "VALUE=2");
	assert_string_equal(o.target, "c.conf");
	assert_int_equal(o.pin_fd, -1);
}

static void test_string_options(void **state)
{
	(void)state;
	check_string_option("start", "--openvpn", offsetof(struct options, openvpn));
	check_string_option("start", "--cert", offsetof(struct options, cert_pattern));
	check_string_option("enroll", "--subject", offsetof(struct options, subject));
	check_string_option("enroll", "--key", offsetof(struct options, key_type));
	check_string_option("enroll", "--id", offsetof(struct options, key_id));
	check_string_option("enroll", "--label", offsetof(struct options, key_label));
	check_string_option("enroll", "--token", offsetof(struct options, token_label));
	check_string_option("enroll", "--out", offsetof(struct options, out_file));
	check_string_option("enroll", "--import", offsetof(struct options, import_file));
	check_string_option("attach", "--management-password-file",
	                    offsetof(struct options, mgmt_password_file));
	check_string_option("start", "--log", offsetof(struct options, log_file));
	check_string_option("start", "--provider", offsetof(struct options, provider));
	check_string_option("start", "--pin-file", offsetof(struct options, pin_file));
	check_string_option("start", "--auth-user-pass-file",
	                    offsetof(struct options, auth_user_pass_file));
	check_string_option("start", "--status-file", offsetof(struct options, status_file));
	check_string_option("serve", "--group", offsetof(struct options, group));
}

static void test_service(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf"), 0);
	assert_int_equal(o.service_mode, SERVICE_AUTO);
	assert_null(o.service);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--service=auto"), 0);
	assert_int_equal(o.service_mode, SERVICE_AUTO);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--service", "always"), 0);
	assert_int_equal(o.service_mode, SERVICE_ALWAYS);
	assert_string_equal(o.service, "always");
	assert_int_equal(PARSE(&o, "--service=never", "start", "c.conf"), 0);
	assert_int_equal(o.service_mode, SERVICE_NEVER);
	assert_int_equal(PARSE(&o, "start", "c.conf", "--service=sometimes"), -1);
	assert_string_equal(err, "--service takes auto, always or never, not 'sometimes'");
}

static void test_value_may_start_with_dash(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "doctor", "--cert", "-x-"), 0);
	assert_string_equal(o.cert_pattern, "-x-");
	assert_int_equal(PARSE(&o, "doctor", "--cert=-"), 0);
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

	assert_int_equal(PARSE(&o, "attach", "h:1", "--management-password-fd", "4"), 0);
	assert_int_equal(o.mgmt_password_fd, 4);
	assert_int_equal(o.pin_fd, -1);
	assert_int_equal(PARSE(&o, "attach", "h:1", "--management-password-fd=9"), 0);
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
		if (PARSE(&o, "attach", "h:1", eq) != -1)
			fail_msg("%s accepted", eq);
		if (PARSE(&o, "attach", "h:1", "--management-password-fd", bad[i]) != -1)
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
	assert_command(o, COMMAND_LIST);
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
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "--help"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "help"), 0);
	assert_command(o, COMMAND_HELP);
	assert_null(o.target);
	assert_int_equal(PARSE(&o, "-V"), 0);
	assert_command(o, COMMAND_VERSION);
	assert_int_equal(PARSE(&o, "--version"), 0);
	assert_command(o, COMMAND_VERSION);
	assert_int_equal(PARSE(&o, "--help=x"), -1);
}

static void test_help_wins_anywhere(void **state)
{
	struct options o;

	(void)state;
	/* Over a missing operand, a missing command, too many operands. */
	assert_int_equal(PARSE(&o, "start", "-h"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "--batch", "-h"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "-h", "attach"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "list", "extra", "--help"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "start", "a", "b", "-h"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "doctor", "-V", "x", "y"), 0);
	assert_command(o, COMMAND_VERSION);
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
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "list", "a", "b", "c", "--version"), 0);
	assert_command(o, COMMAND_VERSION);
}

static void test_start(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "client.ovpn"), 0);
	assert_command(o, COMMAND_START);
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
	assert_command(o, COMMAND_ATTACH);
	assert_string_equal(o.target, "127.0.0.1:7505");
	assert_int_equal(PARSE(&o, "attach"), -1);
	assert_int_equal(PARSE(&o, "attach", "a:1", "b:2"), -1);
}

static void test_list(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "list"), 0);
	assert_command(o, COMMAND_LIST);
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
	assert_command(o, COMMAND_DOCTOR);
	assert_null(o.target);
	assert_int_equal(PARSE(&o, "doctor", "c.conf"), 0);
	assert_command(o, COMMAND_DOCTOR);
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
	assert_command(o, COMMAND_START);
	assert_string_equal(o.target, "-weird.conf");
	/* Options before "--" still count. */
	assert_int_equal(PARSE(&o, "--batch", "start", "--", "-weird.conf"), 0);
	assert_true(o.batch);
	assert_string_equal(o.target, "-weird.conf");
	/* After "--", "-h" and a second "--" are operands too. */
	assert_int_equal(PARSE(&o, "doctor", "--", "-h"), 0);
	assert_command(o, COMMAND_DOCTOR);
	assert_string_equal(o.target, "-h");
	assert_int_equal(PARSE(&o, "doctor", "--", "--"), 0);
	assert_string_equal(o.target, "--");
	/* Even the command may follow "--". */
	assert_int_equal(PARSE(&o, "--", "attach", "/run/x.sock"), 0);
	assert_command(o, COMMAND_ATTACH);
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
	    "--auth-user-pass-file", "--service", "--on-removal",
	};
	struct options o;
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(want, sizeof want, "option '%s' needs a value", names[i]);
		if (PARSE(&o, "start", "c.conf", names[i]) != -1)
			fail_msg("'%s' at the end accepted", names[i]);
		assert_string_equal(err, want);
		if (PARSE(&o, "attach", "h:1", names[i]) != -1)
			fail_msg("'%s' at the end accepted", names[i]);
		assert_string_equal(err, want);
	}
}

static void test_on_removal(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start", "c.conf"), 0);
	assert_int_equal(o.removal_mode, REMOVAL_DISCONNECT);
	assert_int_equal(PARSE(&o, "attach", "--on-removal", "keep", "h:1"), 0);
	assert_int_equal(o.removal_mode, REMOVAL_KEEP);
	assert_int_equal(PARSE(&o, "start", "--on-removal=disconnect", "c.conf"), 0);
	assert_int_equal(o.removal_mode, REMOVAL_DISCONNECT);
	assert_int_equal(PARSE(&o, "start", "--on-removal=ignore", "c.conf"), -1);
	assert_string_equal(err, "--on-removal takes disconnect or keep, not 'ignore'");
}

static void test_value_consumes_next_word(void **state)
{
	struct options o;

	(void)state;
	/* "--cert start" takes "start" as the pattern; the command is the next word. */
	assert_int_equal(PARSE(&o, "--cert", "start", "attach", "h:1"), 0);
	assert_string_equal(o.cert_pattern, "start");
	assert_command(o, COMMAND_ATTACH);
	assert_string_equal(o.target, "h:1");
}

/* The options of the session as both commands below give them. */
static void assert_session_options(const struct options *o, const char *cert)
{
	assert_string_equal(o->cert_pattern, cert);
	assert_string_equal(o->provider, "/p.so");
	assert_string_equal(o->pin_file, "/pin");
	assert_string_equal(o->auth_user_pass_file, "/a");
	assert_string_equal(o->status_file, "/s");
	assert_true(o->batch);
	assert_true(o->no_cache);
}

static void test_everything_at_once(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "--openvpn=/usr/sbin/openvpn", "start", "--cert", "Alice",
	                       "--log", "/l", "--provider=/p.so", "--pin-file", "/pin",
	                       "--pin-fd=5", "--auth-user-pass-file", "/a", "--status-file", "/s",
	                       "--batch", "--no-cache", "--restart", "--external-key",
	                       "--service", "never", "-q", "my.conf"),
	                 0);
	assert_command(o, COMMAND_START);
	assert_string_equal(o.target, "my.conf");
	assert_string_equal(o.openvpn, "/usr/sbin/openvpn");
	assert_string_equal(o.log_file, "/l");
	assert_int_equal(o.pin_fd, 5);
	assert_session_options(&o, "Alice");
	assert_true(o.restart);
	assert_true(o.external_key);
	assert_int_equal(o.service_mode, SERVICE_NEVER);
	assert_int_equal(o.verbosity, VERBOSITY_QUIET);

	/* Who signs is one choice: both words at once are refused, in either order. */
	assert_int_equal(PARSE(&o, "start", "--no-external-key", "my.conf"), 0);
	assert_true(o.no_external_key);
	assert_false(o.external_key);
	assert_int_equal(PARSE(&o, "start", "--external-key", "--no-external-key", "my.conf"), -1);
	assert_string_equal(err, "--external-key and --no-external-key say opposite things: give "
	                         "one");
	assert_int_equal(PARSE(&o, "doctor", "--no-external-key", "--external-key", "my.conf"), -1);

	assert_int_equal(PARSE(&o, "--cert=Bob", "attach", "--management-password-file=/m",
	                       "--management-password-fd", "6", "--provider", "/p.so",
	                       "--pin-file=/pin", "--auth-user-pass-file=/a", "--status-file=/s",
	                       "--batch", "--no-cache", "-v", "/run/o.sock"),
	                 0);
	assert_session_options(&o, "Bob");
	assert_string_equal(o.mgmt_password_file, "/m");
	assert_int_equal(o.mgmt_password_fd, 6);
	assert_int_equal(o.verbosity, VERBOSITY_VERBOSE);
	assert_command(o, COMMAND_ATTACH);
	assert_string_equal(o.target, "/run/o.sock");
	assert_false(o.restart);
	assert_null(o.log_file);
}

/* ---- which command takes which option ------------------------------------------------------ */

/*
 * The options of each command, written out here on their own: what the command's code reads
 * (grep opts->FIELD in src/cmd and src/session), the table must say the same.
 */
static const struct {
	const char *command, *operand, *options;
} takes[] = {
    {"start", "c.conf",
     " --openvpn --cert --log --provider --external-key --no-external-key --service --pin-file"
     " --pin-fd --auth-user-pass-file --batch --no-cache --restart --status-file --on-removal "},
    {"attach", "h:1",
     " --cert --provider --pin-file --pin-fd --auth-user-pass-file --management-password-file"
     " --management-password-fd --batch --no-cache --status-file --on-removal "},
    {"serve", "c.conf", " --openvpn --log --group "},
    {"connect", "office",
     " --cert --provider --pin-file --pin-fd --auth-user-pass-file --batch --no-cache"
     " --status-file --on-removal "},
    {"disconnect", "office", " "},
    {"status", NULL, " --json "},
    {"list", NULL, " --provider --json --all "},
    {"doctor", NULL, " --openvpn --cert --provider --external-key --no-external-key "},
    {"enroll", NULL,
     " --cert --provider --pin-file --pin-fd --batch --subject --key --id --label --token --out"
     " --import --chain --renew --remove-old "},
    {"shortcut", "office", " --cert --start-menu "},
    {"help", NULL, " "},
};

/* Every option but the global ones, as one word that parses when the command takes it. */
static const struct {
	const char *name, *word;
} samples[] = {
    {"--openvpn", "--openvpn=/o"},
    {"--cert", "--cert=Anna"},
    {"--log", "--log=/l"},
    {"--provider", "--provider=/p.so"},
    {"--external-key", "--external-key"},
    {"--no-external-key", "--no-external-key"},
    {"--service", "--service=never"},
    {"--start-menu", "--start-menu"},
    {"--pin-file", "--pin-file=/pin"},
    {"--pin-fd", "--pin-fd=3"},
    {"--auth-user-pass-file", "--auth-user-pass-file=/a"},
    {"--management-password-file", "--management-password-file=/m"},
    {"--management-password-fd", "--management-password-fd=4"},
    {"--batch", "--batch"},
    {"--no-cache", "--no-cache"},
    {"--restart", "--restart"},
    {"--status-file", "--status-file=/s"},
    {"--on-removal", "--on-removal=keep"},
    {"--json", "--json"},
    {"--all", "--all"},
    {"--group", "--group=vpn"},
    {"--subject", "--subject=/CN=a"},
    {"--key", "--key=ec:P-256"},
    {"--id", "--id=45"},
    {"--label", "--label=a"},
    {"--token", "--token=T"},
    {"--out", "--out=/r.csr"},
    {"--import", "--import=/c.pem"},
    {"--chain", "--chain"},
    {"--renew", "--renew"},
    {"--remove-old", "--remove-old"},
};

#define N_TAKES (sizeof takes / sizeof takes[0])
#define N_SAMPLES (sizeof samples / sizeof samples[0])

static bool takes_option(size_t c, const char *name)
{
	char word[64];

	snprintf(word, sizeof word, " %s ", name);
	return strstr(takes[c].options, word) != NULL;
}

/* "start, attach": the commands of the list above that take the option, in its order. */
static void owners_of(const char *name, char *out, size_t outsz)
{
	out[0] = '\0';
	for (size_t c = 0; c < N_TAKES; c++)
		if (takes_option(c, name))
			snprintf(out + strlen(out), outsz - strlen(out), "%s%s",
			         out[0] != '\0' ? ", " : "", takes[c].command);
}

/* "ovpn-token COMMAND [OPERAND] WORD", and the word before the command. */
static int parse_with(size_t c, const char *word, bool before, struct options *o)
{
	const char *words[5];
	size_t n = 0;

	if (before)
		words[n++] = word;
	words[n++] = takes[c].command;
	if (takes[c].operand != NULL)
		words[n++] = takes[c].operand;
	if (!before)
		words[n++] = word;
	words[n] = NULL;
	return parse_words(o, words);
}

static void test_each_command_takes_its_options_and_refuses_the_others(void **state)
{
	struct options o;
	char want[256], owners[128];

	(void)state;
	for (size_t c = 0; c < N_TAKES; c++) {
		for (size_t i = 0; i < N_SAMPLES; i++) {
			for (int before = 0; before <= 1; before++) {
				int rc = parse_with(c, samples[i].word, before, &o);

				if (takes_option(c, samples[i].name)) {
					if (rc != 0)
						fail_msg("'%s' refused %s: %s", takes[c].command,
						         samples[i].word, err);
					assert_string_equal(o.command->name, takes[c].command);
					continue;
				}
				owners_of(samples[i].name, owners, sizeof owners);
				snprintf(want, sizeof want, "'%s' does not take %s (it is an option of: %s)",
				         takes[c].command, samples[i].name, owners);
				if (rc != -1)
					fail_msg("'%s' took %s", takes[c].command, samples[i].word);
				assert_string_equal(err, want);
			}
		}
	}
}

/* The example: attach ignored all three silently. */
static void test_attach_refuses_what_only_start_reads(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "attach", "--restart", "--log", "x", "--external-key", "h:1"), -1);
	assert_string_equal(err, "'attach' does not take --restart (it is an option of: start)");
	/* The first one on the line is named, wherever it stands. */
	assert_int_equal(PARSE(&o, "--log", "x", "attach", "--restart", "h:1"), -1);
	assert_string_equal(err, "'attach' does not take --log (it is an option of: start, serve)");
	assert_int_equal(PARSE(&o, "attach", "h:1", "--openvpn=/o"), -1);
	assert_string_equal(err, "'attach' does not take --openvpn (it is an option of: start, "
	                         "serve, doctor)");
	assert_int_equal(PARSE(&o, "list", "--batch"), -1);
	assert_string_equal(err, "'list' does not take --batch (it is an option of: start, attach, "
	                         "connect, enroll)");
	assert_int_equal(PARSE(&o, "doctor", "--pin-file", "/p"), -1);
	assert_string_equal(err, "'doctor' does not take --pin-file (it is an option of: start, "
	                         "attach, connect, enroll)");
	/* Given twice, it is still named once. */
	assert_int_equal(PARSE(&o, "list", "--json", "--cert=a", "--cert=b"), -1);
	assert_string_equal(err, "'list' does not take --cert (it is an option of: start, attach, "
	                         "connect, doctor, enroll, shortcut)");
	/* serve's group is serve's alone; connect reads the group from the tunnel's folder. */
	assert_int_equal(PARSE(&o, "connect", "office", "--group=x"), -1);
	assert_string_equal(err, "'connect' does not take --group (it is an option of: serve)");
}

/* -v and -q are global: every command prints through ui/, so every command takes them. */
static void test_global_options_go_with_every_command(void **state)
{
	static const char *const globals[] = {"-v", "--verbose", "-q", "--quiet"};
	struct options o;

	(void)state;
	for (size_t c = 0; c < N_TAKES; c++)
		for (size_t g = 0; g < sizeof globals / sizeof globals[0]; g++)
			for (int before = 0; before <= 1; before++) {
				if (parse_with(c, globals[g], before, &o) != 0)
					fail_msg("'%s' refused %s: %s", takes[c].command, globals[g], err);
				assert_int_equal(o.verbosity, globals[g][1] == 'q' || globals[g][2] == 'q'
				                                  ? VERBOSITY_QUIET
				                                  : VERBOSITY_VERBOSE);
			}
	/* The example of the brief: before the command, as always. */
	assert_int_equal(PARSE(&o, "-v", "start", "x.conf"), 0);
	assert_command(o, COMMAND_START);
	assert_int_equal(o.verbosity, VERBOSITY_VERBOSE);
}

/* -h and -V win over an option the command does not take, as over everything else. */
static void test_help_wins_over_foreign_options(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "attach", "--restart", "-h"), 0);
	assert_command(o, COMMAND_HELP);
	assert_int_equal(PARSE(&o, "--json", "start", "x.conf", "-V"), 0);
	assert_command(o, COMMAND_VERSION);
	assert_int_equal(PARSE(&o, "-h", "help", "--batch"), 0);
	assert_command(o, COMMAND_HELP);
}

static void test_operand_messages(void **state)
{
	struct options o;

	(void)state;
	assert_int_equal(PARSE(&o, "start"), -1);
	assert_string_equal(err, "'start' needs CONFIG (usage: ovpn-token start [OPTIONS] CONFIG)");
	assert_int_equal(PARSE(&o, "attach", "--batch"), -1);
	assert_string_equal(err,
	                    "'attach' needs ADDRESS (usage: ovpn-token attach [OPTIONS] ADDRESS)");
	assert_int_equal(PARSE(&o, "list", "a", "b"), -1);
	assert_string_equal(err, "'list' takes only one CONFIG (usage: ovpn-token list [OPTIONS] "
	                         "[CONFIG])");
	assert_int_equal(PARSE(&o, "help", "start"), -1);
	assert_string_equal(err, "'help' takes no arguments");
	assert_int_equal(PARSE(&o, "stop"), -1);
	assert_string_equal(err, "unknown command 'stop' (try 'ovpn-token --help')");
	assert_int_equal(PARSE(&o, "start", "c.conf", "--frobnicate"), -1);
	assert_string_equal(err, "unknown option '--frobnicate' (try 'ovpn-token --help')");
}

/* ---- the tables themselves ------------------------------------------------------------------ */

/* The enum is made from the table: each id finds its own entry, each name its id. */
static void test_command_enum_is_the_table(void **state)
{
	size_t named = 0;

	(void)state;
	for (int c = 0; c < COMMAND_COUNT; c++) {
		const struct command_spec *cmd = command_find((enum command)c);

		assert_non_null(cmd);
		assert_int_equal(cmd->id, c);
		assert_non_null(cmd->summary);
		assert_true(cmd->min_operands <= cmd->max_operands);
		assert_true(cmd->max_operands <= 1); /* the parser keeps one operand */
		assert_true((cmd->max_operands == 0) == (cmd->operand == NULL));
		/* No option beyond the table's, and the global ones are not said again. */
		assert_int_equal(cmd->options >> OPT_COUNT, 0);
		assert_int_equal(cmd->options & GLOBAL_OPTIONS, 0);
		if (cmd->name == NULL)
			continue;
		named++;
		assert_ptr_equal(command_find_by_name(cmd->name), cmd);
	}
	assert_null(command_find(COMMAND_COUNT));
	/* -V is the only way to the entry without a name. */
	assert_null(command_find(COMMAND_VERSION)->name);
	/* This test knows every named command. */
	assert_int_equal(named, N_TAKES);
	for (size_t c = 0; c < N_TAKES; c++)
		assert_non_null(command_find_by_name(takes[c].command));
}

/* Each option has one name, and each but the global ones belongs to a command. */
static void test_option_table(void **state)
{
	option_set all = 0;

	(void)state;
	for (int id = 0; id < OPT_COUNT; id++) {
		const char *name = option_name((enum option_id)id);
		char dashed[64];
		bool sampled = false;

		assert_non_null(name);
		for (int other = 0; other < id; other++)
			assert_string_not_equal(name, option_name((enum option_id)other));
		snprintf(dashed, sizeof dashed, "--%s", name);
		for (size_t i = 0; i < N_SAMPLES; i++)
			sampled = sampled || strcmp(samples[i].name, dashed) == 0;
		/* The test above tries every option that is not global. */
		assert_true(sampled == !option_set_has(GLOBAL_OPTIONS, (enum option_id)id));
	}
	assert_null(option_name(OPT_COUNT));
	assert_null(option_spec(OPT_COUNT));
	assert_int_equal(N_SAMPLES + 4, OPT_COUNT);
	for (int c = 0; c < COMMAND_COUNT; c++)
		all |= command_find((enum command)c)->options;
	assert_int_equal(all | GLOBAL_OPTIONS, ((option_set)1 << OPT_COUNT) - 1);
}

/*
 * Each entry has its words for --help, a value's name exactly when a value follows, and the
 * parts of --help come one after the other (help.c prints a heading where the part changes).
 */
static void test_option_words(void **state)
{
	(void)state;
	for (int id = 0; id < OPT_COUNT; id++) {
		const struct option_spec *o = option_spec((enum option_id)id);

		assert_non_null(o->help);
		assert_true(o->help[0] != '\0');
		assert_true((o->value_name != NULL) == option_takes_value(o));
		if (id > 0)
			assert_true(o->section >= option_spec((enum option_id)(id - 1))->section);
	}
	assert_int_equal(option_spec(OPT_OPENVPN)->section, SECTION_GENERAL);
	assert_int_equal(option_spec(OPT_VERSION)->section, SECTION_OUTPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_string_options),
		cmocka_unit_test(test_service),
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
		cmocka_unit_test(test_on_removal),
		cmocka_unit_test(test_value_consumes_next_word),
		cmocka_unit_test(test_everything_at_once),
		cmocka_unit_test(test_each_command_takes_its_options_and_refuses_the_others),
		cmocka_unit_test(test_attach_refuses_what_only_start_reads),
		cmocka_unit_test(test_global_options_go_with_every_command),
		cmocka_unit_test(test_help_wins_over_foreign_options),
		cmocka_unit_test(test_operand_messages),
		cmocka_unit_test(test_command_enum_is_the_table),
		cmocka_unit_test(test_option_table),
		cmocka_unit_test(test_option_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
