/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes cert_fixtures.h for test_cert_info_wincrypt.c: the certificates described in
 * tests/unit/cert_info_cases.h, made with OpenSSL on the build machine (the Windows test has no
 * OpenSSL) and printed as the one-line base64 BLOBs OpenVPN would send.  Made at test time, so
 * nothing checked in can go stale.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

static EVP_PKEY *key;

struct part {
	int nid, type;
	const char *bytes;
	int len; /* -1: strlen */
};

static void die(const char *what)
{
	fprintf(stderr, "gen_cert_fixtures: %s failed\n", what);
	exit(1);
}

static X509_NAME *make_name(const struct part *p)
{
	X509_NAME *name = X509_NAME_new();

	for (; p->bytes != NULL; p++)
		if (!X509_NAME_add_entry_by_NID(name, p->nid, p->type, (const unsigned char *)p->bytes,
		                                p->len, -1, 0))
			die("X509_NAME_add_entry_by_NID");
	return name;
}

static unsigned char *make_der(const struct part *subject, const struct part *issuer, long serial,
                               const char *not_after, int *len)
{
	X509 *x = X509_new();
	X509_NAME *sn = make_name(subject), *in = make_name(issuer);
	ASN1_TIME *nb = ASN1_TIME_new(), *na = ASN1_TIME_new();
	unsigned char *der = NULL;

	if (!X509_set_version(x, X509_VERSION_3) || !ASN1_INTEGER_set(X509_get_serialNumber(x), serial) ||
	    !X509_set_subject_name(x, sn) || !X509_set_issuer_name(x, in) ||
	    !ASN1_TIME_set_string_X509(nb, "20240101000000Z") ||
	    !ASN1_TIME_set_string_X509(na, not_after) || !X509_set1_notBefore(x, nb) ||
	    !X509_set1_notAfter(x, na) || !X509_set_pubkey(x, key) || X509_sign(x, key, EVP_sha256()) <= 0 ||
	    (*len = i2d_X509(x, &der)) <= 0)
		die("making a certificate");
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	X509_free(x);
	return der;
}

static void print_b64(const char *name, const unsigned char *der, int len)
{
	char *out = malloc((size_t)(len + 2) / 3 * 4 + 1);

	EVP_EncodeBlock((unsigned char *)out, der, len);
	printf("#define %s \"%s\"\n", name, out);
	free(out);
}

static void fixture(const char *name, const struct part *s, const struct part *i, long serial,
                    const char *not_after)
{
	int len;
	unsigned char *der = make_der(s, i, serial, not_after, &len);

	print_b64(name, der, len);
	OPENSSL_free(der);
}

#define UTF8(nid, s) {nid, MBSTRING_UTF8, s, -1}
#define RAW(nid, type, s, n) {nid, type, s, n}
#define END {0, 0, NULL, 0}

int main(void)
{
	static const struct part ca[] = {UTF8(NID_commonName, "Test CA"), END};
	static const struct part client1[] = {UTF8(NID_countryName, "DE"),
	                                      UTF8(NID_organizationName, "Example Org"),
	                                      UTF8(NID_commonName, "client1"), END};
	static const char nul[] = "good\0evil";
	static const unsigned char bmp[] = {0x00, 'b', 0x00, 'm', 0x00, 0xfc};
	static const struct part esc[] = {RAW(NID_commonName, V_ASN1_UTF8STRING, "evil\x1b[31mred", -1), END};
	static const struct part c1[] = {RAW(NID_commonName, V_ASN1_UTF8STRING, "c1\xc2\x9b" "2J", -1), END};
	static const struct part bidi[] = {RAW(NID_commonName, V_ASN1_UTF8STRING, "abc\xe2\x80\xae" "fdp.exe", -1), END};
	static const struct part nul_cn[] = {RAW(NID_commonName, V_ASN1_UTF8STRING, nul, (int)sizeof nul - 1), END};
	static const struct part muller[] = {UTF8(NID_commonName, "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x94\x91"), END};
	static const struct part bmp_cn[] = {RAW(NID_commonName, V_ASN1_BMPSTRING, (const char *)bmp, 6), END};
	static const struct part no_cn[] = {UTF8(NID_organizationName, "Org, Inc."), END};
	static const struct part two_cn[] = {UTF8(NID_commonName, "outer"), UTF8(NID_commonName, "inner"), END};
	char cn[33] = "";
	bool seen[3] = {false, false, false};
	int len;
	unsigned char *der, *longer;

	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (key == NULL)
		die("EVP_PKEY_Q_keygen");
	printf("/* Made by tests/win32/gen_cert_fixtures.c; do not edit. */\n");
	fixture("FIX_CLIENT1", client1, ca, 0x0102A0FF, "20310506120000Z");
	fixture("FIX_2051", client1, ca, 1, "20510101000000Z");
	fixture("FIX_PRE_EPOCH", client1, ca, 1, "19691231235959Z");
	fixture("FIX_NEG_SERIAL", client1, ca, -0x1234, "20310506120000Z");
	fixture("FIX_ESC_C1", esc, c1, 1, "20310506120000Z");
	fixture("FIX_BIDI_NUL", bidi, nul_cn, 1, "20310506120000Z");
	fixture("FIX_UNICODE", muller, bmp_cn, 1, "20310506120000Z");
	fixture("FIX_NO_CN", no_cn, no_cn, 1, "20310506120000Z");
	fixture("FIX_TWO_CN", two_cn, ca, 1, "20310506120000Z");

	/* Every DER length mod 3, so every base64 padding. */
	for (size_t i = 0; i < sizeof cn - 1 && !(seen[0] && seen[1] && seen[2]); i++) {
		struct part subj[] = {UTF8(NID_commonName, cn), END};
		char name[32];

		cn[i] = (char)('a' + i % 26);
		der = make_der(subj, ca, 7, "20310506120000Z", &len);
		if (!seen[len % 3]) {
			seen[len % 3] = true;
			snprintf(name, sizeof name, "FIX_PAD%d", len % 3);
			print_b64(name, der, len);
			printf("#define FIX_PAD%d_CN \"%s\"\n", len % 3, cn);
		}
		OPENSSL_free(der);
	}
	if (!(seen[0] && seen[1] && seen[2]))
		die("covering every padding");

	der = make_der(client1, ca, 1, "20310506120000Z", &len);
	print_b64("FIX_TRUNCATED", der, len - 10);
	print_b64("FIX_ONE_BYTE", der, 1);
	longer = malloc((size_t)len + 3);
	memcpy(longer, der, (size_t)len);
	memcpy(longer + len, "\0\0\0", 3);
	print_b64("FIX_TRAILING_JUNK", longer, len + 3);
	free(longer);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	return 0;
}
