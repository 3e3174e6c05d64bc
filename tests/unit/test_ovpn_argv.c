/* SPDX-License-Identifier: GPL-3.0-or-later */
/* openvpn's argument list for start (openvpn/argv.h): the exact list for each kind of launch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "openvpn/argv.h"

/* argv as one string, arguments separated by '|', for comparing whole lists at once. */
static const char *joined(const struct ovpn_argv_spec *l)
{
	static char out[2048];
	const char *argv[OVPN_ARGV_MAX];
	int argc = ovpn_argv_build(l, argv, OVPN_ARGV_MAX);

	assert_true(argc > 0);
	assert_null(argv[argc]);
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		assert_non_null(argv[i]);
		if (i > 0)
			strcat(out, "|");
		strcat(out, argv[i]);
	}
	return out;
}

static const struct ovpn_argv_spec unix_child = {
	.program = "/usr/sbin/openvpn",
	.config = "/home/a/vpn/office.ovpn",
	.mgmt_unix = true,
	.mgmt_host = "/tmp/ovpn-token.x/management.sock",
	.pkcs11_id_management = true,
};

#define MGMT_UNIX "--management|/tmp/ovpn-token.x/management.sock|unix|"
#define COMMON "--management-query-passwords|--management-hold|--management-signal|"
#define SSO "--setenv|IV_SSO|crtext,openurl,webauth"

/* Linux and macOS: our child on a unix socket; the token's certificate asked of us. */
static void test_unix_socket(void **state)
{
	(void)state;
	assert_string_equal(joined(&unix_child),
	                    "/usr/sbin/openvpn|--config|/home/a/vpn/office.ovpn|" MGMT_UNIX COMMON
	                    SSO "|--pkcs11-id-management");
}

/* Windows without the service: TCP on 127.0.0.1 with the password in a file. */
static void test_tcp_with_password_file(void **state)
{
	struct ovpn_argv_spec l = unix_child;

	(void)state;
	l.program = "C:\\Program Files\\OpenVPN\\bin\\openvpn.exe";
	l.config = "C:\\Users\\a\\office.ovpn";
	l.mgmt_unix = false;
	l.mgmt_host = "127.0.0.1";
	l.mgmt_port = "50123";
	l.mgmt_password_file = "C:\\Users\\a\\AppData\\Local\\Temp\\ovpn-token.x\\management.pw";
	assert_string_equal(joined(&l),
	                    "C:\\Program Files\\OpenVPN\\bin\\openvpn.exe|--config|"
	                    "C:\\Users\\a\\office.ovpn|--management|127.0.0.1|50123|"
	                    "C:\\Users\\a\\AppData\\Local\\Temp\\ovpn-token.x\\management.pw|" COMMON
	                    SSO "|--pkcs11-id-management");
}

/* OpenVPN's interactive service: no program name, password on stdin, the log first. */
static void test_through_the_service(void **state)
{
	struct ovpn_argv_spec l = {
		.config = "C:\\Users\\a\\office.ovpn",
		.mgmt_host = "127.0.0.1",
		.mgmt_port = "50123",
		.log_file = "C:\\Users\\a\\AppData\\Local\\ovpn-token\\office.log",
	};

	(void)state;
	assert_string_equal(joined(&l),
	                    "--log-append|C:\\Users\\a\\AppData\\Local\\ovpn-token\\office.log|"
	                    "--config|C:\\Users\\a\\office.ovpn|--management|127.0.0.1|50123|stdin|"
	                    COMMON SSO);
}

/* --external-key: the certificate and the signatures come from us, no pkcs11-id question. */
static void test_external_key(void **state)
{
	struct ovpn_argv_spec l = unix_child;

	(void)state;
	l.config = "/tmp/ovpn-token.x/config.ovpn";
	l.external_key = true;
	assert_string_equal(joined(&l),
	                    "/usr/sbin/openvpn|--config|/tmp/ovpn-token.x/config.ovpn|" MGMT_UNIX
	                    COMMON SSO "|--management-external-key|pkcs1|pss|"
	                    "digest|--management-external-cert|ovpn-token");
}

