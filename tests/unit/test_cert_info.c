/* cert_info: certificates are made here with OpenSSL so no fixture file can go stale. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pkcs11/cert_info.h"

/* One key for every test: P-256 keygen is cheap but there is no reason to repeat it. */
static EVP_PKEY *test_key;

struct name_part {
	int nid;
	int type; /* V_ASN1_* to store bytes as they are, or MBSTRING_UTF8 */
	const char *bytes;
	int len;  /* -1: strlen */
};

#define UTF8(nid, s) { nid, MBSTRING_UTF8, s, -1 }
#define END { 0, 0, NULL, 0 }

static X509_NAME *make_name(const struct name_part *parts)
{
	X509_NAME *name = X509_NAME_new();

	assert_non_null(name);
	for (; parts->bytes; parts++) {
		int len = parts->len < 0 ? (int)strlen(parts->bytes) : parts->len;
		X509_NAME_ENTRY *e = X509_NAME_ENTRY_create_by_NID(NULL, parts->nid, parts->type,
		                                                   (const unsigned char *)parts->bytes, len);
		assert_non_null(e);
		assert_int_equal(X509_NAME_add_entry(name, e, -1, 0), 1);
		X509_NAME_ENTRY_free(e);
	}
	return name;
}

/* DER of a signed certificate; *derlen gets its length.  Caller frees with OPENSSL_free. */
static unsigned char *make_der(const struct name_part *subject, const struct name_part *issuer,
                               long serial, const char *not_after, int *derlen)
{
	X509 *x = X509_new();
	X509_NAME *sn = make_name(subject), *in = make_name(issuer);
	ASN1_TIME *nb = ASN1_TIME_new(), *na = ASN1_TIME_new();
	unsigned char *der = NULL;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_int_equal(X509_set_subject_name(x, sn), 1);
	assert_int_equal(X509_set_issuer_name(x, in), 1);
	assert_int_equal(ASN1_TIME_set_string_X509(nb, "20240101000000Z"), 1);
	assert_int_equal(ASN1_TIME_set_string_X509(na, not_after), 1);
	assert_int_equal(X509_set1_notBefore(x, nb), 1);
	assert_int_equal(X509_set1_notAfter(x, na), 1);
	assert_int_equal(X509_set_pubkey(x, test_key), 1);
	assert_true(X509_sign(x, test_key, EVP_sha256()) > 0);
	*derlen = i2d_X509(x, &der);
	assert_true(*derlen > 0);
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	X509_free(x);
	return der;
}

/* Same one-line form OpenVPN uses: EVP_EncodeBlock never inserts newlines. */
static char *b64(const unsigned char *der, int len)
{
	char *out = malloc((size_t)(len + 2) / 3 * 4 + 1);

	assert_non_null(out);
	EVP_EncodeBlock((unsigned char *)out, der, len);
	return out;
}

static char *make_blob(const struct name_part *subject, const struct name_part *issuer,
                       long serial, const char *not_after)
{
	int len;
	unsigned char *der = make_der(subject, issuer, serial, not_after, &len);
	char *blob = b64(der, len);

	OPENSSL_free(der);
	return blob;
}

static const struct name_part ca_name[] = { UTF8(NID_commonName, "Test CA"), END };
static const struct name_part client1[] = {
	UTF8(NID_countryName, "DE"),
	UTF8(NID_organizationName, "Example Org"),
	UTF8(NID_commonName, "client1"),
	END,
};

static int setup(void **state)
{
	(void)state;
	test_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	return test_key ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(test_key);
	return 0;
}

static void all_fields(void **state)
{
	struct cert_info ci;
	char *blob = make_blob(client1, ca_name, 0x0102A0FF, "20310506120000Z");

	(void)state;
	assert_null(strchr(blob, '\n'));
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_string_equal(ci.not_after, "2031-05-06");
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
	free(blob);
}

static void generalized_and_pre_epoch_times(void **state)
{
	struct cert_info ci;
	char *blob = make_blob(client1, ca_name, 1, "20510101000000Z"); /* GeneralizedTime */

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.not_after, "2051-01-01");
	assert_int_equal(ci.not_after_epoch, 2556144000LL);
	free(blob);

	blob = make_blob(client1, ca_name, 1, "19691231235959Z");
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.not_after, "1969-12-31");
	assert_int_equal(ci.not_after_epoch, -1LL);
	free(blob);
}

