/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvpn/config.h"
#include "openvpn/config_check.h"

/* Scans text as a config file; the settings start as garbage so the scan must set each one. */
static void scan(const char *text, struct ovpn_config_settings *settings)
{
	/* tmpfile, not fmemopen: the same test runs on Windows. */
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	rewind(f);
	memset(settings, 0x5a, sizeof *settings);
	assert_int_equal(ovpn_config_scan(f, settings), 0);
	fclose(f);
}

static void assert_nothing(const struct ovpn_config_settings *settings)
{
	assert_false(settings->pkcs11_id);
	assert_false(settings->pkcs11_id_management);
	assert_false(settings->management);
	assert_string_equal(settings->pkcs11_providers, "");
}

static void test_empty(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("", &settings);
	assert_nothing(&settings);
	scan("\n\n   \n\t\n", &settings);
	assert_nothing(&settings);
}

static void test_plain_client(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\ndev tun\nproto udp\nremote vpn.example.org 1194\nnobind\n", &settings);
	assert_nothing(&settings);
}

static void test_pkcs11_id(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\npkcs11-id 'pkcs11:token=X;id=%01'\n", &settings);
	assert_true(settings.pkcs11_id);
	assert_false(settings.pkcs11_id_management);
	assert_false(settings.management);
	assert_string_equal(settings.pkcs11_providers, "");
}

static void test_pkcs11_id_management(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\npkcs11-id-management\n", &settings);
	assert_false(settings.pkcs11_id);
	assert_true(settings.pkcs11_id_management);
	assert_false(settings.management);
}

static void test_both_ids(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-id-management\npkcs11-id abc\n", &settings);
	assert_true(settings.pkcs11_id);
	assert_true(settings.pkcs11_id_management);
}

static void test_providers_plain(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");
	assert_false(settings.pkcs11_id);
	/* Several on one line: the first. */
	scan("pkcs11-providers /a.so /b.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
	/* Tabs and several blanks before it. */
	scan("pkcs11-providers \t  /a.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
	/* No newline at the end of the file. */
	scan("pkcs11-providers /a.so", &settings);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
}

/* For --external-key: every pkcs11-* option by name, outside comments and inline blocks. */
static void test_pkcs11_options_listed(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\nremote x 1194\n", &settings);
	assert_string_equal(settings.pkcs11_options, "");
	scan("pkcs11-providers /a.so\npkcs11-id 'x/45'\n# pkcs11-pin-cache 1\n"
	     "<ca>\npkcs11-private-mode 1\n</ca>\n  pkcs11-cert-private 1\n", &settings);
	assert_string_equal(settings.pkcs11_options, "pkcs11-providers pkcs11-id pkcs11-cert-private");
	scan("pkcs11-id-management\n", &settings);
	assert_string_equal(settings.pkcs11_options, "pkcs11-id-management");
	/* Not a pkcs11 option, only a similar name. */
	scan("pkcs11\npkcs11x-foo 1\n", &settings);
	assert_string_equal(settings.pkcs11_options, "");
}

static void test_providers_quoted(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers \"/opt/My Token/lib p11.so\" /b.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/opt/My Token/lib p11.so");
	scan("pkcs11-providers '/opt/My Token/lib p11.so'\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/opt/My Token/lib p11.so");
	/* The other quote is an ordinary character inside. */
	scan("pkcs11-providers \"/opt/it's/p11.so\"\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/opt/it's/p11.so");
}

static void test_later_providers_ignored(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers /first.so\npkcs11-providers /second.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/first.so");
}

static void test_providers_without_value(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "");
	/* An empty one does not hide a later real one. */
	scan("pkcs11-providers\npkcs11-providers /real.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/real.so");
}

