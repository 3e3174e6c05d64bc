/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cases of the cert_info API (src/cert/cert_info.h), shared by both crypto backends:
 *   tests/unit/test_cert_openssl.c               OpenSSL (cert_openssl.c), certificates made in the test
 *   tests/win32/test_cert_wincrypt.c     CryptoAPI (cert_wincrypt.c) under wine,
 *                                             certificates from tests/win32/gen_cert_fixtures.c
 * so both must give exactly the same fields and summaries for the same certificates.
 *
 * Included once, by a test file that defines, before or after the #include:
 *   static char *cert_blob(enum cert_id id);
 *       the certificate as the one-line base64 BLOB OpenVPN sends, malloc()ed (the caller frees)
 *   static unsigned char *cert_der(enum cert_id id, size_t *len);
 *       the same bytes as DER, malloc()ed with one spare byte after *len (for trailing junk)
 *   static char *cert_pad_blob(size_t i, char *cn, size_t cnsz);
 *       the i-th of a series of certificates, CN only, by "Test CA", serial 7, notAfter
 *       2031-05-06 12:00:00Z, whose DER lengths cover every residue mod 3 (so every base64
 *       padding) within the first few; the subject CN goes to cn.  NULL after the last.
 * and then calls run_cert_info_cases() from main().
 */
#ifndef OVPN_TOKEN_TEST_CERT_INFO_CASES_H
#define OVPN_TOKEN_TEST_CERT_INFO_CASES_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cert/cert_info.h"
#include "codec/utc.h"

/*
 * The certificates.  Unless said otherwise: subject C=DE, O=Example Org, CN=client1 (in that
 * order, UTF8String), issuer CN=Test CA, notBefore 2024-01-01, serial 1, notAfter
 * 2031-05-06 12:00:00Z (UTCTime), signed.
 */
enum cert_id {
	CERT_CLIENT1,       /* serial 0x0102A0FF */
	CERT_2051,          /* notAfter 2051-01-01 00:00:00Z: a GeneralizedTime */
	CERT_PRE_EPOCH,     /* notAfter 1969-12-31 23:59:59Z */
	CERT_NEG_SERIAL,    /* serial -0x1234 */
	/* subject CN "evil\x1b[31mred", issuer CN "c1" U+009B "2J", both UTF8String bytes as is */
	CERT_ESC_C1,
	/* subject CN "abc" U+202E "fdp.exe", issuer CN "good\0evil" (9 bytes), UTF8String as is */
	CERT_BIDI_NUL,
	/* subject CN "Müller € 🔑" (UTF-8), issuer CN BMPString "bmü" */
	CERT_UNICODE,
	CERT_NO_CN,         /* subject and issuer O=Org, Inc. only */
	CERT_TWO_CN,        /* subject CN=outer then CN=inner */
	/* Not certificates: DER of CERT_CLIENT1 but serial 1 ... */
	CERT_TRUNCATED,     /* ... less its last 10 bytes */
	CERT_ONE_BYTE,      /* ... its first byte only */
	CERT_TRAILING_JUNK, /* ... followed by three NUL bytes */
};

static char *cert_blob(enum cert_id id);
static unsigned char *cert_der(enum cert_id id, size_t *len);
static char *cert_pad_blob(size_t i, char *cn, size_t cnsz);

