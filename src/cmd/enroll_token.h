/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The token enroll works on: the provider and the token picked as start would (--provider,
 * else the config's pkcs11-providers, else the usual places; --token, else the token of the
 * config's pkcs11-id, else the only one), and the login with start's PIN sources and lockout
 * rules.  Each function prints its refusal and returns the exit code (EXIT_OK: go on).
 */
#ifndef OVPN_TOKEN_ENROLL_TOKEN_H
#define OVPN_TOKEN_ENROLL_TOKEN_H

#include "cli/options.h"
#include "openvpn/config.h"
#include "pkcs11/keygen.h"

struct enroll_token {
	struct p11_keygen *k;
	struct p11_token token;          /* the one in use */
	char provider[1024];
	struct p11_kg_object *objs;      /* what the session saw at the last enroll_token_list_objects */
	size_t nobjs;
};

/* Loads the provider and opens a read-write session on the token. */
int enroll_token_open(const struct options *opts, const struct ovpn_config_settings *cfg,
                      struct enroll_token *t);
/* Logs in (when the token wants it) with the PIN from start's sources or typed. */
int enroll_token_login(const struct options *opts, struct enroll_token *t);
/* Reads the token's certificates and keys anew into t->objs. */
int enroll_token_list_objects(struct enroll_token *t);
/* The serialized id (pkcs11-id) of CKA_ID id on the token in use, "" if it does not fit. */
void enroll_token_serialized_id(const struct enroll_token *t, const unsigned char *id,
                                size_t id_len, char *out, size_t outsz);
void enroll_token_close(struct enroll_token *t);

/* enroll --import's checks of the file alone, before the token is touched (no PIN for a
 * certificate that cannot go on it). */
int enroll_import_preflight(const struct options *opts);
/* enroll --import (enroll_import.c), on an open, logged-in token. */
int enroll_import(const struct options *opts, const struct ovpn_config_settings *cfg,
                  struct enroll_token *t);

#endif