static void test_provider_too_long(void **state)
{
	struct ovpn_config_settings settings;
	char text[OVPN_CONFIG_PATH_MAX + 100];
	char path[OVPN_CONFIG_PATH_MAX + 10];
	const size_t room = sizeof settings.pkcs11_providers;

	(void)state;
	/* room - 1 bytes fit. */
	path[0] = '/';
	memset(path + 1, 'p', room - 2);
	path[room - 1] = '\0';
	snprintf(text, sizeof text, "pkcs11-providers %s\n", path);
	scan(text, &settings);
	assert_string_equal(settings.pkcs11_providers, path);
	/* room do not: nothing rather than a cut path. */
	memset(path + 1, 'p', room - 1);
	path[room] = '\0';
	snprintf(text, sizeof text, "pkcs11-providers %s\n", path);
	scan(text, &settings);
	assert_string_equal(settings.pkcs11_providers, "");
}

static void test_management(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("management 127.0.0.1 7505\n", &settings);
	assert_true(settings.management);
	assert_false(settings.pkcs11_id);
	scan("management /run/openvpn.sock unix\n", &settings);
	assert_true(settings.management);
}

static void test_similar_names(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("management-hold\nmanagement-query-passwords\nmanagement-client-auth\n"
	     "pkcs11-id-type 1\npkcs11-idx\npkcs11-cert-private 1\npkcs11-pin-cache 300\n"
	     "pkcs11-providersx /x.so\npkcs11-provider /y.so\nmanagements x\nmanage x\n",
	     &settings);
	assert_nothing(&settings);
}

static void test_comments(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("# management 127.0.0.1 7505\n"
	     "; pkcs11-id abc\n"
	     "#pkcs11-id-management\n"
	     ";pkcs11-providers /x.so\n"
	     "   # indented comment: management x\n"
	     "\t; pkcs11-id x\n",
	     &settings);
	assert_nothing(&settings);
}

static void test_trailing_comment_keeps_option(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("management localhost 7505 # ours\npkcs11-providers /a.so # the card\n", &settings);
	assert_true(settings.management);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
}

static void test_leading_whitespace(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("   pkcs11-id x\n\t\tmanagement h 1\n \t pkcs11-providers\t/a.so\n", &settings);
	assert_true(settings.pkcs11_id);
	assert_true(settings.management);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
}

static void test_command_line_style(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("--pkcs11-id x\n--management 127.0.0.1 7505\n  --pkcs11-providers /a.so\n", &settings);
	assert_true(settings.pkcs11_id);
	assert_true(settings.management);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
	scan("--pkcs11-id-management\n", &settings);
	assert_true(settings.pkcs11_id_management);
	assert_false(settings.pkcs11_id);
	/* One dash is not an option prefix. */
	scan("-pkcs11-id x\n-management h 1\n", &settings);
	assert_nothing(&settings);
}

static void test_inline_blocks_ignored(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("<ca>\n"
	     "management 127.0.0.1 7505\n"
	     "pkcs11-id x\n"
	     "</ca>\n"
	     "<tls-crypt>\n"
	     "pkcs11-providers /inside.so\n"
	     "pkcs11-id-management\n"
	     "</tls-crypt>\n",
	     &settings);
	assert_nothing(&settings);
}

static void test_options_after_block_count(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\n"
	     "<ca>\n"
	     "-----BEGIN CERTIFICATE-----\n"
	     "MIIBszCCAVmgAwIBAgIUmanagementpkcs11\n"
	     "-----END CERTIFICATE-----\n"
	     "</ca>\n"
	     "pkcs11-providers /after.so\n"
	     "  <key>\n"
	     "management x 1\n"
	     "  </key>\n"
	     "pkcs11-id-management\n",
	     &settings);
	assert_string_equal(settings.pkcs11_providers, "/after.so");
	assert_false(settings.management);
	assert_true(settings.pkcs11_id_management);
	assert_false(settings.pkcs11_id);
}

static void test_crlf(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\r\npkcs11-id-management\r\nmanagement 127.0.0.1 7505\r\n"
	     "pkcs11-providers /a.so\r\npkcs11-id\r\n",
	     &settings);
	assert_true(settings.pkcs11_id_management);
	assert_true(settings.management);
	assert_true(settings.pkcs11_id);
	assert_string_equal(settings.pkcs11_providers, "/a.so");
	/* The path ends before the CR, quoted or not. */
	scan("pkcs11-providers \"/q.so\"\r\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/q.so");
	scan("<ca>\r\nmanagement x 1\r\n</ca>\r\npkcs11-id x\r\n", &settings);
	assert_false(settings.management);
	assert_true(settings.pkcs11_id);
}