/*
 * serve: root's openvpn for the users of a group, on a socket in /run/ovpn-token: external key,
 * each user's leaving a full restart (SIGHUP) that forgets their login; the log stays ours.
 */
static void test_served(void **state)
{
	struct ovpn_argv_spec l = {
		.program = "/usr/sbin/openvpn",
		.config = "/run/ovpn-token/.serve/office.conf",
		.mgmt_unix = true,
		.mgmt_host = "/run/ovpn-token/.serve/office.sock",
		.external_key = true,
		.auth_retry_interact = true,
		.served = true,
	};

	(void)state;
	assert_string_equal(joined(&l),
	                    "/usr/sbin/openvpn|--config|/run/ovpn-token/.serve/office.conf|"
	                    "--management|/run/ovpn-token/.serve/office.sock|unix|" COMMON
	                    "--auth-retry|interact|" SSO "|--remap-usr1|SIGHUP|"
	                    "--management-forget-disconnect|--management-log-cache|1|"
	                    "--management-external-key|pkcs1|pss|"
	                    "digest|--management-external-cert|ovpn-token");
}

/* A config that chose its certificate, with a login of the server's: auth-retry interact. */
static void test_fixed_id_and_two_factor(void **state)
{
	struct ovpn_argv_spec l = unix_child;

	(void)state;
	l.pkcs11_id_management = false;
	l.auth_retry_interact = true;
	assert_string_equal(joined(&l),
	                    "/usr/sbin/openvpn|--config|/home/a/vpn/office.ovpn|" MGMT_UNIX COMMON
	                    "--auth-retry|interact|" SSO);
}

/* The user's --log over the config's own log line: before --config, or openvpn ignores it. */
static void test_log_before_config(void **state)
{
	struct ovpn_argv_spec l = unix_child;

	(void)state;
	l.log_file = "/home/a/my.log";
	assert_string_equal(joined(&l),
	                    "/usr/sbin/openvpn|--log-append|/home/a/my.log|--config|"
	                    "/home/a/vpn/office.ovpn|" MGMT_UNIX COMMON SSO
	                    "|--pkcs11-id-management");
}

/* Too little room: refused, never written past. */
static void test_room(void **state)
{
	const char *argv[OVPN_ARGV_MAX + 1];
	struct ovpn_argv_spec l = unix_child;
	int argc;

	(void)state;
	l.external_key = true;
	l.auth_retry_interact = true;
	l.served = true;
	l.log_file = "/l";
	argv[5] = "untouched";
	assert_int_equal(ovpn_argv_build(&l, argv, 5), -1);
	assert_string_equal(argv[5], "untouched");
	argc = ovpn_argv_build(&l, argv, OVPN_ARGV_MAX);
	assert_true(argc > 0 && argc < OVPN_ARGV_MAX);
	assert_int_equal(ovpn_argv_build(&l, argv, (size_t)argc), -1);
	assert_int_equal(ovpn_argv_build(&l, argv, (size_t)argc + 1), argc);
}

/* What the config decides. */
static void test_config_decisions(void **state)
{
	struct ovpn_config_settings f;

	(void)state;
	memset(&f, 0, sizeof f);
	assert_true(ovpn_config_wants_id_management(&f));
	assert_false(ovpn_config_wants_auth_retry(&f));
	f.pkcs11_id = true;
	assert_false(ovpn_config_wants_id_management(&f));
	f.pkcs11_id = false;
	f.pkcs11_id_management = true;
	assert_false(ovpn_config_wants_id_management(&f));
	f.pkcs11_id_management = false;
	f.own_cert_or_key = true;
	assert_false(ovpn_config_wants_id_management(&f));
	f.auth_user_pass = true;
	assert_true(ovpn_config_wants_auth_retry(&f));
	f.auth_retry = true;
	assert_false(ovpn_config_wants_auth_retry(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_tcp_with_password_file),
		cmocka_unit_test(test_through_the_service),
		cmocka_unit_test(test_external_key),
		cmocka_unit_test(test_served),
		cmocka_unit_test(test_fixed_id_and_two_factor),
		cmocka_unit_test(test_log_before_config),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_config_decisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