/* The date as every output shows it (codec/utc.h, the one formatter). */
static void assert_time_text(long long epoch, bool with_time, const char *want)
{
	char buf[32];

	memset(buf, 'z', sizeof buf);
	utc_text(epoch, with_time ? UTC_DATE_TIME : UTC_DATE, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void all_fields(void **state)
{
	struct cert_info ci;
	char *blob = cert_blob(CERT_CLIENT1);

	(void)state;
	assert_null(strchr(blob, '\n'));
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.issuer, "CN=Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_string_equal(ci.key_type, "EC P-256");
	assert_int_equal(ci.not_before_epoch, 1704067200LL);
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
	assert_time_text(ci.not_before_epoch, true, "2024-01-01 00:00:00");
	assert_time_text(ci.not_after_epoch, true, "2031-05-06 12:00:00");
	assert_time_text(ci.not_after_epoch, false, "2031-05-06");
	free(blob);
}

static void generalized_and_pre_epoch_times(void **state)
{
	struct cert_info ci;
	char *blob = cert_blob(CERT_2051);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_time_text(ci.not_after_epoch, false, "2051-01-01");
	assert_int_equal(ci.not_after_epoch, 2556144000LL);
	free(blob);

	blob = cert_blob(CERT_PRE_EPOCH);
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_time_text(ci.not_after_epoch, true, "1969-12-31 23:59:59");
	assert_int_equal(ci.not_after_epoch, -1LL);
	free(blob);
}

/*
 * The one rule for "can a login use it": not when the server will refuse it (expired, not yet
 * valid); an unreadable certificate (NULL) is given the benefit of the doubt.
 */
static void usable(void **state)
{
	struct cert_info ci;

	(void)state;
	memset(&ci, 0, sizeof ci);
	ci.not_before_epoch = 1000;
	ci.not_after_epoch = 1000 + 60 * 86400LL;
	assert_false(cert_info_in_date(&ci, 999));
	assert_true(cert_info_in_date(&ci, 1000));
	assert_true(cert_info_in_date(&ci, ci.not_after_epoch - 1)); /* expires soon: still usable */
	assert_true(cert_info_in_date(&ci, ci.not_after_epoch));
	assert_false(cert_info_in_date(&ci, ci.not_after_epoch + 1));
	assert_true(cert_info_in_date(NULL, 0));
}

static void validity(void **state)
{
	struct cert_info ci;

	(void)state;
	memset(&ci, 0, sizeof ci);
	ci.not_before_epoch = 1000;
	ci.not_after_epoch = 1000 + 60 * 86400LL;
	assert_int_equal(cert_info_validity(&ci, 999), CERT_NOT_YET_VALID);
	assert_int_equal(cert_info_validity(&ci, 1000), CERT_VALID);
	assert_int_equal(cert_info_validity(&ci, ci.not_after_epoch - CERT_SOON_SECONDS),
	                 CERT_VALID);
	assert_int_equal(cert_info_validity(&ci, ci.not_after_epoch - CERT_SOON_SECONDS + 1),
	                 CERT_EXPIRES_SOON);
	assert_int_equal(cert_info_validity(&ci, ci.not_after_epoch), CERT_EXPIRES_SOON);
	assert_int_equal(cert_info_validity(&ci, ci.not_after_epoch + 1), CERT_EXPIRED);
}

static void negative_serial(void **state)
{
	struct cert_info ci;
	char *blob = cert_blob(CERT_NEG_SERIAL);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.serial_hex, "-1234");
	free(blob);
}

/* Every base64 padding: DER length mod 3 is 0 for none, 1 for "==", 2 for "=". */
static void every_padding_length(void **state)
{
	bool seen[3] = { false, false, false };
	char cn[64];
	char *blob;

	(void)state;
	for (size_t i = 0; !(seen[0] && seen[1] && seen[2]) && (blob = cert_pad_blob(i, cn, sizeof cn)) != NULL;
	     i++) {
		struct cert_info ci;
		size_t len = strlen(blob);
		size_t pad;

		assert_true(len > 0 && len % 4 == 0);
		pad = blob[len - 1] == '=' ? (blob[len - 2] == '=' ? 2 : 1) : 0;
		seen[(3 - pad) % 3] = true;
		assert_int_equal(cert_info_from_base64(blob, &ci), 0);
		assert_string_equal(ci.subject_cn, cn);
		free(blob);
	}
	assert_true(seen[0] && seen[1] && seen[2]);
}

static void assert_rejected(const char *blob)
{
	struct cert_info ci;

	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_base64(blob, &ci), -1);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.subject, "");
	assert_string_equal(ci.issuer_cn, "");
	assert_string_equal(ci.issuer, "");
	assert_string_equal(ci.serial_hex, "");
	assert_string_equal(ci.key_type, "");
	assert_int_equal(ci.not_before_epoch, 0);
	assert_int_equal(ci.not_after_epoch, 0);
}

