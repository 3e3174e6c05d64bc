/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn_config_load on POSIX: every path a config names is resolved from where openvpn runs (the
 * config's folder, or its "cd"), never from our own working directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openvpn/config.h"

static char top[256];
static struct ovpn_config cfg;

static void write_file(const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", top, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mkdir_in(const char *rel)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s", top, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int setup(void **state)
{
	char *tmp = getenv("TMPDIR"), path[300];

	(void)state;
	snprintf(top, sizeof top, "%s/ovpn-token-unit-load.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(top) == NULL || realpath(top, cfg.path) == NULL ||
	    strlen(cfg.path) >= sizeof top)
		return -1;
	/* As the loader shows folders: links resolved (TMPDIR may be one). */
	memcpy(top, cfg.path, strlen(cfg.path) + 1);
	/* The test runs from a folder of its own: what a relative name would wrongly mean. */
	mkdir_in("cwd");
	mkdir_in("vpn");
	mkdir_in("vpn/sub");
	snprintf(path, sizeof path, "%s/cwd", top);
	return chdir(path);
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	if (chdir("/") != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes the config rel under top and loads it by its absolute name: 0 or -1 (err). */
static int write_and_load(const char *rel, const char *text, char *err, size_t errsz)
{
	char name[600];

	write_file(rel, text);
	snprintf(name, sizeof name, "%s/%s", top, rel);
	return ovpn_config_load(name, &cfg, err, errsz);
}

static void expect(const char *got, const char *rel)
{
	char want[1024];

	snprintf(want, sizeof want, "%s/%s", top, rel);
	assert_string_equal(got, want);
}

/* Each kind of path, relative to the config's folder, named from elsewhere. */
static void test_relative_paths(void **state)
{
	char err[1200], name[600];

	(void)state;
	write_file("vpn/office.ovpn",
	           "client\n"
	           "pkcs11-providers lib/p11.so\n"
	           "ca ca.crt\n"
	           "tls-auth ../keys/ta.key 1\n"
	           "log-append office.log\n"
	           "up 'scripts/up.sh --flag'\n"
	           "cert /etc/abs.crt\n");
	snprintf(name, sizeof name, "%s/vpn/office.ovpn", top);
	assert_int_equal(ovpn_config_load("../vpn/office.ovpn", &cfg, err, sizeof err), 0);
	/* The folder without its "..". */
	expect(cfg.dir, "vpn");
	expect(cfg.workdir, "vpn");
	assert_string_equal(cfg.path, name);
	assert_string_equal(cfg.canonical, name);
	expect(cfg.settings.pkcs11_providers, "vpn/lib/p11.so");
	expect(cfg.settings.log_file, "vpn/office.log");
	assert_int_equal(cfg.settings.nfiles, 4);
	assert_string_equal(cfg.settings.files[0].path, "ca.crt");
	expect(cfg.settings.files[0].resolved, "vpn/ca.crt");
	expect(cfg.settings.files[1].resolved, "vpn/../keys/ta.key");
	/* A script: its program, not its whole command line. */
	assert_string_equal(cfg.settings.files[2].path, "scripts/up.sh --flag");
	expect(cfg.settings.files[2].resolved, "vpn/scripts/up.sh");
	assert_string_equal(cfg.settings.files[3].resolved, "/etc/abs.crt");
}

/* "cd DIR" moves openvpn before it opens anything: everything is resolved from there. */
static void test_cd(void **state)
{
	char err[1200];

	(void)state;
	assert_int_equal(write_and_load("vpn/cd.ovpn",
	                                "cd sub\nca ca.crt\npkcs11-providers ./p11.so\nlog x.log\n",
	                                err, sizeof err), 0);
	expect(cfg.dir, "vpn");
	expect(cfg.workdir, "vpn/sub");
	expect(cfg.settings.files[0].resolved, "vpn/sub/ca.crt");
	expect(cfg.settings.pkcs11_providers, "vpn/sub/./p11.so");
	expect(cfg.settings.log_file, "vpn/sub/x.log");

	assert_int_equal(write_and_load("vpn/cdabs.ovpn", "cd /etc/openvpn\nca ca.crt\n", err,
	                                sizeof err), 0);
	assert_string_equal(cfg.workdir, "/etc/openvpn");
	assert_string_equal(cfg.settings.files[0].resolved, "/etc/openvpn/ca.crt");
}

/* A bare provider name is the loader's to find (the library path), as for openvpn. */
static void test_bare_and_absolute_provider(void **state)
{
	char err[1200];

	(void)state;
	assert_int_equal(write_and_load("vpn/bare.ovpn", "pkcs11-providers libsofthsm2.so\n", err,
	                                sizeof err), 0);
	assert_string_equal(cfg.settings.pkcs11_providers, "libsofthsm2.so");

	assert_int_equal(write_and_load("vpn/abs.ovpn",
	                                "pkcs11-providers \"/usr/lib/softhsm/libsofthsm2.so\"\n", err,
	                                sizeof err), 0);
	assert_string_equal(cfg.settings.pkcs11_providers, "/usr/lib/softhsm/libsofthsm2.so");
	assert_string_equal(cfg.settings.log_file, "");
}

/* A link: openvpn starts in the link's folder (as named), the canonical path is the file's. */
static void test_link(void **state)
{
	char err[1200], target[600], link[600];

	(void)state;
	write_file("vpn/real.ovpn", "ca ca.crt\n");
	snprintf(target, sizeof target, "%s/vpn/real.ovpn", top);
	snprintf(link, sizeof link, "%s/cwd/link.ovpn", top);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(ovpn_config_load("link.ovpn", &cfg, err, sizeof err), 0);
	assert_string_equal(cfg.path, link);
	assert_string_equal(cfg.canonical, target);
	expect(cfg.dir, "cwd");
	expect(cfg.settings.files[0].resolved, "cwd/ca.crt");
}

static void test_refusals(void **state)
{
	char err[1200], name[600];

	(void)state;
	assert_int_equal(ovpn_config_load("no-such-config", &cfg, err, sizeof err), -1);
	assert_string_equal(err, "no config 'no-such-config' (neither a file nor a config name "
	                         "OpenVPN knows)");
	snprintf(name, sizeof name, "%s/vpn", top);
	assert_int_equal(ovpn_config_load(name, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "is a directory, not a config file"));
	assert_int_equal(ovpn_config_load("/dev/null", &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relative_paths),
		cmocka_unit_test(test_cd),
		cmocka_unit_test(test_bare_and_absolute_provider),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
