/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: OpenVPN's PASSWORD requests for a token PIN ("Need '<label> token' password", and
 * 2.7's "Need 'PKCS#11 token' password").  OpenVPN says nothing when the token refuses a PIN:
 * it asks again.  So a request for the same token again, with no restart and nothing that
 * confirmed the PIN between, means the PIN was refused: it is dropped at once and never sent
 * again by us (a real card locks after a few wrong PINs).
 */
#ifndef OVPN_TOKEN_SESSION_PIN_H
#define OVPN_TOKEN_SESSION_PIN_H

#include <stdbool.h>

#include "session/core.h"
#include "session/pin_supply.h"
#include "session/tokens.h"

/* The request under way. */
struct pin_login {
	char type[SECRET_MAX + 1];
	struct pin_supply *supply;
	struct pin_request request;
	struct token_insertion insertion; /* the token is out: waiting for it before the PIN */
	bool maybe_refused;             /* the last PIN went out right before OpenVPN gave up */
	bool pinpad_login;              /* OpenVPN logs in through the reader's PIN pad now */
	bool pinpad_done;               /* ... and did: the token stays logged in */
	char pinpad_reader[128];
};

/* Whether type names a token's PIN (then label gets the token's label, "" for a provider's). */
bool pin_is_token_request(const char *type, char *label, size_t labelsz);
void pin_on_request(struct session_core *c, struct pin_login *p, struct pin_supply *ps,
                    const char *type, const char *label);
/*
 * OpenVPN gave up on the key (a FATAL "private key password verification failed") right after
 * our PIN went out: that was the token refusing it.  true when so (said; the run ends with
 * EXIT_PIN_REJECTED).
 */
bool pin_blame_key_failure(struct session_core *c, struct pin_supply *ps);
/*
 * OpenVPN restarts.  A PIN it was given in this attempt and that nothing confirmed is not sent
 * again by itself, unless the cause came before the key was used (before_key: refused, no
 * name, no answer at all): some tokens answer a wrong PIN with an error that makes OpenVPN
 * restart instead of asking again (OpenSC on a CAC card: CKR_GENERAL_ERROR).  cause: in words,
 * "" when unknown.  --batch then
 * ends with EXIT_PIN_REJECTED after that one attempt; a person is asked again.
 */
void pin_on_restart(struct session_core *c, struct pin_login *p, struct pin_supply *ps,
                    bool before_key, const char *cause);
/*
 * OpenVPN authenticates (>STATE AUTH) with the key on the token called label (may be ""):
 * when its reader has a PIN pad and OpenVPN logs in through it, the management interface says
 * nothing while the reader waits for the person; this says what to do.
 */
void pin_on_authenticating(struct session_core *c, struct pin_login *p, const char *label);
/* Something confirmed the login (the handshake went through): a PIN pad's login is said done. */
void pin_on_login_confirmed(struct pin_login *p);

#endif
