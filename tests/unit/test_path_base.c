/* SPDX-License-Identifier: GPL-3.0-or-later */
/* plat_path_base on POSIX: only '/' separates; a backslash is part of a name there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "platform/platform.h"

static void test_posix_paths(void **state)
{
	(void)state;
	assert_string_equal(plat_path_base("office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("/etc/openvpn/client/office.conf"), "office.conf");
	assert_string_equal(plat_path_base("vpn/office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("./office.ovpn"), "office.ovpn");
	assert_string_equal(plat_path_base("/etc/openvpn/"), "");
	assert_string_equal(plat_path_base(""), "");
	assert_string_equal(plat_path_base("C:\\Users\\anna\\office.ovpn"),
	                    "C:\\Users\\anna\\office.ovpn");
}

static void test_points_into_path(void **state)
{
	const char *path = "/home/anna/vpn/office.ovpn";

	(void)state;
	assert_ptr_equal(plat_path_base(path), path + 15);
	assert_ptr_equal(plat_path_base(path + 15), path + 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_posix_paths),
		cmocka_unit_test(test_points_into_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