static void negative_serial(void **state)
{
	struct cert_info ci;
	char *blob = make_blob(client1, ca_name, -0x1234, "20310506120000Z");

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	assert_string_equal(ci.serial_hex, "-1234");
	free(blob);
}

/*
 * Growing the CN one byte at a time walks the DER length through the residues mod 3 (ECDSA
 * signatures vary in length too, hence a loop rather than three fixed names).
 */
static void every_padding_length(void **state)
{
	char cn[33] = "";
	bool seen[3] = { false, false, false };

	(void)state;
	for (size_t i = 0; i < sizeof cn - 1 && !(seen[0] && seen[1] && seen[2]); i++) {
		struct name_part subj[] = { UTF8(NID_commonName, cn), END };
		struct cert_info ci;
		int len;
		unsigned char *der;
		char *blob;

		cn[i] = (char)('a' + i % 26);
		der = make_der(subj, ca_name, 7, "20310506120000Z", &len);
		blob = b64(der, len);
		seen[len % 3] = true;
		assert_int_equal(cert_info_from_base64(blob, &ci), 0);
		assert_string_equal(ci.subject_cn, cn);
		free(blob);
		OPENSSL_free(der);
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
	assert_string_equal(ci.serial_hex, "");
	assert_string_equal(ci.not_after, "");
	assert_int_equal(ci.not_after_epoch, 0);
}

static void bad_base64(void **state)
{
	char *good = make_blob(client1, ca_name, 1, "20310506120000Z");
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

	snprintf(bad, len + 3, " %s", good); /* EVP_DecodeBlock alone would take this */
	assert_rejected(bad);
	snprintf(bad, len + 3, "%s\n", good);
	assert_rejected(bad);

	assert_rejected(NULL);
	assert_int_equal(cert_info_from_base64(good, NULL), -1);
	free(bad);
	free(good);
}

static void bad_der(void **state)
{
	int len;
	unsigned char *der = make_der(client1, ca_name, 1, "20310506120000Z", &len);
	unsigned char *longer = malloc((size_t)len + 3);
	char *blob;

	(void)state;
	blob = b64(der, len - 10);          /* truncated */
	assert_rejected(blob);
	free(blob);
	blob = b64(der, 1);
	assert_rejected(blob);
	free(blob);

	assert_non_null(longer);
	memcpy(longer, der, (size_t)len);
	memcpy(longer + len, "\0\0\0", 3);  /* a valid certificate, then junk */
	blob = b64(longer, len + 3);
	assert_rejected(blob);
	free(blob);
	free(longer);
	OPENSSL_free(der);
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

/* The DER entry point gives what the BLOB path gives and applies the same framing rules. */
static void from_der(void **state)
{
	int len;
	unsigned char *der = make_der(client1, ca_name, 0x0102A0FF, "20310506120000Z", &len);
	unsigned char *longer = malloc((size_t)len + 1);
	char *blob = b64(der, len);
	struct cert_info ci, via_b64;

	(void)state;
	memset(&ci, 'x', sizeof ci);
	assert_int_equal(cert_info_from_der(der, (size_t)len, &ci), 0);
	assert_string_equal(ci.subject_cn, "client1");
	assert_string_equal(ci.subject, "CN=client1,O=Example Org,C=DE");
	assert_string_equal(ci.issuer_cn, "Test CA");
	assert_string_equal(ci.serial_hex, "0102A0FF");
	assert_string_equal(ci.not_after, "2031-05-06");
	assert_int_equal(ci.not_after_epoch, 1935835200LL);
	assert_int_equal(cert_info_from_base64(blob, &via_b64), 0);
	assert_memory_equal(&ci, &via_b64, sizeof ci);

	assert_der_rejected(der, (size_t)len - 1);   /* truncated */
	assert_der_rejected(der, (size_t)len - 10);
	assert_der_rejected(der, 1);
	assert_non_null(longer);
	memcpy(longer, der, (size_t)len);
	longer[len] = 0;                             /* a valid certificate, then one junk byte */
	assert_der_rejected(longer, (size_t)len + 1);
	assert_der_rejected(der, 0);
	assert_der_rejected(NULL, (size_t)len);
	assert_int_equal(cert_info_from_der(der, (size_t)len, NULL), -1);
	free(longer);
	free(blob);
	OPENSSL_free(der);
}

static void hostile_names_are_sanitized(void **state)
{
	/* Stored with V_ASN1_UTF8STRING so OpenSSL keeps the bytes exactly as written. */
	static const char esc[] = "evil\x1b[31mred";
	static const char c1[] = "c1\xc2\x9b" "2J";           /* U+009B, CSI in 8-bit terminals */
	static const char bidi[] = "abc\xe2\x80\xae" "fdp.exe"; /* U+202E RIGHT-TO-LEFT OVERRIDE */
	static const char nul[] = "good\0evil";
	struct name_part subj[] = { { NID_commonName, V_ASN1_UTF8STRING, esc, -1 }, END };
	struct name_part iss[] = { { NID_commonName, V_ASN1_UTF8STRING, c1, -1 }, END };
	struct cert_info ci;
	char sum[256];
	char *blob = make_blob(subj, iss, 1, "20310506120000Z");

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	cert_info_summary(&ci, sum, sizeof sum);
	assert_null(strchr(sum, 0x1b));
	assert_null(strstr(sum, "\xc2\x9b"));
	assert_string_equal(sum, "evil?[31mred (issuer c1?2J, expires 2031-05-06)");
	assert_null(strchr(ci.subject, 0x1b));

	subj[0].bytes = bidi;
	iss[0].bytes = nul;
	iss[0].len = (int)sizeof nul - 1;
	blob = make_blob(subj, iss, 1, "20310506120000Z");
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "abc?fdp.exe");
	assert_string_equal(ci.issuer_cn, "good?evil");

	/* A struct filled by hand is cleaned on the way out too. */
	memset(&ci, 0, sizeof ci);
	strcpy(ci.subject_cn, "x\x1b]0;pwned\x07y");
	strcpy(ci.not_after, "2031-05-06");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "x?]0;pwned?y (expires 2031-05-06)");
}

