/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enroll's decisions (enroll_rules.h): plain judgments on what the token said. */
#include <stdio.h>
#include <string.h>

#include "cmd/enroll_rules.h"
#include "ui/sanitize.h"

enum enroll_pick enroll_pick_token(const struct p11_token *tokens, size_t n, const char *want,
                                   size_t *index, char *err, size_t errsz)
{
	char names[512] = "", shown[128];
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		if (want != NULL && strcmp(tokens[i].label, want) == 0) {
			*index = i;
			return ENROLL_PICK_OK;
		}
		sanitize_str(shown, sizeof shown, tokens[i].label);
		if (used < sizeof names) {
			int w = snprintf(names + used, sizeof names - used, "%s'%s'", i > 0 ? ", " : "",
			                 shown);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	if (want != NULL) {
		sanitize_str(shown, sizeof shown, want);
		snprintf(err, errsz, "no token '%s' is present%s%s", shown,
		         n > 0 ? "; there are: " : "", names);
		return ENROLL_PICK_NOT_FOUND;
	}
	if (n == 0) {
		snprintf(err, errsz, "no token is present: insert it (or initialize one)");
		return ENROLL_PICK_NONE;
	}
	if (n > 1) {
		snprintf(err, errsz, "%zu tokens are present (%s): name one with --token LABEL", n,
		         names);
		return ENROLL_PICK_SEVERAL;
	}
	*index = 0;
	return ENROLL_PICK_OK;
}

static bool size_fits(unsigned long min, unsigned long max, unsigned bits)
{
	/* 0: not said.  Some modules give EC sizes in bytes: 32 stands for 256. */
	if (max == 0)
		return true;
	if (max < 100 && bits < 1000)
		bits /= 8;
	return bits >= min && bits <= max;
}

static bool can_make(const struct p11_kg_caps *caps, enum csr_key_kind kind)
{
	bool ec = csr_key_kind_is_ec(kind);

	return ec ? caps->ec_gen && caps->ec_sign && size_fits(caps->ec_min, caps->ec_max,
	                                                       csr_key_kind_bits(kind)) :
	            caps->rsa_gen && caps->rsa_sign && size_fits(caps->rsa_min, caps->rsa_max,
	                                                         csr_key_kind_bits(kind));
}

/* The kinds of key this token can make, for the refusal. */
static void kinds_possible(const struct p11_kg_caps *caps, char *out, size_t outsz)
{
	static const enum csr_key_kind all[] = { CSR_KEY_RSA2048, CSR_KEY_RSA3072, CSR_KEY_EC_P256,
	                                         CSR_KEY_EC_P384 };
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		int w;

		if (!can_make(caps, all[i]) || used >= outsz)
			continue;
		w = snprintf(out + used, outsz - used, "%s%s", used > 0 ? ", " : "",
		             csr_key_kind_name(all[i]));
		used += w > 0 ? (size_t)w : 0;
	}
}

int enroll_check_caps(const struct p11_kg_caps *caps, enum csr_key_kind kind, char *err,
                      size_t errsz)
{
	bool ec = csr_key_kind_is_ec(kind);
	unsigned bits = csr_key_kind_bits(kind);
	char can[96];

	if (!caps->listed)
		return 0;
	if (!caps->rsa_gen && !caps->ec_gen) {
		snprintf(err, errsz, "the token cannot generate keys: its mechanism list has no "
		         "CKM_RSA_PKCS_KEY_PAIR_GEN or CKM_EC_KEY_PAIR_GEN (so with OpenSC's CAC driver "
		         "and read-only modules). Make the key with the card issuer's tool, or use a "
		         "token that can (SoftHSM2, a TPM, a YubiKey through Yubico's ykcs11)");
		return -1;
	}
	if (ec ? !caps->ec_gen : !caps->rsa_gen) {
		kinds_possible(caps, can, sizeof can);
		snprintf(err, errsz, "the token cannot generate %s keys (no %s in its mechanism list); "
		         "it can make: %s", ec ? "EC" : "RSA",
		         ec ? "CKM_EC_KEY_PAIR_GEN" : "CKM_RSA_PKCS_KEY_PAIR_GEN",
		         can[0] != '\0' ? can : "none that enroll signs with");
		return -1;
	}
	if (!size_fits(ec ? caps->ec_min : caps->rsa_min, ec ? caps->ec_max : caps->rsa_max, bits)) {
		kinds_possible(caps, can, sizeof can);
		snprintf(err, errsz, "the token cannot generate %s keys (its sizes: %lu to %lu); it "
		         "can make: %s", csr_key_kind_name(kind), ec ? caps->ec_min : caps->rsa_min,
		         ec ? caps->ec_max : caps->rsa_max, can[0] != '\0' ? can : "none");
		return -1;
	}
	if (ec ? !caps->ec_sign : !caps->rsa_sign) {
		snprintf(err, errsz, "the token cannot sign with %s keys (no %s with CKF_SIGN): the "
		         "request could not be signed", ec ? "EC" : "RSA",
		         ec ? "CKM_ECDSA" : "CKM_RSA_PKCS");
		return -1;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int enroll_parse_id(const char *hex, unsigned char *id, size_t *len, char *err, size_t errsz)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 2 != 0 || n / 2 > 64) {
		snprintf(err, errsz, "--id takes 1 to 64 bytes in hex (an even number of digits)");
		return -1;
	}
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errsz, "--id takes hex digits only");
			return -1;
		}
		id[i / 2] = (unsigned char)(hi * 16 + lo);
	}
	*len = n / 2;
	return 0;
}

