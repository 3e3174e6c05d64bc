/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `enroll` does on a token, through the module's own PKCS#11 functions (libp11 0.4.12
 * generates RSA keys only, without CKA_EXTRACTABLE=false, and lists no mechanisms): one token,
 * one read-write session, the login, the mechanism list, C_GenerateKeyPair, the request's
 * signature (C_Sign), the objects, and writing a certificate.
 *
 * Built with the PKCS#11 header (keygen_pkcs11.c) or as a stand-in (keygen_none.c) whose calls
 * all fail.  The decisions (which token, which key, which id, whether the token can) are
 * cmd/enroll_rules.c's; this file only asks and does.
 *
 * Use (enroll):
 *   k = p11_keygen_open(provider, ...); p11_keygen_tokens(k, ...)  -> pick one
 *   p11_keygen_use(k, slot_id, ...)        read-write session; refuses a write-protected token
 *   p11_keygen_caps(k, &caps)              the mechanisms, before anything is asked
 *   p11_keygen_pin_state / p11_keygen_login
 *   p11_keygen_objects(...)                ids in use, the keys a certificate may belong to
 *   p11_keygen_generate(...); csr_build(..., p11_keygen_sign, k, ...)
 *   p11_keygen_store_cert(...)             the certificate back, under the key's id and label
 *   p11_keygen_close(k)
 * The module is initialized by us unless another part of the program has it initialized
 * already (then C_Finalize is left to that part).  Not thread-safe.
 */
#ifndef OVPN_TOKEN_PKCS11_KEYGEN_H
#define OVPN_TOKEN_PKCS11_KEYGEN_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/csr.h"
#include "pkcs11/provider.h"
#include "pkcs11/signer.h"

struct p11_keygen;

enum p11_kg_result {
	P11_KG_OK,
	P11_KG_REFUSED, /* the token cannot (no space, write-protected, no such key type): err says */
	P11_KG_FAILED,  /* the module failed otherwise: err says */
};

/* What the token's mechanism list says it can do for enroll. */
struct p11_kg_caps {
	bool listed;                      /* C_GetMechanismList answered */
	bool rsa_gen, rsa_sign;           /* CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_RSA_PKCS with CKF_SIGN */
	unsigned long rsa_min, rsa_max;   /* its key sizes in bits (0: not said) */
	bool ec_gen, ec_sign;             /* CKM_EC_KEY_PAIR_GEN, CKM_ECDSA with CKF_SIGN */
	unsigned long ec_min, ec_max;
};

enum p11_kg_class { P11_KG_CERT, P11_KG_PUBLIC, P11_KG_PRIVATE };

/* An object on the token as enroll needs it. */
struct p11_kg_object {
	enum p11_kg_class cls;
	unsigned char id[64];
	size_t id_len;
	char label[65];            /* CKA_LABEL raw (any byte but NUL): through ui/sanitize.h */
	bool has_pub;              /* keys: pub could be read (an EC private key has no point) */
	struct csr_pubkey pub;
	unsigned char *der;        /* certificates: CKA_VALUE */
	size_t der_len;
};

bool p11_keygen_available(void);
struct p11_keygen *p11_keygen_open(const char *provider_path, char *err, size_t errsz);
void p11_keygen_close(struct p11_keygen *k);

/* The initialized tokens present now (p11_list_tokens' rules).  Count (may exceed max), or -1. */
int p11_keygen_tokens(struct p11_keygen *k, struct p11_token *out, size_t max, char *err,
                      size_t errsz);
/* Opens a read-write session on the token of slot_id.  REFUSED for a write-protected token. */
enum p11_kg_result p11_keygen_use(struct p11_keygen *k, unsigned long slot_id, char *err,
                                  size_t errsz);
/* The mechanisms of the token in use. */
void p11_keygen_caps(struct p11_keygen *k, struct p11_kg_caps *out);
/* The token's PIN flags now; whether a C_Login is due (required and not logged in). */
enum p11_pin_state p11_keygen_pin_state(struct p11_keygen *k);
bool p11_keygen_login_needed(struct p11_keygen *k);
bool p11_keygen_pin_pad(struct p11_keygen *k);
/* C_Login(CKU_USER): as p11_signer_login (NULL or "": the reader's PIN pad, if it has one). */
enum p11_login_result p11_keygen_login(struct p11_keygen *k, const char *pin,
                                       struct p11_login_report *report);

/* Every certificate and key the session sees.  0 or -1; free with p11_keygen_objects_free. */
int p11_keygen_objects(struct p11_keygen *k, struct p11_kg_object **out, size_t *n, char *err,
                       size_t errsz);
void p11_keygen_objects_free(struct p11_kg_object *objs, size_t n);

/* Random bytes for a new CKA_ID. */
int p11_keygen_random(struct p11_keygen *k, unsigned char *out, size_t n);

/*
 * The key pair, on the token, private key sensitive and never extractable, for signing; both
 * halves with id and label.  pub gets the public key.  The new private key is the one
 * p11_keygen_sign signs with.
 */
enum p11_kg_result p11_keygen_generate(struct p11_keygen *k, enum csr_key_kind kind,
                                       const unsigned char *id, size_t id_len, const char *label,
                                       struct csr_pubkey *pub, char *err, size_t errsz);
/* A csr_sign_fn (ctx: the p11_keygen) with the key p11_keygen_generate made. */
int p11_keygen_sign(void *ctx, const unsigned char *in, size_t inlen, unsigned char *out,
                    size_t outsz, size_t *outlen, char *err, size_t errsz);

/* Writes the certificate with id and label (the key's).  REFUSED: no space, read-only. */
enum p11_kg_result p11_keygen_store_cert(struct p11_keygen *k, const struct csr_cert *c,
                                         const unsigned char *id, size_t id_len,
                                         const char *label, char *err, size_t errsz);
/* Removes every certificate and key with this CKA_ID.  The number removed, or -1. */
int p11_keygen_remove(struct p11_keygen *k, const unsigned char *id, size_t id_len, char *err,
                      size_t errsz);

#endif