static void test_unterminated_quote(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers \"/a b.so\nmanagement h 1\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/a b.so");
	assert_true(settings.management);
}

/* A long line that is an ordinary option does not hide what follows it. */
static void test_long_line_then_options(void **state)
{
	struct ovpn_config_settings settings;
	static char text[20000 + 100];
	size_t n = 20000;

	(void)state;
	memcpy(text, "remote ", 7);
	memset(text + 7, 'a', n - 7);
	strcpy(text + n, "\nmanagement h 1\npkcs11-id x\n");
	scan(text, &settings);
	assert_true(settings.management);
	assert_true(settings.pkcs11_id);
}

/*
 * The rest of a line longer than the scanner's 4095-byte buffer is not a line of its own: a
 * comment that runs on past it and ends in "management ..." must not count as one (it once did).
 */
static void test_long_comment_tail_not_an_option(void **state)
{
	struct ovpn_config_settings settings;
	static char text[4095 + 200];

	(void)state;
	text[0] = '#';
	memset(text + 1, 'c', 4094);
	strcpy(text + 4095, "management 127.0.0.1 7505\n");
	scan(text, &settings);
	assert_false(settings.management);

	text[0] = ';';
	strcpy(text + 4095, " pkcs11-providers /tail.so\n");
	scan(text, &settings);
	assert_string_equal(settings.pkcs11_providers, "");
}

/* Same bug: the tail of an over-long option line must not open an inline block either. */
static void test_long_line_tail_no_block(void **state)
{
	struct ovpn_config_settings settings;
	static char text[4095 + 200];

	(void)state;
	memcpy(text, "setenv X ", 9);
	memset(text + 9, 'v', 4095 - 9);
	strcpy(text + 4095, "<x\nmanagement h 1\n");
	scan(text, &settings);
	assert_true(settings.management);
}

static void __attribute__((unused)) test_read_error(void **state)
{
	struct ovpn_config_settings settings;
	/* Reading a write-only stream sets its error flag. */
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(f);
	assert_int_equal(ovpn_config_scan(f, &settings), -1);
	fclose(f);
}

static void test_real_file(void **state)
{
	struct ovpn_config_settings settings;
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fputs("client\ndev tun\npkcs11-providers '/usr/lib/p11-kit-proxy.so'\n"
	      "pkcs11-id-management\n<ca>\npkcs11-id no\n</ca>\n",
	      f);
	rewind(f);
	memset(&settings, 0x5a, sizeof settings);
	assert_int_equal(ovpn_config_scan(f, &settings), 0);
	assert_string_equal(settings.pkcs11_providers, "/usr/lib/p11-kit-proxy.so");
	assert_true(settings.pkcs11_id_management);
	assert_false(settings.pkcs11_id);
	assert_false(settings.management);
	fclose(f);
}

/* What openvpn reads with --external-key: the config less its pkcs11-* lines, blocks intact. */
static void test_without_pkcs11(void **state)
{
	const char *path = "ovpn-token-unit-without-pkcs11.conf";
	char err[256], *text;
	size_t len;
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("client\n  pkcs11-providers /x.so\n--pkcs11-id-management\n<ca>\npkcs11-id kept\n</ca>\n"
	      "remote a 1\n", f);
	fclose(f);
	assert_int_equal(ovpn_config_without_pkcs11(path, &text, &len, err, sizeof err), 0);
	assert_string_equal(text, "client\n<ca>\npkcs11-id kept\n</ca>\nremote a 1\n");
	assert_int_equal(len, strlen(text));
	free(text);
	remove(path);
	assert_int_equal(ovpn_config_without_pkcs11("ovpn-token-unit-no-such.conf", &text, &len, err,
	                                            sizeof err), -1);
}

