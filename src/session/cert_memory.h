/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What is remembered of a certificate a person chose for a config, to find it again on the next
 * run: its fingerprint names it for good; its pkcs11-id names its token (a main and a backup
 * token may hold the same certificate) and its CKA_ID; its subject, issuer and start of
 * validity tell its renewal (the same subject, issuer and id on the same token, newer) from
 * another certificate.  A leaf: the caller holds the list.
 */
#ifndef OVPN_TOKEN_SESSION_CERT_MEMORY_H
#define OVPN_TOKEN_SESSION_CERT_MEMORY_H

#include <stdbool.h>

#include "cert/cert_info.h"
#include "pkcs11/id_codec.h"

struct cert_memory {
	char sha256[65];            /* lowercase hex; "" when nothing is remembered */
	char id[P11_ID_MAX];        /* its serialized pkcs11-id; "" when not known (older files) */
	char subject[512];          /* cert_info's one-line subject and issuer; "" when not known */
	char issuer[512];
	long long not_before;       /* its notBefore, seconds since 1970 */
};

/* How a certificate stands to the remembered one. */
enum cert_kinship {
	CERT_STRANGER,              /* another certificate */
	CERT_SAME,                  /* the same certificate (fingerprint), on some token */
	CERT_SAME_HERE,             /* the same certificate on the same token (and CKA_ID) */
	CERT_RENEWAL,               /* a newer one with the same subject, issuer, token and CKA_ID */
};

/* ci NULL: a certificate that did not decode, a stranger to any memory. */
enum cert_kinship cert_memory_kinship(const struct cert_memory *m, const struct cert_info *ci,
                                      const char *id);
/* Fills m from a certificate chosen now. */
void cert_memory_of(struct cert_memory *m, const struct cert_info *ci, const char *id);
/* "SUBJECT (sha256 0123abcd...)": the remembered certificate, for a message. */
void cert_memory_describe(const struct cert_memory *m, char *buf, size_t bufsz);

#endif