void enroll_id_hex(const unsigned char *id, size_t len, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < outsz; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
	out[outsz > 0 ? (2 * i < outsz ? 2 * i : outsz - 1) : 0] = '\0';
}

bool enroll_id_in_use(const struct p11_kg_object *objs, size_t n, const unsigned char *id,
                      size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (objs[i].id_len == len && memcmp(objs[i].id, id, len) == 0)
			return true;
	return false;
}

/* "RSA 2048 c3a1b2..." : enough of the key to tell it from another. */
static void key_text(const struct csr_pubkey *k, char *out, size_t outsz)
{
	const unsigned char *p = k->ec ? k->ec_point + 1 : k->modulus;
	size_t n = k->ec ? (k->ec_point_len > 0 ? k->ec_point_len - 1 : 0) : k->modulus_len;
	char type[32], hex[17];

	while (!k->ec && n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	csr_pubkey_describe(k, type, sizeof type);
	enroll_id_hex(p, n < 8 ? n : 8, hex, sizeof hex);
	snprintf(out, outsz, "%s %s %s...", type, k->ec ? "point" : "modulus", hex);
}

/* Whether a key with objs[i]'s id came before it (a pair is named once). */
static bool listed_before(const struct p11_kg_object *objs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (objs[j].cls != P11_KG_CERT && objs[j].has_pub && objs[j].id_len == objs[i].id_len &&
		    memcmp(objs[j].id, objs[i].id, objs[i].id_len) == 0)
			return true;
	return false;
}

long enroll_key_for(const struct p11_kg_object *objs, size_t n, const struct csr_pubkey *pub,
                    char *err, size_t errsz)
{
	char want[96], have[512] = "", one[400], idhex[2 * 64 + 1], label[80];
	size_t used = 0;

	for (size_t i = 0; i < n; i++)
		if (objs[i].cls == P11_KG_PRIVATE && objs[i].has_pub && csr_pubkey_equal(&objs[i].pub, pub))
			return (long)i;
	for (size_t i = 0; i < n; i++) {
		if (objs[i].cls != P11_KG_PUBLIC || !objs[i].has_pub || !csr_pubkey_equal(&objs[i].pub, pub))
			continue;
		for (size_t j = 0; j < n; j++)
			if (objs[j].cls == P11_KG_PRIVATE && objs[j].id_len == objs[i].id_len &&
			    memcmp(objs[j].id, objs[i].id, objs[i].id_len) == 0)
				return (long)j;
	}
	for (size_t i = 0; i < n; i++) {
		const struct p11_kg_object *o = &objs[i];

		if (o->cls == P11_KG_CERT || !o->has_pub || used >= sizeof have ||
		    listed_before(objs, i))
			continue;
		enroll_id_hex(o->id, o->id_len, idhex, sizeof idhex);
		sanitize_str(label, sizeof label, o->label);
		key_text(&o->pub, want, sizeof want);
		snprintf(one, sizeof one, "%sid %s '%s' (%s)", used > 0 ? "; " : "", idhex, label, want);
		int w = snprintf(have + used, sizeof have - used, "%s", one);
		used += w > 0 ? (size_t)w : 0;
	}
	key_text(pub, want, sizeof want);
	snprintf(err, errsz, "no key on the token belongs to this certificate: it needs the private "
	         "key of %s; the token has %s", want, used > 0 ? have : "no key it shows");
	return -1;
}

const char *enroll_cert_refusal(const struct cert_info *ci, long long now)
{
	enum cert_purpose p = cert_info_purpose(ci);

	if (p != CERT_FOR_LOGIN)
		return cert_purpose_text(p);
	switch (cert_info_validity(ci, now)) {
	case CERT_EXPIRED:
		return "it has expired";
	case CERT_NOT_YET_VALID:
		return "it is not valid yet";
	default:
		return NULL;
	}
}