static void bad_base64(void **state)
{
	char *good = cert_blob(CERT_CLIENT1);
	size_t len = strlen(good);
	char *bad = malloc(len + 3);

	(void)state;
	assert_non_null(bad);
	assert_rejected("");
	assert_rejected(NULL);
	assert_rejected("!!!!");
	assert_rejected("MII");       /* not a multiple of 4 */
	assert_rejected("A=B=");      /* padding in the middle */
	assert_rejected("A===");
	assert_rejected("====");
	assert_rejected("aGVsbG8=");  /* fine base64, not DER */

	memcpy(bad, good, len + 1);
	bad[len / 2] = '*';
	assert_rejected(bad);

	/* EVP_DecodeBlock or CryptStringToBinaryA alone would take these. */
	snprintf(bad, len + 3, " %s", good);
	assert_rejected(bad);
	snprintf(bad, len + 3, "%s\n", good);
	assert_rejected(bad);
	snprintf(bad, len + 3, "%s\r\n", good);
	assert_rejected(bad);

	assert_int_equal(cert_info_from_base64(good, NULL), -1);
	free(bad);
	free(good);
}

static void bad_der(void **state)
{
	static const enum cert_id bad[] = { CERT_TRUNCATED, CERT_ONE_BYTE, CERT_TRAILING_JUNK };

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *blob = cert_blob(bad[i]);

		assert_rejected(blob);
		free(blob);
	}
}

/* cert_info_from_der: the failure contract, with garbage in *out beforehand. */
static void assert_der_rejected(const unsigned char *der, size_t len)
{
	struct cert_info ci;

	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_der(der, len, &ci), -1);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.subject, "");
	assert_string_equal(ci.issuer_cn, "");
	assert_string_equal(ci.issuer, "");
	assert_string_equal(ci.serial_hex, "");
	assert_string_equal(ci.key_type, "");
	assert_int_equal(ci.not_before_epoch, 0);
	assert_int_equal(ci.not_after_epoch, 0);
}

/* The DER entry point gives what the BLOB path gives and applies the same framing rules. */
static void from_der(void **state)
{
	size_t len;
	unsigned char *der = cert_der(CERT_CLIENT1, &len);
	char *blob = cert_blob(CERT_CLIENT1);
	struct cert_info ci, via_b64;

	(void)state;
	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_der(der, len, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
	assert_int_equal(cert_info_from_base64(blob, &via_b64), 0);
	/* The two may be signed anew (ECDSA signatures differ): all but the fingerprint agree. */
	memset(ci.sha256, 0, sizeof ci.sha256);
	memset(via_b64.sha256, 0, sizeof via_b64.sha256);
	assert_memory_equal(&ci, &via_b64, sizeof ci);

	assert_der_rejected(der, len - 1);   /* truncated */
	assert_der_rejected(der, len - 10);
	assert_der_rejected(der, 1);
	der[len] = 0;                        /* a valid certificate, then one junk byte */
	assert_der_rejected(der, len + 1);
	assert_der_rejected(der, 0);
	assert_der_rejected(NULL, len);
	assert_int_equal(cert_info_from_der(der, len, NULL), -1);
	free(blob);
	free(der);
}

static void hostile_names_are_sanitized(void **state)
{
	struct cert_info ci;
	char sum[256];
	char *blob = cert_blob(CERT_ESC_C1);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	cert_info_summary(&ci, sum, sizeof sum);
	assert_null(strchr(sum, 0x1b));
	assert_null(strstr(sum, "\xc2\x9b"));
	assert_string_equal(sum, "evil?[31mred (issuer c1?2J, expires 2031-05-06)");
	assert_null(strchr(ci.subject, 0x1b));
	assert_string_equal(ci.subject, "CN=evil\\1B[31mred"); /* as OpenSSL's RFC 2253 printer */
	assert_string_equal(ci.issuer, "CN=c1?2J");             /* the same rules as the subject */

	blob = cert_blob(CERT_BIDI_NUL);
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "abc?fdp.exe");
	assert_string_equal(ci.issuer_cn, "good?evil");

	/* A struct filled by hand is cleaned on the way out too. */
	memset(&ci, 0, sizeof ci);
	strcpy(ci.subject_cn, "x\x1b]0;pwned\x07y");
	ci.not_after_epoch = 1935835200LL;
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "x?]0;pwned?y (expires 2031-05-06)");
}

