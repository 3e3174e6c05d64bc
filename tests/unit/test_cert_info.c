/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cert_info with the OpenSSL backend: the cases are in cert_info_cases.h (shared with the
 * CryptoAPI test under wine); the certificates they ask for are made here with OpenSSL, so no
 * fixture file can go stale.
 */
#include <ctype.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert_info_cases.h"

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
static char *b64(const unsigned char *der, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1);

	assert_non_null(out);
	EVP_EncodeBlock((unsigned char *)out, der, (int)len);
	return out;
}

static const struct name_part ca_name[] = { UTF8(NID_commonName, "Test CA"), END };
static const struct name_part client1[] = {
	UTF8(NID_countryName, "DE"),
	UTF8(NID_organizationName, "Example Org"),
	UTF8(NID_commonName, "client1"),
	END,
};

/* The certificates of enum cert_id, as cert_info_cases.h describes them. */
static unsigned char *cert_der(enum cert_id id, size_t *len)
{
	/* Stored with V_ASN1_UTF8STRING so OpenSSL keeps the bytes exactly as written. */
	static const char esc[] = "evil\x1b[31mred";
	static const char c1[] = "c1\xc2\x9b" "2J";           /* U+009B, CSI in 8-bit terminals */
	static const char bidi[] = "abc\xe2\x80\xae" "fdp.exe"; /* U+202E RIGHT-TO-LEFT OVERRIDE */
	static const char nul[] = "good\0evil";
	static const char muller[] = "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91"; /* Müller € 🔑 */
	static const unsigned char bmp[] = { 0x00, 'b', 0x00, 'm', 0x00, 0xfc };  /* BMPString "bmü" */
	static const struct name_part esc_cn[] = { { NID_commonName, V_ASN1_UTF8STRING, esc, -1 }, END };
	static const struct name_part c1_cn[] = { { NID_commonName, V_ASN1_UTF8STRING, c1, -1 }, END };
	static const struct name_part bidi_cn[] = { { NID_commonName, V_ASN1_UTF8STRING, bidi, -1 }, END };
	static const struct name_part nul_cn[] = {
		{ NID_commonName, V_ASN1_UTF8STRING, nul, (int)sizeof nul - 1 }, END
	};
	static const struct name_part muller_cn[] = { UTF8(NID_commonName, muller), END };
	static const struct name_part bmp_cn[] = {
		{ NID_commonName, V_ASN1_BMPSTRING, (const char *)bmp, (int)sizeof bmp }, END
	};
	static const struct name_part no_cn[] = { UTF8(NID_organizationName, "Org, Inc."), END };
	static const struct name_part two_cn[] = {
		UTF8(NID_commonName, "outer"), UTF8(NID_commonName, "inner"), END
	};
	const struct name_part *subject = client1, *issuer = ca_name;
	long serial = 1;
	const char *not_after = "20310506120000Z";
	unsigned char *der, *out;
	int n;

	switch (id) {
	case CERT_CLIENT1: serial = 0x0102A0FF; break;
	case CERT_2051: not_after = "20510101000000Z"; break;
	case CERT_PRE_EPOCH: not_after = "19691231235959Z"; break;
	case CERT_NEG_SERIAL: serial = -0x1234; break;
	case CERT_ESC_C1: subject = esc_cn; issuer = c1_cn; break;
	case CERT_BIDI_NUL: subject = bidi_cn; issuer = nul_cn; break;
	case CERT_UNICODE: subject = muller_cn; issuer = bmp_cn; break;
	case CERT_NO_CN: subject = no_cn; issuer = no_cn; break;
	case CERT_TWO_CN: subject = two_cn; break;
	case CERT_TRUNCATED: case CERT_ONE_BYTE: case CERT_TRAILING_JUNK: break;
	}
	der = make_der(subject, issuer, serial, not_after, &n);
	*len = (size_t)n;
	if (id == CERT_TRUNCATED)
		*len -= 10;
	else if (id == CERT_ONE_BYTE)
		*len = 1;
	else if (id == CERT_TRAILING_JUNK)
		*len += 3;
	out = malloc(*len + 1);
	assert_non_null(out);
	memcpy(out, der, *len <= (size_t)n ? *len : (size_t)n);
	if (*len > (size_t)n)
		memset(out + n, 0, *len - (size_t)n); /* a valid certificate, then junk */
	OPENSSL_free(der);
	return out;
}

static char *cert_blob(enum cert_id id)
{
	size_t len;
	unsigned char *der = cert_der(id, &len);
	char *blob = b64(der, len);

	free(der);
	return blob;
}

