/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The certificate in the status file: the expiry rule and its warning (cert/cert_info.h), the
 * cert_* lines the session writes (session/status_cert.h) and what `status` reads of them
 * (cmd/tunnel_cert.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cert/cert_info.h"
#include "cmd/tunnel_cert.h"
#include "codec/utc.h"
#include "session/status_cert.h"

#define DAY (24LL * 3600)
#define END 4102444800LL /* 2100-01-01 00:00:00 UTC */
#define HINT "-- hint: get it renewed (ovpn-token enroll --renew)"

/* The one rule: soon is less than 30 days before notAfter; after notAfter it has expired. */
static void the_rule_counts_30_days(void **state)
{
	struct cert_info ci = {.not_before_epoch = END - 400 * DAY, .not_after_epoch = END};

	(void)state;
	assert_int_equal(cert_expiry(END, END - 30 * DAY), CERT_VALID);
	assert_int_equal(cert_expiry(END, END - 30 * DAY + 1), CERT_EXPIRES_SOON);
	assert_int_equal(cert_expiry(END, END), CERT_EXPIRES_SOON);
	assert_int_equal(cert_expiry(END, END + 1), CERT_EXPIRED);
	/* list and doctor judge a whole certificate by the same rule */
	assert_int_equal(cert_info_validity(&ci, END - 30 * DAY + 1), CERT_EXPIRES_SOON);
	assert_int_equal(cert_info_validity(&ci, END - 400 * DAY - 1), CERT_NOT_YET_VALID);
	assert_int_equal(CERT_SOON_SECONDS, 30 * DAY);
}

static void the_warning_has_the_date_and_the_hint(void **state)
{
	char buf[200];

	(void)state;
	assert_true(cert_expiry_warning(END, END - 10 * DAY, buf, sizeof buf));
	assert_string_equal(buf, "EXPIRES SOON (2100-01-01 00:00:00 UTC) " HINT);
	assert_true(cert_expiry_warning(END, END + DAY, buf, sizeof buf));
	assert_string_equal(buf, "EXPIRED on 2100-01-01 00:00:00 UTC " HINT);
	assert_false(cert_expiry_warning(END, END - 31 * DAY, buf, sizeof buf));
	assert_string_equal(buf, "");
}

static struct cert_info anna(void)
{
	struct cert_info ci;

	memset(&ci, 0, sizeof ci);
	snprintf(ci.subject, sizeof ci.subject, "CN=anna,O=Example");
	snprintf(ci.subject_cn, sizeof ci.subject_cn, "anna");
	ci.not_after_epoch = END;
	return ci;
}

#define ANNA_ID "SoftHSM\\x20project/SoftHSM\\x20v2/0123/Anna\\x20token/45"

/* What the session writes, `status` reads back: the same subject, end, token and id. */
static void the_lines_read_back(void **state)
{
	struct cert_info ci = anna();
	struct status_cert sc;
	struct tunnel_cert tc;
	char text[2048], file[2300], warning[300];
	size_t n;

	(void)state;

	status_cert_of(&sc, &ci, "", ANNA_ID);
	n = status_cert_text(&sc, text, sizeof text);
	assert_int_equal(n, strlen(text));
	assert_string_equal(text, "cert_subject=CN=anna,O=Example\ncert_not_after=2100-01-01T00:00:00Z\n"
	                          "cert_token=Anna token\ncert_id=" ANNA_ID "\n");
	snprintf(file, sizeof file, "state=CONNECTED\ntime=2099-12-20T10:00:00Z\ntunnel_ip=10.8.0.6\n"
	         "remote=198.51.100.7:1194\n%s", text);
	tunnel_cert_read(file, &tc);
	assert_true(tc.present);
	assert_true(tc.dated);
	assert_true(tc.not_after == END);
	assert_string_equal(tc.subject, "CN=anna,O=Example");
	assert_string_equal(tc.token, "Anna token");
	assert_string_equal(tc.id, ANNA_ID);
	assert_true(tunnel_cert_warning(&tc, END - 12 * DAY, warning, sizeof warning));
	assert_string_equal(warning, "certificate 'CN=anna,O=Example' EXPIRES SOON "
	                             "(2100-01-01 00:00:00 UTC) " HINT);
	assert_false(tunnel_cert_warning(&tc, END - 300 * DAY, warning, sizeof warning));
	assert_string_equal(warning, "");
}

/* The token view's label wins over the id's; a certificate that did not decode has no dates. */
static void an_undated_certificate_names_only_its_place(void **state)
{
	struct status_cert sc;
	struct tunnel_cert tc;
	char text[2048], warning[300];

	(void)state;
	status_cert_of(&sc, NULL, "Backup", ANNA_ID);
	status_cert_text(&sc, text, sizeof text);
	assert_string_equal(text, "cert_token=Backup\ncert_id=" ANNA_ID "\n");
	tunnel_cert_read(text, &tc);
	assert_true(tc.present);
	assert_false(tc.dated);
	assert_false(tunnel_cert_warning(&tc, END, warning, sizeof warning));
}

/* Nothing chosen (a config's own pkcs11-id, before the choice): no lines. */
static void no_certificate_no_lines(void **state)
{
	struct status_cert sc;
	char text[64] = "x";

	(void)state;
	memset(&sc, 0, sizeof sc);
	assert_int_equal(status_cert_text(&sc, text, sizeof text), 0);
	assert_string_equal(text, "");
	/* too small a buffer: nothing rather than a cut line */
	{
		struct cert_info ci = anna();

		status_cert_of(&sc, &ci, "", ANNA_ID);
		assert_int_equal(status_cert_text(&sc, text, sizeof text), 0);
		assert_string_equal(text, "");
	}
}

/* An older ovpn-token's status file, or a broken date: readable, no warning. */
static void an_old_or_odd_file_warns_of_nothing(void **state)
{
	struct tunnel_cert tc;
	char warning[300];

	(void)state;
	tunnel_cert_read("state=CONNECTED\ntime=2026-12-07T11:30:00Z\ntunnel_ip=\nremote=\n", &tc);
	assert_false(tc.present);
	assert_false(tunnel_cert_warning(&tc, END, warning, sizeof warning));
	tunnel_cert_read("state=CONNECTED\ncert_subject=CN=x\ncert_not_after=tomorrow\n", &tc);
	assert_true(tc.present);
	assert_false(tc.dated);
	assert_false(tunnel_cert_warning(&tc, END, warning, sizeof warning));
}

/* A subject with a line break cannot add a line of its own (cert_not_after=) to the file. */
static void a_hostile_subject_stays_on_its_line(void **state)
{
	struct cert_info ci = anna();
	struct status_cert sc;
	struct tunnel_cert tc;
	char text[2048];

	(void)state;
	snprintf(ci.subject, sizeof ci.subject, "CN=x\ncert_not_after=2000-01-01T00:00:00Z");
	status_cert_of(&sc, &ci, "Lab\ntoken", ANNA_ID);
	status_cert_text(&sc, text, sizeof text);
	tunnel_cert_read(text, &tc);
	assert_true(tc.not_after == END);
	assert_null(strchr(tc.subject, '\n'));
	assert_string_equal(tc.token, "Lab?token");
}

/*
 * serve sees the member's certificate block on its way to openvpn: the holder file names it.
 * (CN=alpha, self-signed, valid 2020-2120, its key thrown away; as in test_session.c.)
 */
#define ALPHA_PEM \
	"-----BEGIN CERTIFICATE-----\n" \
	"MIIBUjCB+aADAgECAgIQADAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVhbHBoYTAg\n" \
	"Fw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAwMDAwMFowEDEOMAwGA1UEAwwFYWxw\n" \
	"aGEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATgMiFMYo6b9988BZjlsBv3tCdI\n" \
	"Y7H2lLj8fD3Tgc+j8nbbwfnMmgOwRJ8ZuEAhQW6PtaFslCJchRi415WA9omjo0Ew\n" \
	"PzAJBgNVHRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQWBBQMb5VH\n" \
	"FMaxRHtjfJ1W5oWnP6NRZjAKBggqhkjOPQQDAgNIADBFAiBIcEUXDUkzyLKNRubb\n" \
	"zUFjWtW7R7suHGW+809U+x33rwIhALx2e84a3atMbM1NNxoaeRxK27+eJm6SEdV2\n" \
	"cMN6YE04\n" \
	"-----END CERTIFICATE-----\n"

static void a_certificate_block_names_its_certificate(void **state)
{
	static const char block[] = "certificate\n" ALPHA_PEM "END\n";
	static const char broken[] = "certificate\n-----BEGIN CERTIFICATE-----\n"
	                             "MIIBUjCB\n-----END CERTIFICATE-----\nEND\n";
	char crlf[2048];
	char lines[1024];
	struct tunnel_cert tc;
	size_t n;

	(void)state;

	n = tunnel_cert_block_lines(block, strlen(block), lines, sizeof lines);
	assert_int_equal(n, strlen(lines));
	assert_string_equal(lines, "cert_subject=CN=alpha\ncert_not_after=2120-01-01T00:00:00Z\n");
	tunnel_cert_read(lines, &tc);
	assert_true(tc.dated);
	/* no PEM, a cut one, one that does not decode: nothing */
	assert_int_equal(tunnel_cert_block_lines("certificate\nEND\n", 16, lines, sizeof lines), 0);
	assert_string_equal(lines, "");
	assert_int_equal(tunnel_cert_block_lines(block, 60, lines, sizeof lines), 0);
	assert_int_equal(tunnel_cert_block_lines(broken, strlen(broken), lines, sizeof lines), 0);
	/* lines ending in CR LF read the same */
	n = 0;
	for (const char *p = block; *p != '\0'; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	crlf[n] = '\0';
	assert_true(tunnel_cert_block_lines(crlf, n, lines, sizeof lines) > 0);
	assert_string_equal(lines, "cert_subject=CN=alpha\ncert_not_after=2120-01-01T00:00:00Z\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_rule_counts_30_days),
		cmocka_unit_test(the_warning_has_the_date_and_the_hint),
		cmocka_unit_test(the_lines_read_back),
		cmocka_unit_test(an_undated_certificate_names_only_its_place),
		cmocka_unit_test(no_certificate_no_lines),
		cmocka_unit_test(an_old_or_odd_file_warns_of_nothing),
		cmocka_unit_test(a_hostile_subject_stays_on_its_line),
		cmocka_unit_test(a_certificate_block_names_its_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
