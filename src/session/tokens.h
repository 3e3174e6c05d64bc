/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The token view: what ovpn-token sees of the tokens itself, through the PKCS#11 provider,
 * for what OpenVPN does not tell (a token inserted after OpenVPN loaded the provider, a token
 * OpenVPN asks to insert, how close a PIN is to locking).  On the core; used by handlers.
 *
 * Every look may load the provider afresh (modules such as SoftHSM2 only see the tokens
 * present when they were loaded), so a watch looks once per TOKENS_POLL_MS and never because
 * bytes arrived from OpenVPN meanwhile.
 */
#ifndef OVPN_TOKEN_SESSION_TOKENS_H
#define OVPN_TOKEN_SESSION_TOKENS_H

#include <stdbool.h>

#include "cert/cert_info.h"
#include "pkcs11/id_codec.h"
#include "session/core.h"

/* How often a watch looks at the token. */
#define TOKENS_POLL_MS 1000
/* A token holds a handful of certificates; a peer claiming more is not believed. */
#define TOKENS_MAX_CERTS 32

struct token_cert {
	char *id;                       /* the serialized pkcs11-id */
	bool described;                 /* the certificate decoded into info */
	struct cert_info info;
	char cannot_log_in[160];                /* why it cannot log in, "" when it can (or cannot tell) */
	char token[P11_LABEL_LEN + 1];  /* its token's label and reader, "" when unknown */
	char reader[65];
};

/* Certificates as OpenVPN listed them or as the token view sees them. */
struct token_cert_list {
	struct token_cert items[TOKENS_MAX_CERTS];
	size_t count;
	bool external_key;              /* the rule the token view last listed it under */
};

/* Adds one as the token view sees it; false when full or out of memory. */
bool token_certs_add(struct token_cert_list *l, const struct io_cert *cert);
/* The same from a >PKCS11ID-ENTRY's BLOB (base64 DER). */
bool token_certs_add_base64(struct token_cert_list *l, const char *id, const char *blob);
void token_certs_clear(struct token_cert_list *l);
/* The index of the certificate with this id (as pkcs11-helper compares them), or -1. */
long token_certs_find(const struct token_cert_list *l, const char *id);

bool tokens_can_see(const struct session_core *c);
/* A fresh look: the flags change with every wrong PIN.  P11_PIN_UNKNOWN when it cannot see. */
enum p11_pin_state tokens_pin_state(const struct session_core *c, const char *label);
/* 1 present, 0 absent, -1 cannot tell. */
int tokens_present(const struct session_core *c, const char *label);
/* The label of the first token present: 1, 0 none, -1 cannot tell (or cannot see). */
int tokens_first(const struct session_core *c, char *label, size_t labelsz);
/* Why no token can be seen when the smartcard service is the cause; false when it is not. */
bool tokens_trouble(const struct session_core *c, char *why, size_t whysz);
/* The reader of the token called label and whether it has a PIN pad; -1 when it cannot see. */
int tokens_reader(const struct session_core *c, const char *label, char *out, size_t outsz,
                  bool *pinpad);
/*
 * Replaces into's content with every certificate the provider sees now, judged for the external
 * key or for OpenVPN's PKCS#11 support (io_tokens.each_cert): their number, or -1.
 */
int tokens_list_certs(const struct session_core *c, bool external_key,
                      struct token_cert_list *into);
/*
 * What the token view knows of certificates OpenVPN listed: why one cannot log in (its key,
 * besides what the certificate itself says), its token and reader.  One look, when it can see.
 */
void tokens_judge(const struct session_core *c, struct token_cert_list *l);

/* Whether the config's pkcs11-id matches none of the certificates the provider sees now. */
bool tokens_config_id_names_nothing(const struct session_core *c);
/* Says that the config's pkcs11-id is the cause and ends the run (EXIT_NO_CERTIFICATE). */
void tokens_blame_config_id(struct session_core *c);

/*
 * A watch that settles once the provider lists a certificate (into holds them then, judged
 * under the rule of tokens_list_certs).
 */
void tokens_watch_for_certs(struct session_watch *w, struct token_cert_list *into,
                            bool external_key);

/* A watch that settles once the token called label turns from absent to present. */
struct token_insertion {
	char label[P11_LABEL_LEN + 1];
	bool seen_absent;
};
void tokens_watch_for_insertion(struct session_watch *w, struct token_insertion *ins);

#endif