/*
 * Growing the CN one byte at a time walks the DER length through the residues mod 3 (ECDSA
 * signatures vary in length too, hence a series rather than three fixed names).
 */
static char *cert_pad_blob(size_t i, char *cn, size_t cnsz)
{
	char name[33];
	struct name_part subj[] = { UTF8(NID_commonName, name), END };
	int len;
	unsigned char *der;
	char *blob;

	if (i >= sizeof name - 1 || i >= cnsz - 1)
		return NULL;
	for (size_t k = 0; k <= i; k++)
		name[k] = (char)('a' + k % 26);
	name[i + 1] = '\0';
	der = make_der(subj, ca_name, 7, "20310506120000Z", &len);
	blob = b64(der, (size_t)len);
	OPENSSL_free(der);
	memcpy(cn, name, i + 2);
	return blob;
}

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

/* client1's DER with extensions added (config lines of X509V3_EXT_conf_nid style). */
static unsigned char *der_with(const char *const *exts, int *derlen)
{
	X509 *x = X509_new();
	X509_NAME *sn = make_name(client1), *in = make_name(ca_name);
	unsigned char *der = NULL;
	X509V3_CTX ctx;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(X509_set_subject_name(x, sn), 1);
	assert_int_equal(X509_set_issuer_name(x, in), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	assert_int_equal(X509_set_pubkey(x, test_key), 1);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	for (; *exts != NULL; exts += 2) {
		X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[0], exts[1]);

		assert_non_null(e);
		assert_int_equal(X509_add_ext(x, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, test_key, EVP_sha256()) > 0);
	*derlen = i2d_X509(x, &der);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	X509_free(x);
	return der;
}

static enum cert_purpose purpose_of(const char *const *exts, struct cert_info *ci)
{
	int len;
	unsigned char *der = der_with(exts, &len);

	assert_int_equal(cert_info_from_der(der, (size_t)len, ci), 0);
	OPENSSL_free(der);
	return cert_info_purpose(ci);
}

/* Which certificates are for logging in (OpenSSL backend: the CryptoAPI's is under wine). */
static void purposes(void **state)
{
	static const char *const none[] = {NULL};
	static const char *const client[] = {"extendedKeyUsage", "clientAuth", NULL};
	static const char *const any[] = {"extendedKeyUsage", "anyExtendedKeyUsage", NULL};
	static const char *const server[] = {"extendedKeyUsage", "serverAuth", NULL};
	static const char *const ca[] = {"basicConstraints", "critical,CA:TRUE", NULL};
	static const char *const yubikey[] = {"1.3.6.1.4.1.41482.3.3", "ASN1:OCTETSTRING:050203", NULL};
	struct cert_info ci;

	(void)state;
	assert_int_equal(purpose_of(none, &ci), CERT_FOR_LOGIN);
	assert_int_equal(strlen(ci.sha256), 64);
	assert_int_equal(purpose_of(client, &ci), CERT_FOR_LOGIN);
	assert_int_equal(purpose_of(any, &ci), CERT_FOR_LOGIN);
	assert_int_equal(purpose_of(server, &ci), CERT_NOT_FOR_CLIENTS);
	assert_int_equal(purpose_of(ca, &ci), CERT_AN_ISSUER);
	assert_int_equal(purpose_of(yubikey, &ci), CERT_AN_ATTESTATION);
	assert_non_null(cert_purpose_text(CERT_AN_ISSUER));
	assert_null(cert_purpose_text(CERT_FOR_LOGIN));
	/* --cert sha256:...: the start of the fingerprint, any case, colons allowed. */
	purpose_of(none, &ci);
	{
		char want[80];

		snprintf(want, sizeof want, "sha256:%.2s:%.2s:%.2s:%.2s", ci.sha256, ci.sha256 + 2,
		         ci.sha256 + 4, ci.sha256 + 6);
		want[17] = (char)toupper((unsigned char)want[17]);
		assert_true(cert_info_matches(&ci, NULL, want));
		assert_false(cert_info_matches(&ci, NULL, "sha256:0000000")); /* too short */
		want[7] = want[7] == '0' ? '1' : '0';
		assert_false(cert_info_matches(&ci, NULL, want));
	}
}

int main(void)
{
	const struct CMUnitTest own[] = {
		cmocka_unit_test(purposes),
	};

	if (run_cert_info_cases(setup, teardown) != 0)
		return 1;
	return cmocka_run_group_tests(own, setup, teardown);
}