/* A line longer than the reader's buffer goes whole, or is left out whole. */
static void test_without_pkcs11_long_lines(void **state)
{
	const char *path = "ovpn-token-unit-without-pkcs11-long.conf";
	static char pad[6000];
	char err[256], *text, *want;
	size_t len;
	FILE *f = fopen(path, "w");

	(void)state;
	memset(pad, 'x', sizeof pad - 1);
	assert_non_null(f);
	fprintf(f, "pkcs11-id %s\nsetenv A %s\nremote a 1\n", pad, pad);
	fclose(f);
	assert_int_equal(ovpn_config_without_pkcs11(path, &text, &len, err, sizeof err), 0);
	want = malloc(sizeof pad + 64);
	assert_non_null(want);
	snprintf(want, sizeof pad + 64, "setenv A %s\nremote a 1\n", pad);
	assert_string_equal(text, want);
	free(want);
	free(text);
	remove(path);
}

/* ovpn_config_load: the one way start, list and doctor read a config. */
static void test_load_by_path(void **state)
{
	static struct ovpn_config cfg;
	char path[] = "test_ovpn_config_load.conf", err[1200];
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("client\npkcs11-providers /usr/lib/opensc-pkcs11.so\nmanagement-client\n", f);
	fclose(f);
	memset(&cfg, 0x5a, sizeof cfg);
	assert_int_equal(ovpn_config_load(path, &cfg, err, sizeof err), 0);
	assert_string_equal(cfg.settings.pkcs11_providers, "/usr/lib/opensc-pkcs11.so");
	assert_string_equal(cfg.settings.management_conflicts, "management-client");
	assert_false(cfg.settings.pkcs11_id);
	remove(path);
	assert_int_equal(ovpn_config_load(path, &cfg, err, sizeof err), -1);
	assert_string_equal(err, "no config 'test_ovpn_config_load.conf' (neither a file nor a "
	                         "config name OpenVPN knows)");
}

/* The lines that fight a managed start, with their line numbers. */
static void test_lines_that_fight_start(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\n# daemon\ndaemon myname\nlog-append 'logs/x.log'\naskpass\ncd /etc/vpn\n", &settings);
	assert_int_equal(settings.daemon_line, 3);
	assert_int_equal(settings.log_line, 4);
	assert_string_equal(settings.log_file, "logs/x.log");
	assert_int_equal(settings.askpass_line, 5);
	assert_false(settings.askpass_has_file);
	assert_int_equal(settings.cd_line, 6);
	assert_string_equal(settings.cd_dir, "/etc/vpn");
	scan("askpass pass.txt\n<ca>\ndaemon\n</ca>\n", &settings);
	assert_true(settings.askpass_has_file);
	assert_int_equal(settings.daemon_line, 0);
}

