/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The causes reason.c reads from OpenVPN's log lines, as 2.6 and 2.7 write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "session/reason.h"

static void expect_kind(const char *line, const char *want, enum reason_kind kind)
{
	char out[200] = "unchanged";

	if (want == NULL) {
		assert_int_equal(reason_from_log(line, out, sizeof out), REASON_NONE);
		assert_string_equal(out, "unchanged");
		return;
	}
	assert_int_equal(reason_from_log(line, out, sizeof out), kind);
	assert_string_equal(out, want);
}

/* Causes that come before the key is used: no PIN was put to the test. */
#define expect_before_key(line, want) expect_kind(line, want, REASON_BEFORE_KEY)
#define expect(line, want) expect_kind(line, want, (want) == NULL ? REASON_NONE : REASON_OTHER)

static void test_causes(void **state)
{
	(void)state;
	expect_before_key("TCP: connect to [AF_INET]127.0.0.1:1194 failed: Connection refused",
	                  "127.0.0.1:1194: connection refused");
	expect_before_key("RESOLVE: Cannot resolve host address: vpn.example.org:1194 (Name or "
	                  "service not known)",
	                  "cannot resolve vpn.example.org:1194 (Name or service not known)");
	expect_before_key("TLS Error: TLS key negotiation failed to occur within 60 seconds (check "
	                  "your network connectivity)",
	                  "the TLS handshake did not complete (no answer from the server?)");
	expect("TLS Error: TLS handshake failed", "the TLS handshake failed");
	expect("Connection reset, restarting [0]", "the server closed the connection");
	expect("AUTH: Received control message: AUTH_FAILED,wrong OTP",
	       "the server refused the login (AUTH_FAILED)");
	expect("VERIFY ERROR: depth=0, error=certificate has expired: CN=server",
	       "depth=0, error=certificate has expired: CN=server");
}

static void test_not_causes(void **state)
{
	(void)state;
	expect("Initialization Sequence Completed", NULL);
	expect("SIGUSR1[hard,] received, process restarting", NULL);
	expect("", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_not_causes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
