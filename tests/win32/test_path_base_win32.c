/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * plat_path_base on Windows: '\' and '/' both separate and a drive prefix is no part of the
 * name, so "C:\Users\anna\OpenVPN\config\office.ovpn" gives its log file the name "office".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "platform/platform.h"

static void test_windows_paths(void **state)
{
	(void)state;
	assert_string_equal(plat_path_base("C:\\Users\\anna\\OpenVPN\\config\\office.ovpn"),
	                    "office.ovpn");
	assert_string_equal(plat_path_base("office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("config/office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("C:/vpn\\office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("C:office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("d:office"), "office");
	assert_string_equal(plat_path_base("\\\\server\\share\\office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("C:\\vpn\\"), "");
	assert_string_equal(plat_path_base("C:"), "");
	assert_string_equal(plat_path_base(""), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
