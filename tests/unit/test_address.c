/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/address.h"

static void expect_tcp(const char *text, const char *host, const char *port)
{
	struct mgmt_address a;

	memset(&a, 0x5a, sizeof a);
	assert_int_equal(mgmt_address_parse(text, &a), 0);
	assert_false(a.is_unix);
	assert_string_equal(a.host, host);
	assert_string_equal(a.port, port);
}

static void expect_unix(const char *text)
{
	struct mgmt_address a;

	memset(&a, 0x5a, sizeof a);
	assert_int_equal(mgmt_address_parse(text, &a), 0);
	assert_true(a.is_unix);
	assert_string_equal(a.host, "");
	assert_string_equal(a.path, text);
}

static void expect_bad(const char *text)
{
	struct mgmt_address a;

	if (mgmt_address_parse(text, &a) != -1)
		fail_msg("'%s' was accepted", text);
}

static void test_ipv4(void **state)
{
	(void)state;
	expect_tcp("127.0.0.1:7505", "127.0.0.1", "7505");
	expect_tcp("10.0.0.254:65535", "10.0.0.254", "65535");
}

static void test_hostname(void **state)
{
	(void)state;
	expect_tcp("localhost:1", "localhost", "1");
	expect_tcp("vpn.example.org:443", "vpn.example.org", "443");
}

static void test_ipv6_bracketed(void **state)
{
	(void)state;
	expect_tcp("[::1]:7505", "::1", "7505");
	expect_tcp("[2001:db8::42]:1194", "2001:db8::42", "1194");
}

static void test_ipv6_scope_id(void **state)
{
	(void)state;
	expect_tcp("[fe80::1%eth0]:7505", "fe80::1%eth0", "7505");
}

static void test_unix_absolute(void **state)
{
	(void)state;
	expect_unix("/run/x.sock");
	/* A '/' makes it a path even when it also has ":digits". */
	expect_unix("/run/openvpn/mgmt:7505");
}

static void test_unix_relative(void **state)
{
	(void)state;
	expect_unix("rel/dir/x.sock");
	expect_unix("./x.sock");
}

static void test_unix_no_colon(void **state)
{
	(void)state;
	expect_unix("mgmt.sock");
	expect_unix("vpnbox"); /* no ":PORT" at all: a socket named so in the cwd */
}

/* An address someone forgot the port of is not a socket in the current folder. */
static void test_host_without_port(void **state)
{
	struct mgmt_address a;

	(void)state;
	assert_int_equal(mgmt_address_parse("127.0.0.1", &a), MGMT_ADDRESS_NO_PORT);
	assert_int_equal(mgmt_address_parse("10.1.2.3", &a), MGMT_ADDRESS_NO_PORT);
	assert_int_equal(mgmt_address_parse("localhost", &a), MGMT_ADDRESS_NO_PORT);
	expect_unix("./localhost");
	expect_unix("1.2.3"); /* not an IPv4 address */
}

static void test_bad_ports(void **state)
{
	(void)state;
	expect_bad("127.0.0.1:0");
	expect_bad("127.0.0.1:65536");
	expect_bad("127.0.0.1:99999");
	expect_bad("127.0.0.1:");
	expect_bad("127.0.0.1:abc");
	expect_bad("127.0.0.1:123456");
	expect_bad("127.0.0.1:12a");
	expect_bad("127.0.0.1:-1");
	expect_bad("127.0.0.1:+80");
	expect_bad("127.0.0.1: 80");
	expect_bad("[::1]:0");
	expect_bad("[::1]:65536");
	expect_bad("[::1]:");
	expect_bad("[::1]:abc");
	expect_bad("[::1]:123456");
}

static void test_port_bounds(void **state)
{
	(void)state;
	expect_tcp("h:1", "h", "1");
	expect_tcp("h:65535", "h", "65535");
	/* Leading zeros are still a number in range (at most five digits). */
	expect_tcp("h:00080", "h", "00080");
}

static void test_bare_ipv6_refused(void **state)
{
	(void)state;
	expect_bad("::1:7505");
	expect_bad("fe80::1:7505");
	expect_bad("::1");
}

static void test_bracket_without_port(void **state)
{
	(void)state;
	expect_bad("[::1]");
	expect_bad("[::1]x7505");
	expect_bad("[::1");
	expect_bad("[::1:7505");
	expect_bad("[]:7505");
}

static void test_empty_parts(void **state)
{
	(void)state;
	expect_bad("");
	expect_bad(":7505");
}

static void test_host_length(void **state)
{
	char text[600];
	char host[300];
	struct mgmt_address a;

	(void)state;
	/* 255 bytes of host fit host[256]. */
	memset(host, 'h', 255);
	host[255] = '\0';
	snprintf(text, sizeof text, "%s:7505", host);
	expect_tcp(text, host, "7505");
	snprintf(text, sizeof text, "[%s]:7505", host);
	expect_tcp(text, host, "7505");

	/* 256 do not. */
	memset(host, 'h', 256);
	host[256] = '\0';
	snprintf(text, sizeof text, "%s:7505", host);
	assert_int_equal(mgmt_address_parse(text, &a), -1);
	snprintf(text, sizeof text, "[%s]:7505", host);
	assert_int_equal(mgmt_address_parse(text, &a), -1);
}

static void test_path_length(void **state)
{
	char path[700];
	struct mgmt_address a;

	(void)state;
	/* 511 bytes fit path[512]. */
	path[0] = '/';
	memset(path + 1, 'p', 510);
	path[511] = '\0';
	expect_unix(path);

	memset(path + 1, 'p', 511);
	path[512] = '\0';
	assert_int_equal(mgmt_address_parse(path, &a), -1);

	memset(path + 1, 'p', 650);
	path[651] = '\0';
	assert_int_equal(mgmt_address_parse(path, &a), -1);
}

static void test_failure_leaves_no_stale_fields(void **state)
{
	struct mgmt_address a;

	(void)state;
	assert_int_equal(mgmt_address_parse("/run/x.sock", &a), 0);
	assert_int_equal(mgmt_address_parse("127.0.0.1:0", &a), -1);
	assert_false(a.is_unix);
	assert_string_equal(a.port, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_ipv6_bracketed),
		cmocka_unit_test(test_ipv6_scope_id),
		cmocka_unit_test(test_unix_absolute),
		cmocka_unit_test(test_unix_relative),
		cmocka_unit_test(test_unix_no_colon),
		cmocka_unit_test(test_host_without_port),
		cmocka_unit_test(test_bad_ports),
		cmocka_unit_test(test_port_bounds),
		cmocka_unit_test(test_bare_ipv6_refused),
		cmocka_unit_test(test_bracket_without_port),
		cmocka_unit_test(test_empty_parts),
		cmocka_unit_test(test_host_length),
		cmocka_unit_test(test_path_length),
		cmocka_unit_test(test_failure_leaves_no_stale_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
