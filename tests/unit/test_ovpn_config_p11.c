/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The config settings doctor reads: the pkcs11-id value and the management options start cannot use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "openvpn/config.h"

static void scan(const char *text, struct ovpn_config_settings *settings)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	fputs(text, f);
	rewind(f);
	assert_int_equal(ovpn_config_scan(f, settings), 0);
	fclose(f);
}

static void test_pkcs11_id_value(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("client\npkcs11-id 'SoftHSM\\x20project/SoftHSM\\x20v2/4c91/Test\\x20Token/45'\n"
	     "pkcs11-id 'second/is/ignored/x/46'\n", &settings);
	assert_true(settings.pkcs11_id);
	assert_string_equal(settings.pkcs11_id_value,
	                    "SoftHSM\\x20project/SoftHSM\\x20v2/4c91/Test\\x20Token/45");
	scan("client\n", &settings);
	assert_false(settings.pkcs11_id);
	assert_string_equal(settings.pkcs11_id_value, "");
}

static void test_management_conflicts(void **state)
{
	struct ovpn_config_settings settings;

	(void)state;
	scan("management 127.0.0.1 7505\nmanagement-hold\nmanagement-query-passwords\n", &settings);
	assert_true(settings.management);
	assert_string_equal(settings.management_conflicts, "");
	scan("management-client\n--management-query-proxy\nmanagement-client\n"
	     "# management-external-key\n<ca>\nmanagement-query-remote\n</ca>\n"
	     "management-external-cert macOS\n", &settings);
	assert_string_equal(settings.management_conflicts,
	                    "management-client management-query-proxy management-external-cert");
	assert_false(settings.management);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkcs11_id_value),
		cmocka_unit_test(test_management_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