/* Values are unquoted as OpenVPN's lexer does: backslash escapes outside single quotes. */
static void test_param_escapes(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("pkcs11-providers \"C:\\\\Program Files\\\\OpenSC\\\\p11.dll\"\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "C:\\Program Files\\OpenSC\\p11.dll");
	scan("pkcs11-providers 'C:\\\\x.dll'\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "C:\\\\x.dll");
	scan("pkcs11-providers /opt/my\\ lib/p11.so\n", &settings);
	assert_string_equal(settings.pkcs11_providers, "/opt/my lib/p11.so");
}

/* A cert or key of the config's own: openvpn must not be told to ask for a pkcs11-id. */
static void test_own_cert_or_key(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\npkcs11-providers /x.so\n", &settings);
	assert_false(settings.own_cert_or_key);
	scan("providers pkcs11 default\ncert \"pkcs11:token=T;object=c\"\n", &settings);
	assert_true(settings.own_cert_or_key);
	scan("client\n<key>\n-----BEGIN PRIVATE KEY-----\n</key>\n", &settings);
	assert_true(settings.own_cert_or_key);
}

/* auth-user-pass and auth-retry: whether start adds --auth-retry interact (CRV1 needs it). */
static void test_auth_lines(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\npkcs11-providers /x.so\n", &settings);
	assert_false(settings.auth_user_pass);
	assert_false(settings.auth_retry);
	scan("client\nauth-user-pass\n", &settings);
	assert_true(settings.auth_user_pass);
	assert_false(settings.auth_retry);
	scan("auth-user-pass creds.txt\nauth-retry nointeract\n", &settings);
	assert_true(settings.auth_user_pass);
	assert_true(settings.auth_retry);
	scan("# auth-retry interact\n<ca>\nauth-retry none\n</ca>\n", &settings);
	assert_false(settings.auth_retry);
}

/* The files doctor checks: as written, with their option and line; inline ones are not files. */
static void test_files_named(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("ca ca.crt\ntls-auth \"ta key.bin\" 1\nauth-user-pass\nauth-user-pass creds\n"
	     "cert [inline]\nup \"/etc/openvpn/up.sh arg\"\n", &settings);
	assert_int_equal(settings.nfiles, 4);
	assert_string_equal(settings.files[0].option, "ca");
	assert_string_equal(settings.files[0].path, "ca.crt");
	assert_int_equal(settings.files[0].line, 1);
	assert_string_equal(settings.files[1].path, "ta key.bin");
	assert_string_equal(settings.files[2].option, "auth-user-pass");
	assert_string_equal(settings.files[2].path, "creds");
	assert_true(settings.files[3].is_script);
	assert_string_equal(settings.files[3].path, "/etc/openvpn/up.sh arg");
}

/* start and doctor judge alike: a FAIL for daemon and for pkcs11-id with --cert. */
static void test_config_check(void **state)
{
	struct ovpn_config_settings settings;
	struct config_finding f[CONFIG_MAX_FINDINGS];
	size_t n;

	(void)state;
	scan("daemon\npkcs11-id 'x/y/z/w/45'\naskpass\n", &settings);
	n = config_check(&settings, &(struct config_check_mode){false, false}, f, CONFIG_MAX_FINDINGS);
	assert_int_equal(n, 2);
	assert_int_equal(f[0].severity, CONFIG_FAIL);
	assert_int_equal(f[0].line, 1);
	assert_int_equal(f[1].severity, CONFIG_WARN);
	assert_int_equal(f[1].line, 3);
	n = config_check(&settings, &(struct config_check_mode){true, false}, f, CONFIG_MAX_FINDINGS);
	assert_int_equal(n, 3);
	assert_int_equal(f[1].severity, CONFIG_FAIL);
	assert_int_equal(f[1].line, 2);
	scan("client\n", &settings);
	assert_int_equal(config_check(&settings, &(struct config_check_mode){true, true}, f,
	                              CONFIG_MAX_FINDINGS), 0);
	scan("client\npkcs11-providers /x.so\n", &settings);
	n = config_check(&settings, &(struct config_check_mode){false, true}, f, CONFIG_MAX_FINDINGS);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].severity, CONFIG_NOTE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_that_fight_start),
		cmocka_unit_test(test_files_named),
		cmocka_unit_test(test_config_check),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_plain_client),
		cmocka_unit_test(test_pkcs11_id),
		cmocka_unit_test(test_pkcs11_id_management),
		cmocka_unit_test(test_both_ids),
		cmocka_unit_test(test_providers_plain),
		cmocka_unit_test(test_providers_quoted),
		cmocka_unit_test(test_later_providers_ignored),
		cmocka_unit_test(test_providers_without_value),
		cmocka_unit_test(test_provider_too_long),
		cmocka_unit_test(test_management),
		cmocka_unit_test(test_similar_names),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_trailing_comment_keeps_option),
		cmocka_unit_test(test_leading_whitespace),
		cmocka_unit_test(test_command_line_style),
		cmocka_unit_test(test_inline_blocks_ignored),
		cmocka_unit_test(test_options_after_block_count),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_long_line_then_options),
		cmocka_unit_test(test_long_comment_tail_not_an_option),
		cmocka_unit_test(test_long_line_tail_no_block),
#ifndef _WIN32 /* Microsoft's C runtime sets no error flag for a read from a write-only stream. */
		cmocka_unit_test(test_read_error),
#endif
		cmocka_unit_test(test_pkcs11_options_listed),
		cmocka_unit_test(test_real_file),
		cmocka_unit_test(test_without_pkcs11),
		cmocka_unit_test(test_without_pkcs11_long_lines),
		cmocka_unit_test(test_load_by_path),
		cmocka_unit_test(test_own_cert_or_key),
		cmocka_unit_test(test_param_escapes),
		cmocka_unit_test(test_auth_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
