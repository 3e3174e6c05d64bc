/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `enroll` needs of certificates: a PKCS#10 request for a key that never leaves the token
 * (the token signs through a callback: no OpenSSL engine or provider involved), and the
 * certificate that comes back, read for the checks before it goes onto the token.
 *
 * Built with OpenSSL (csr_openssl.c) or as a stand-in (csr_none.c) whose calls all fail.
 */
#ifndef OVPN_TOKEN_CSR_H
#define OVPN_TOKEN_CSR_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/cert_info.h"

/* The key types enroll makes. */
enum csr_key_kind { CSR_KEY_RSA2048, CSR_KEY_RSA3072, CSR_KEY_EC_P256, CSR_KEY_EC_P384 };

/* "rsa:2048", "rsa:3072", "ec:P-256", "ec:P-384" (case-insensitive): 0, or -1 for anything else. */
int csr_key_kind_parse(const char *text, enum csr_key_kind *out);
const char *csr_key_kind_name(enum csr_key_kind k);
bool csr_key_kind_is_ec(enum csr_key_kind k);
/* RSA: the modulus bits; EC: the field bits. */
unsigned csr_key_kind_bits(enum csr_key_kind k);

/* A public key as PKCS#11 gives it (big-endian integers, DER of the curve and of the point). */
struct csr_pubkey {
	bool ec;
	unsigned char modulus[1024];   /* RSA: CKA_MODULUS */
	size_t modulus_len;
	unsigned char exponent[16];    /* RSA: CKA_PUBLIC_EXPONENT */
	size_t exponent_len;
	unsigned char ec_params[64];   /* EC: CKA_EC_PARAMS, the curve's OID in DER */
	size_t ec_params_len;
	unsigned char ec_point[160];   /* EC: the uncompressed point (04 X Y), no DER wrapping */
	size_t ec_point_len;
};

/* Whether two public keys are the same key (RSA: modulus and exponent; EC: curve and point). */
bool csr_pubkey_equal(const struct csr_pubkey *a, const struct csr_pubkey *b);
/* "RSA 2048", "EC P-256", ... for messages. */
void csr_pubkey_describe(const struct csr_pubkey *k, char *out, size_t outsz);

/*
 * The token's signature: in is what CKM_RSA_PKCS (the DigestInfo) or CKM_ECDSA (the hash)
 * signs; out gets the raw result (RSA: the modulus-sized block; ECDSA: r || s).  0, or -1 with
 * err filled.
 */
typedef int (*csr_sign_fn)(void *ctx, const unsigned char *in, size_t inlen, unsigned char *out,
                           size_t outsz, size_t *outlen, char *err, size_t errsz);

/*
 * Whether subject is a name the request can carry: "/CN=alice" or "/CN=alice/O=Example/C=DE",
 * attributes OpenSSL knows, values not empty.  0, or -1 with the fault in err.
 */
int csr_subject_check(const char *subject, char *err, size_t errsz);

/*
 * The request (PEM, malloc'ed into *pem) for pub, signed by sign: the subject from the text
 * (csr_subject_check's form) or, when subject is NULL, subject_der (a certificate's, for a
 * renewal); with keyUsage digitalSignature (critical) and extendedKeyUsage clientAuth, what a VPN
 * client certificate needs.  SHA-256 (SHA-384 for P-384).  0, or -1 with err filled.
 */
int csr_build(const char *subject, const unsigned char *subject_der, size_t subject_der_len,
              const struct csr_pubkey *pub, csr_sign_fn sign, void *sign_ctx, char **pem,
              char *err, size_t errsz);

/* A certificate read from a file (PEM or DER) for import. */
struct csr_cert {
	unsigned char *der;            /* the certificate */
	size_t der_len;
	unsigned char *subject_der;    /* CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER */
	size_t subject_der_len;
	unsigned char *issuer_der;
	size_t issuer_der_len;
	unsigned char *serial_der;
	size_t serial_der_len;
	struct csr_pubkey pub;
	struct cert_info info;
	bool self_issued;              /* subject == issuer: the chain ends here */
};

/*
 * Reads the first certificate of path (PEM, or one DER certificate) into out; with index 1 the
 * second of a PEM file (the issuer a CA's answer may carry).  0; 1 when there is no such
 * certificate (index 1 only); -1 with err filled.  Free with csr_cert_free.
 */
int csr_cert_read(const char *path, int index, struct csr_cert *out, char *err, size_t errsz);
/* A certificate from its DER (a token's CKA_VALUE).  0 or -1. */
int csr_cert_from_der(const unsigned char *der, size_t len, struct csr_cert *out, char *err,
                      size_t errsz);
void csr_cert_free(struct csr_cert *c);

#endif
