/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pkcs11/keygen.h in a build without PKCS#11 support: every call fails. */
#include <stdio.h>
#include <string.h>

#include "pkcs11/keygen.h"

#define NOT_HERE "enroll is not available in this build (it needs PKCS#11 support)"

bool p11_keygen_available(void)
{
	return false;
}

struct p11_keygen *p11_keygen_open(const char *provider_path, char *err, size_t errsz)
{
	(void)provider_path;
	snprintf(err, errsz, NOT_HERE);
	return NULL;
}

void p11_keygen_close(struct p11_keygen *k)
{
	(void)k;
}

int p11_keygen_tokens(struct p11_keygen *k, struct p11_token *out, size_t max, char *err,
                      size_t errsz)
{
	(void)k, (void)out, (void)max;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

enum p11_kg_result p11_keygen_use(struct p11_keygen *k, unsigned long slot_id, char *err,
                                  size_t errsz)
{
	(void)k, (void)slot_id;
	snprintf(err, errsz, NOT_HERE);
	return P11_KG_FAILED;
}

void p11_keygen_caps(struct p11_keygen *k, struct p11_kg_caps *out)
{
	(void)k;
	memset(out, 0, sizeof *out);
}

enum p11_pin_state p11_keygen_pin_state(struct p11_keygen *k)
{
	(void)k;
	return P11_PIN_UNKNOWN;
}

bool p11_keygen_login_needed(struct p11_keygen *k)
{
	(void)k;
	return false;
}

bool p11_keygen_pin_pad(struct p11_keygen *k)
{
	(void)k;
	return false;
}

enum p11_login_result p11_keygen_login(struct p11_keygen *k, const char *pin,
                                       struct p11_login_report *report)
{
	(void)k, (void)pin;
	memset(report, 0, sizeof *report);
	snprintf(report->err, sizeof report->err, NOT_HERE);
	return report->result = P11_LOGIN_ERROR;
}

int p11_keygen_objects(struct p11_keygen *k, struct p11_kg_object **out, size_t *n, char *err,
                       size_t errsz)
{
	(void)k;
	*out = NULL;
	*n = 0;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

void p11_keygen_objects_free(struct p11_kg_object *objs, size_t n)
{
	(void)objs, (void)n;
}

int p11_keygen_random(struct p11_keygen *k, unsigned char *out, size_t n)
{
	(void)k, (void)out, (void)n;
	return -1;
}

enum p11_kg_result p11_keygen_generate(struct p11_keygen *k, enum csr_key_kind kind,
                                       const unsigned char *id, size_t id_len, const char *label,
                                       struct csr_pubkey *pub, char *err, size_t errsz)
{
	(void)k, (void)kind, (void)id, (void)id_len, (void)label;
	memset(pub, 0, sizeof *pub);
	snprintf(err, errsz, NOT_HERE);
	return P11_KG_FAILED;
}

int p11_keygen_sign(void *ctx, const unsigned char *in, size_t inlen, unsigned char *out,
                    size_t outsz, size_t *outlen, char *err, size_t errsz)
{
	(void)ctx, (void)in, (void)inlen, (void)out, (void)outsz;
	*outlen = 0;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

enum p11_kg_result p11_keygen_store_cert(struct p11_keygen *k, const struct csr_cert *c,
                                         const unsigned char *id, size_t id_len,
                                         const char *label, char *err, size_t errsz)
{
	(void)k, (void)c, (void)id, (void)id_len, (void)label;
	snprintf(err, errsz, NOT_HERE);
	return P11_KG_FAILED;
}

int p11_keygen_remove(struct p11_keygen *k, const unsigned char *id, size_t id_len, char *err,
                      size_t errsz)
{
	(void)k, (void)id, (void)id_len;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}