static void unicode_names_survive(void **state)
{
	static const char muller[] = "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91"; /* Müller € 🔑 */
	struct cert_info ci;
	char *blob = cert_blob(CERT_UNICODE);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, muller);
	assert_string_equal(ci.subject, "CN=M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91");
	assert_string_equal(ci.issuer_cn, "bm\xc3\xbc");
	/* Issuer and subject alike: UTF-8 as it is (not OpenSSL's "\C3\BC"). */
	assert_string_equal(ci.issuer, "CN=bm\xc3\xbc");
}

static void summary_format(void **state)
{
	struct cert_info ci;
	char sum[128];
	char *blob = cert_blob(CERT_CLIENT1);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "client1 (issuer Test CA, expires 2031-05-06)");

	cert_info_summary(&ci, sum, 8);
	assert_string_equal(sum, "client1");
	memset(sum, 'z', sizeof sum);
	cert_info_summary(&ci, sum, 0);
	assert_int_equal(sum[0], 'z');
	cert_info_summary(NULL, sum, sizeof sum);
	assert_string_equal(sum, "");

	blob = cert_blob(CERT_NO_CN);
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.issuer_cn, "");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "O=Org\\, Inc. (expires 2031-05-06)");

	blob = cert_blob(CERT_TWO_CN);
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "inner");
	assert_string_equal(ci.subject, "CN=inner,CN=outer");
}

/* A cut must not leave half a UTF-8 character for the terminal to choke on. */
static void summary_cuts_on_character_boundary(void **state)
{
	struct cert_info ci;
	char sum[4];

	(void)state;
	memset(&ci, 0, sizeof ci);
	strcpy(ci.subject_cn, "a\xe2\x82\xac");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "a");
}

static void matching(void **state)
{
	static const char id[] = "pkcs11:model=PKCS%2315;serial=ABC123DEF;id=%01";
	struct cert_info ci;
	char *blob = cert_blob(CERT_CLIENT1);

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_true(cert_info_matches(&ci, id, "CLIENT1"));
	assert_true(cert_info_matches(&ci, id, "Client"));
	assert_true(cert_info_matches(&ci, id, "abc123def"));
	assert_true(cert_info_matches(&ci, id, "example ORG"));
	assert_true(cert_info_matches(&ci, id, "o=example"));
	assert_true(cert_info_matches(&ci, id, ""));
	assert_true(cert_info_matches(&ci, id, NULL));
	assert_false(cert_info_matches(&ci, id, "client2"));
	assert_false(cert_info_matches(&ci, id, "test ca")); /* the issuer is not the user's name */
	assert_false(cert_info_matches(&ci, id, "client1 and more text than any field holds"));
	assert_true(cert_info_matches(NULL, id, "SERIAL=abc"));
	assert_false(cert_info_matches(NULL, id, "client1"));
	assert_true(cert_info_matches(&ci, NULL, "client1"));
	assert_false(cert_info_matches(&ci, NULL, "abc123"));
}

static int run_cert_info_cases(CMFixtureFunction setup, CMFixtureFunction teardown)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_fields),
		cmocka_unit_test(generalized_and_pre_epoch_times),
		cmocka_unit_test(validity),
		cmocka_unit_test(usable),
		cmocka_unit_test(negative_serial),
		cmocka_unit_test(every_padding_length),
		cmocka_unit_test(bad_base64),
		cmocka_unit_test(bad_der),
		cmocka_unit_test(from_der),
		cmocka_unit_test(hostile_names_are_sanitized),
		cmocka_unit_test(unicode_names_survive),
		cmocka_unit_test(summary_format),
		cmocka_unit_test(summary_cuts_on_character_boundary),
		cmocka_unit_test(matching),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

#endif
