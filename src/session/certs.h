/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: which certificate.  For pkcs11-id-request (NEED-STR) the certificates come from
 * OpenVPN (pkcs11-id-count/-get) and the answer is a needstr; for the external key's
 * NEED-CERTIFICATE they come from the token view and the chosen id goes to whoever asked.
 * One choice rule for both: the one remembered from before, the one --cert names, the only
 * one (or the only valid one), else a menu; a token that arrives late is waited for.
 */
#ifndef OVPN_TOKEN_SESSION_CERTS_H
#define OVPN_TOKEN_SESSION_CERTS_H

#include <stdbool.h>

#include "mgmt/event.h"
#include "session/cert_memory.h"
#include "session/core.h"
#include "session/tokens.h"

/* The certificate chosen for a NEED-CERTIFICATE, by its serialized id. */
typedef void certs_chosen_fn(struct session_core *c, void *arg, const char *id);

/* A certificate a person chose (by menu or --cert), or the renewal of the one remembered. */
typedef void certs_choice_fn(void *arg, const struct cert_memory *chosen);

struct certs {
	char *chosen_id;                /* survives restarts: OpenVPN asks after every one */
	struct cert_memory remembered;  /* the one chosen on an earlier run; sha256 "" none */
	certs_choice_fn *on_choice;     /* told each choice a person made, to remember it */
	void *on_choice_arg;
	struct {
		bool listing;               /* pkcs11-id-count/-get under way */
		long expected;              /* what pkcs11-id-count said */
		long received;              /* pkcs11-id-get answers so far */
		bool from_view;             /* the list is the token view's, judged already */
		certs_chosen_fn *then;      /* NULL: the choice is a needstr to OpenVPN */
		void *arg;
		struct token_cert_list list;
	} run;
};

void certs_new_run(struct certs *k);
void certs_free(struct certs *k);
void certs_on_id_request(struct session_core *c, struct certs *k);
/* The reply to pkcs11-id-count (TAG_ID_COUNT) or -get (TAG_ID_GET), or an ERROR to either. */
void certs_on_reply(struct session_core *c, struct certs *k, const struct mgmt_event *ev,
                    enum reply_tag tag);
/* Whether a listing is under way (a malformed >PKCS11ID- line then leaves us waiting). */
bool certs_listing(const struct certs *k);
/* The token's PIN asked while OpenVPN lists (pkcs11-cert-private): it cannot take it then. */
void certs_on_pin_while_listing(struct session_core *c, struct certs *k);
/* NEED-CERTIFICATE: the same choice among what the token view lists; then(c, arg, id). */
void certs_on_certificate_request(struct session_core *c, struct certs *k,
                                  certs_chosen_fn *then, void *arg);
/* The id chosen before (NULL when none): what the external key signs with. */
const char *certs_chosen(const struct certs *k);

#endif
