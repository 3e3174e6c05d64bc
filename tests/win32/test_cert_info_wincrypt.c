/*
 * cert_info_wincrypt.c under wine: the cases of tests/unit/test_cert_info.c, with the same
 * certificates (made by OpenSSL on the build machine, see gen_cert_fixtures.c), must give
 * exactly the fields and summaries the OpenSSL implementation gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <windows.h>
#include <wincrypt.h>

#include "pkcs11/cert_info.h"
#include "cert_fixtures.h"

static void all_fields(void **state)
{
	struct cert_info ci;

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_CLIENT1, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_string_equal(ci.not_after, "2031-05-06");
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
}

static void generalized_and_pre_epoch_times(void **state)
{
	struct cert_info ci;

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_2051, &ci), 0);
	assert_string_equal(ci.not_after, "2051-01-01");
	assert_int_equal(ci.not_after_epoch, 2556144000LL);
	assert_int_equal(cert_info_from_base64(FIX_PRE_EPOCH, &ci), 0);
	assert_string_equal(ci.not_after, "1969-12-31");
	assert_int_equal(ci.not_after_epoch, -1LL);
}

static void negative_serial(void **state)
{
	struct cert_info ci;

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_NEG_SERIAL, &ci), 0);
	assert_string_equal(ci.serial_hex, "-1234");
}

static void every_padding_length(void **state)
{
	static const char *const blobs[] = {FIX_PAD0, FIX_PAD1, FIX_PAD2};
	static const char *const cns[] = {FIX_PAD0_CN, FIX_PAD1_CN, FIX_PAD2_CN};
	struct cert_info ci;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cert_info_from_base64(blobs[i], &ci), 0);
		assert_string_equal(ci.subject_cn, cns[i]);
	}
}

static void assert_rejected(const char *blob)
{
	struct cert_info ci;

	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_base64(blob, &ci), -1);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.subject, "");
	assert_string_equal(ci.issuer_cn, "");
	assert_string_equal(ci.serial_hex, "");
	assert_string_equal(ci.not_after, "");
	assert_int_equal(ci.not_after_epoch, 0);
}

static void bad_base64(void **state)
{
	const char *good = FIX_CLIENT1;
	size_t len = strlen(good);
	char *bad = malloc(len + 3);

	(void)state;
	assert_non_null(bad);
	assert_rejected("");
	assert_rejected(NULL);
	assert_rejected("!!!!");
	assert_rejected("MII");
	assert_rejected("A=B=");
	assert_rejected("A===");
	assert_rejected("====");
	assert_rejected("aGVsbG8=");
	memcpy(bad, good, len + 1);
	bad[len / 2] = '*';
	assert_rejected(bad);
	snprintf(bad, len + 3, " %s", good); /* CryptStringToBinaryA alone would take this */
	assert_rejected(bad);
	snprintf(bad, len + 3, "%s\n", good);
	assert_rejected(bad);
	snprintf(bad, len + 3, "%s\r\n", good);
	assert_rejected(bad);
	assert_int_equal(cert_info_from_base64(good, NULL), -1);
	free(bad);
}

static void bad_der(void **state)
{
	(void)state;
	assert_rejected(FIX_TRUNCATED);
	assert_rejected(FIX_ONE_BYTE);
	assert_rejected(FIX_TRAILING_JUNK);
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
	assert_string_equal(ci.serial_hex, "");
	assert_string_equal(ci.not_after, "");
	assert_int_equal(ci.not_after_epoch, 0);
}

/*
 * The fixtures are BLOBs; crypt32 turns one back into DER here, so this test does not lean on
 * the base64 decoder it is checking against.  One spare byte is left for the trailing junk.
 */
static unsigned char *fixture_der(const char *blob, size_t *len)
{
	DWORD n = 0;
	unsigned char *der;

	assert_true(CryptStringToBinaryA(blob, 0, CRYPT_STRING_BASE64, NULL, &n, NULL, NULL));
	der = malloc((size_t)n + 1);
	assert_non_null(der);
	assert_true(CryptStringToBinaryA(blob, 0, CRYPT_STRING_BASE64, der, &n, NULL, NULL));
	*len = n;
	return der;
}

