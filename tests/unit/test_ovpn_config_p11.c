/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The config facts doctor reads: the pkcs11-id value and the management options start cannot use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "openvpn/config.h"

static void scan(const char *text, struct ovpn_config_facts *facts)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	fputs(text, f);
	rewind(f);
	assert_int_equal(ovpn_config_scan(f, facts), 0);
	fclose(f);
}

static void test_pkcs11_id_value(void **state)
{
	struct ovpn_config_facts facts;

	(void)state;
	scan("client\npkcs11-id 'SoftHSM\\x20project/SoftHSM\\x20v2/4c91/Test\\x20Token/45'\n"
	     "pkcs11-id 'second/is/ignored/x/46'\n", &facts);
	assert_true(facts.pkcs11_id);
	assert_string_equal(facts.pkcs11_id_value,
	                    "SoftHSM\\x20project/SoftHSM\\x20v2/4c91/Test\\x20Token/45");
	scan("client\n", &facts);
	assert_false(facts.pkcs11_id);
	assert_string_equal(facts.pkcs11_id_value, "");
}

static void test_management_conflicts(void **state)
{
	struct ovpn_config_facts facts;

	(void)state;
	scan("management 127.0.0.1 7505\nmanagement-hold\nmanagement-query-passwords\n", &facts);
	assert_true(facts.management);
	assert_string_equal(facts.management_conflicts, "");
	scan("management-client\n--management-query-proxy\nmanagement-client\n"
	     "# management-external-key\n<ca>\nmanagement-query-remote\n</ca>\n"
	     "management-external-cert macOS\n", &facts);
	assert_string_equal(facts.management_conflicts,
	                    "management-client management-query-proxy management-external-cert");
	assert_false(facts.management);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkcs11_id_value),
		cmocka_unit_test(test_management_conflicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
