/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A served tunnel's names, paths and files (served/served.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "codec/utc.h"
#include "served/served.h"

/* What may name a tunnel: a config's file name, never a path or an option. */
static void test_names(void **state)
{
	char long_name[SERVED_NAME_MAX + 1];

	(void)state;
	assert_true(served_name_ok("office"));
	assert_true(served_name_ok("office-2.eu_west@x"));
	assert_false(served_name_ok(""));
	assert_false(served_name_ok(".."));
	assert_false(served_name_ok(".office"));
	assert_false(served_name_ok("-office"));
	assert_false(served_name_ok("a/b"));
	assert_false(served_name_ok("office\n"));
	assert_false(served_name_ok("off ice"));
	memset(long_name, 'a', SERVED_NAME_MAX);
	long_name[SERVED_NAME_MAX] = '\0';
	assert_false(served_name_ok(long_name));
	long_name[SERVED_NAME_MAX - 1] = '\0';
	assert_true(served_name_ok(long_name));
}

static void test_paths(void **state)
{
	struct served_paths p;

	(void)state;
	served_paths("office", &p);
	assert_string_equal(p.dir, "/run/ovpn-token/office");
	assert_string_equal(p.lock, "/run/ovpn-token/.serve/office.lock");
	assert_string_equal(p.openvpn_socket, "/run/ovpn-token/.serve/office.sock");
	assert_string_equal(p.socket, "/run/ovpn-token/office/management.sock");
	assert_string_equal(p.serve, "/run/ovpn-token/office/serve");
	assert_string_equal(p.holder, "/run/ovpn-token/office/holder");
	assert_string_equal(p.config, "/run/ovpn-token/.serve/office.conf");
}

/* The longest name's sockets fit a unix socket's path (108 bytes with the NUL). */
static void test_longest_name_fits(void **state)
{
	char name[SERVED_NAME_MAX];
	struct served_paths p;

	(void)state;
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_true(served_name_ok(name));
	served_paths(name, &p);
	assert_true(strlen(p.socket) < 108);
	assert_true(strlen(p.openvpn_socket) < 108);
	assert_int_equal(strlen(p.socket), 107);
}

/* The serve file, exactly as doc/serve.md shows it. */
static void test_serve_file(void **state)
{
	struct served_facts f = {
		.config = "/etc/openvpn/client/office.conf",
		.provider = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
		.group = "ovpn-token",
		.pid = 812,
		.openvpn_pid = 815,
		.started = "2031-05-06T07:12:00Z",
		.state = SERVED_HOLD,
	};
	char out[SERVED_FILE_MAX];
	size_t n;

	(void)state;
	n = served_facts_text(&f, out, sizeof out);
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "config=/etc/openvpn/client/office.conf\n"
	                         "provider=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\n"
	                         "group=ovpn-token\npid=812\nopenvpn_pid=815\n"
	                         "started=2031-05-06T07:12:00Z\nstate=HOLD\n");
	assert_int_equal(served_facts_text(&f, out, 20), 0);
	assert_string_equal(served_state_name(SERVED_RESTARTING), "RESTARTING");
	assert_string_equal(served_state_name((enum served_state)99), "UNKNOWN");
}

static void test_holder_file(void **state)
{
	char out[SERVED_FILE_MAX], v[64];

	(void)state;
	assert_true(served_holder_text("anna", 1001, 4242, "2031-05-06T07:12:00Z",
	                               "state=CONNECTED\ntime=2031-05-06T07:12:03Z\n"
	                               "tunnel_ip=10.8.0.6\nremote=192.0.2.1:1194\n",
	                               out, sizeof out) > 0);
	assert_string_equal(out, "user=anna\nuid=1001\npid=4242\nsince=2031-05-06T07:12:00Z\n"
	                         "state=CONNECTED\ntime=2031-05-06T07:12:03Z\n"
	                         "tunnel_ip=10.8.0.6\nremote=192.0.2.1:1194\n");
	assert_true(served_value(out, "state", v, sizeof v));
	assert_string_equal(v, "CONNECTED");
	assert_int_equal(served_number(out, "pid", -1), 4242);
	assert_int_equal(served_number(out, "uid", -1), 1001);
}

/* Values are read from files others may write: by key only, cut to size, never past a line. */
static void test_values(void **state)
{
	const char *text = "user=anna\nuser=eve\nstate=\npid=12x\nlong=abcdefghij\nkey_=1\nnoequals\n"
	                   "last=tail";
	char v[8];

	(void)state;
	assert_true(served_value(text, "user", v, sizeof v));
	assert_string_equal(v, "anna"); /* the first line wins */
	assert_true(served_value(text, "state", v, sizeof v));
	assert_string_equal(v, "");
	assert_true(served_value(text, "long", v, sizeof v));
	assert_string_equal(v, "abcdefg");
	assert_false(served_value(text, "key", v, sizeof v));
	assert_string_equal(v, "");
	assert_false(served_value(text, "noequals", v, sizeof v));
	assert_false(served_value(text, "use", v, sizeof v));
	assert_true(served_value(text, "last", v, sizeof v));
	assert_string_equal(v, "tail");
	assert_int_equal(served_number(text, "pid", -1), -1);
	assert_int_equal(served_number(text, "state", 7), 7);
	assert_int_equal(served_number(text, "missing", 0), 0);
	assert_false(served_value("", "user", v, sizeof v));
}

static void test_time(void **state)
{
	char iso[32];

	(void)state;
	assert_int_equal(served_time_parse("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(served_time_parse("2031-05-06T07:12:00Z"), utc_epoch(2031, 5, 6, 7, 12, 0));
	utc_text(1999999999, UTC_ISO8601, iso, sizeof iso);
	assert_int_equal(served_time_parse(iso), 1999999999);
	assert_int_equal(served_time_parse(""), -1);
	assert_int_equal(served_time_parse("2031-05-06 07:12:00"), -1);
	assert_int_equal(served_time_parse("2031-05-06T07:12:00Zjunk"), -1);
	assert_int_equal(served_time_parse("2031-13-06T07:12:00Z"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),        cmocka_unit_test(test_paths),
		cmocka_unit_test(test_longest_name_fits),
		cmocka_unit_test(test_serve_file),   cmocka_unit_test(test_holder_file),
		cmocka_unit_test(test_values),       cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
