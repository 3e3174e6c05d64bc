/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enroll's key types and public keys: what needs no crypto library (cert/csr.h). */
#include <stdio.h>
#include <string.h>

#include "cert/csr.h"

static const struct {
	enum csr_key_kind kind;
	const char *name;
	unsigned bits;
} kinds[] = {
	{ CSR_KEY_RSA2048, "rsa:2048", 2048 },
	{ CSR_KEY_RSA3072, "rsa:3072", 3072 },
	{ CSR_KEY_EC_P256, "ec:P-256", 256 },
	{ CSR_KEY_EC_P384, "ec:P-384", 384 },
};

static int ascii_casecmp(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

		if (ca != cb)
			return ca - cb;
	}
	return *a - *b;
}

int csr_key_kind_parse(const char *text, enum csr_key_kind *out)
{
	for (size_t i = 0; text != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
		if (ascii_casecmp(text, kinds[i].name) == 0) {
			*out = kinds[i].kind;
			return 0;
		}
	return -1;
}

const char *csr_key_kind_name(enum csr_key_kind k)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "?";
}

bool csr_key_kind_is_ec(enum csr_key_kind k)
{
	return k == CSR_KEY_EC_P256 || k == CSR_KEY_EC_P384;
}

unsigned csr_key_kind_bits(enum csr_key_kind k)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].kind == k)
			return kinds[i].bits;
	return 0;
}

/* A big-endian integer without its leading zero bytes (tokens differ in how they pad). */
static void strip(const unsigned char **p, size_t *n)
{
	while (*n > 1 && (*p)[0] == 0) {
		(*p)++;
		(*n)--;
	}
}

static bool same_int(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	strip(&a, &an);
	strip(&b, &bn);
	return an == bn && memcmp(a, b, an) == 0;
}

bool csr_pubkey_equal(const struct csr_pubkey *a, const struct csr_pubkey *b)
{
	if (a->ec != b->ec)
		return false;
	if (a->ec)
		return a->ec_params_len == b->ec_params_len && a->ec_point_len == b->ec_point_len &&
		       a->ec_point_len > 0 &&
		       memcmp(a->ec_params, b->ec_params, a->ec_params_len) == 0 &&
		       memcmp(a->ec_point, b->ec_point, a->ec_point_len) == 0;
	return a->modulus_len > 0 && same_int(a->modulus, a->modulus_len, b->modulus, b->modulus_len) &&
	       same_int(a->exponent, a->exponent_len, b->exponent, b->exponent_len);
}

/* The OIDs (DER, tag and length included) of the curves enroll makes. */
static const unsigned char oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const unsigned char oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };

void csr_pubkey_describe(const struct csr_pubkey *k, char *out, size_t outsz)
{
	const unsigned char *m = k->modulus;
	size_t n = k->modulus_len;

	if (!k->ec) {
		strip(&m, &n);
		snprintf(out, outsz, "RSA %zu", n * 8);
	} else if (k->ec_params_len == sizeof oid_p256 && memcmp(k->ec_params, oid_p256, sizeof oid_p256) == 0) {
		snprintf(out, outsz, "EC P-256");
	} else if (k->ec_params_len == sizeof oid_p384 && memcmp(k->ec_params, oid_p384, sizeof oid_p384) == 0) {
		snprintf(out, outsz, "EC P-384");
	} else {
		snprintf(out, outsz, "EC");
	}
}