/* The DER entry point gives what the BLOB path gives and applies the same framing rules. */
static void from_der(void **state)
{
	size_t len;
	unsigned char *der = fixture_der(FIX_CLIENT1, &len);
	struct cert_info ci, via_b64;

	(void)state;
	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_der(der, len, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_string_equal(ci.not_after, "2031-05-06");
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
	assert_int_equal(cert_info_from_base64(FIX_CLIENT1, &via_b64), 0);
	assert_memory_equal(&ci, &via_b64, sizeof ci);

	assert_der_rejected(der, len - 1);   /* truncated */
	assert_der_rejected(der, len - 10);
	assert_der_rejected(der, 1);
	der[len] = 0;                        /* a valid certificate, then one junk byte */
	assert_der_rejected(der, len + 1);
	assert_der_rejected(der, 0);
	assert_der_rejected(NULL, len);
	assert_int_equal(cert_info_from_der(der, len, NULL), -1);
	free(der);
}

static void hostile_names_are_sanitized(void **state)
{
	struct cert_info ci;
	char sum[256];

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_ESC_C1, &ci), 0);
	cert_info_summary(&ci, sum, sizeof sum);
	assert_null(strchr(sum, 0x1b));
	assert_null(strstr(sum, "\xc2\x9b"));
	assert_string_equal(sum, "evil?[31mred (issuer c1?2J, expires 2031-05-06)");
	assert_null(strchr(ci.subject, 0x1b));
	assert_string_equal(ci.subject, "CN=evil\\1B[31mred"); /* as OpenSSL's RFC 2253 printer */

	assert_int_equal(cert_info_from_base64(FIX_BIDI_NUL, &ci), 0);
	assert_string_equal(ci.subject_cn, "abc?fdp.exe");
	assert_string_equal(ci.issuer_cn, "good?evil");

	memset(&ci, 0, sizeof ci);
	strcpy(ci.subject_cn, "x\x1b]0;pwned\x07y");
	strcpy(ci.not_after, "2031-05-06");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "x?]0;pwned?y (expires 2031-05-06)");
}

static void unicode_names_survive(void **state)
{
	static const char muller[] = "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91";
	struct cert_info ci;

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_UNICODE, &ci), 0);
	assert_string_equal(ci.subject_cn, muller);
	assert_string_equal(ci.subject, "CN=M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91");
	assert_string_equal(ci.issuer_cn, "bm\xc3\xbc");
}

static void summary_format(void **state)
{
	struct cert_info ci;
	char sum[128];

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_CLIENT1, &ci), 0);
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "client1 (issuer Test CA, expires 2031-05-06)");
	cert_info_summary(&ci, sum, 8);
	assert_string_equal(sum, "client1");
	memset(sum, 'z', sizeof sum);
	cert_info_summary(&ci, sum, 0);
	assert_int_equal(sum[0], 'z');
	cert_info_summary(NULL, sum, sizeof sum);
	assert_string_equal(sum, "");

	assert_int_equal(cert_info_from_base64(FIX_NO_CN, &ci), 0);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.issuer_cn, "");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "O=Org\\, Inc. (expires 2031-05-06)");

	assert_int_equal(cert_info_from_base64(FIX_TWO_CN, &ci), 0);
	assert_string_equal(ci.subject_cn, "inner");
	assert_string_equal(ci.subject, "CN=inner,CN=outer");
}

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

	(void)state;
	assert_int_equal(cert_info_from_base64(FIX_CLIENT1, &ci), 0);
	assert_true(cert_info_matches(&ci, id, "CLIENT1"));
	assert_true(cert_info_matches(&ci, id, "abc123def"));
	assert_true(cert_info_matches(&ci, id, "o=example"));
	assert_true(cert_info_matches(&ci, id, NULL));
	assert_false(cert_info_matches(&ci, id, "test ca"));
	assert_true(cert_info_matches(NULL, id, "SERIAL=abc"));
	assert_false(cert_info_matches(&ci, NULL, "abc123"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_fields),
		cmocka_unit_test(generalized_and_pre_epoch_times),
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

	return cmocka_run_group_tests(tests, NULL, NULL);
}