static void unicode_names_survive(void **state)
{
	static const char muller[] = "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91"; /* Müller € 🔑 */
	static const unsigned char bmp[] = { 0x00, 'b', 0x00, 'm', 0x00, 0xfc };  /* BMPString "bmü" */
	struct name_part subj[] = { UTF8(NID_commonName, muller), END };
	struct name_part iss[] = { { NID_commonName, V_ASN1_BMPSTRING, (const char *)bmp, 6 }, END };
	struct cert_info ci;
	char *blob = make_blob(subj, iss, 1, "20310506120000Z");

	(void)state;
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, muller);
	assert_string_equal(ci.subject, "CN=M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91");
	assert_string_equal(ci.issuer_cn, "bm\xc3\xbc");
}

static void summary_format(void **state)
{
	struct name_part no_cn[] = { UTF8(NID_organizationName, "Org, Inc."), END };
	struct name_part two_cn[] = { UTF8(NID_commonName, "outer"), UTF8(NID_commonName, "inner"), END };
	struct cert_info ci;
	char sum[128];
	char *blob = make_blob(client1, ca_name, 1, "20310506120000Z");

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

	blob = make_blob(no_cn, no_cn, 1, "20310506120000Z");
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "");
	assert_string_equal(ci.issuer_cn, "");
	cert_info_summary(&ci, sum, sizeof sum);
	assert_string_equal(sum, "O=Org\\, Inc. (expires 2031-05-06)");

	blob = make_blob(two_cn, ca_name, 1, "20310506120000Z");
	assert_int_equal(cert_info_from_base64(blob, &ci), 0);
	free(blob);
	assert_string_equal(ci.subject_cn, "inner");
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
	char *blob = make_blob(client1, ca_name, 1, "20310506120000Z");

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

	return cmocka_run_group_tests(tests, setup, teardown);
}
