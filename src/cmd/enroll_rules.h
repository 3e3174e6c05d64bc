/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enroll's decisions, apart from the token so that unit tests can hold them: which token,
 * whether the token can make the key asked for, which CKA_ID, which key a certificate belongs
 * to, whether a certificate may go onto the token.  Each refusal says its cause in err.
 */
#ifndef OVPN_TOKEN_ENROLL_RULES_H
#define OVPN_TOKEN_ENROLL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/csr.h"
#include "pkcs11/keygen.h"
#include "pkcs11/provider.h"

enum enroll_pick {
	ENROLL_PICK_OK,
	ENROLL_PICK_NONE,      /* no token present */
	ENROLL_PICK_SEVERAL,   /* several, and nothing says which */
	ENROLL_PICK_NOT_FOUND, /* the one named is not there */
};
/* The token labelled want (NULL: the only one present) among tokens[0..n). */
enum enroll_pick enroll_pick_token(const struct p11_token *tokens, size_t n, const char *want,
                                   size_t *index, char *err, size_t errsz);

/*
 * Whether the token's mechanism list lets it make kind and sign a request with it.  0; -1 with
 * the cause and what to do in err.  A module that lists no mechanisms is let through (the
 * generation itself then says).
 */
int enroll_check_caps(const struct p11_kg_caps *caps, enum csr_key_kind kind, char *err,
                      size_t errsz);

/* --id HEX (1 to 64 bytes, an even number of hex digits).  0 or -1. */
int enroll_parse_id(const char *hex, unsigned char *id, size_t *len, char *err, size_t errsz);
/* "4a3f..." for messages and serialized ids; out must hold 2*len+1. */
void enroll_id_hex(const unsigned char *id, size_t len, char *out, size_t outsz);
/* Whether any object already has this CKA_ID. */
bool enroll_id_in_use(const struct p11_kg_object *objs, size_t n, const unsigned char *id,
                      size_t len);

/*
 * The private key (index into objs) whose public key is pub: a private key that shows it, or
 * one with the CKA_ID of a public key that does (an EC private key shows no point).  -1 when
 * none, with err naming the key the certificate needs and the keys the token has.
 */
long enroll_key_for(const struct p11_kg_object *objs, size_t n, const struct csr_pubkey *pub,
                    char *err, size_t errsz);

/*
 * Whether the certificate may go onto the token as a login certificate at now: the project's
 * rule (not an issuer, client logins allowed, in date).  NULL, or the reason.
 */
const char *enroll_cert_refusal(const struct cert_info *ci, long long now);

#endif
