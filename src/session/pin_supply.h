/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where a token PIN comes from, for both ways a token is logged in to (OpenVPN's PASSWORD
 * request, pin.c; our own signer, xkey.c): first the token's own word on its PIN (lockout.h),
 * then the remembered PIN, a source (file, descriptor, credential), and last the person.  It
 * owns what outlives a run: the PIN cache and the PIN source.
 */
#ifndef OVPN_TOKEN_SESSION_PIN_SUPPLY_H
#define OVPN_TOKEN_SESSION_PIN_SUPPLY_H

#include <stdbool.h>

#include "pkcs11/provider.h"
#include "secret/source.h"
#include "session/core.h"
#include "session/pin_cache.h"

enum pin_origin {
	PIN_FROM_CACHE,
	PIN_FROM_SOURCE,
	PIN_FROM_PERSON,
	PIN_ON_PINPAD,                   /* the reader's keypad takes it: no PIN here (said so) */
	PIN_NONE,                        /* none may or can be had: the run is ending (said why) */
};

/*
 * The PIN, for PIN_FROM_CACHE, _SOURCE and _PERSON (else NULL): the caller uses it at once;
 * pin_supply wipes it when the call returns, whatever the caller did.
 */
typedef void pin_supply_fn(struct session_core *c, void *arg, enum pin_origin from,
                           const struct secret *pin);

struct pin_request {
	char cache_key[SECRET_MAX + 1];  /* what the cache files it under (OpenVPN's type, a label) */
	char label[SECRET_MAX + 1];      /* the token's label, for lockout messages */
	char shown[SECRET_MAX + 32];     /* "token 'Anna'", "the PKCS#11 token": for the prompt */
	const char *action;              /* "Sending", "Logging in with": for -v */
	enum p11_pin_state state;        /* what the token says of its PIN now */
	bool after_rejection;            /* the last PIN was refused: end of input is final */
	const char *pinpad_reader;       /* the token's reader has a PIN pad (NULL: none) */
};

struct pin_supply {
	struct pin_cache cache;
	struct secret answer;            /* the PIN on its way, wiped once handed over */
	struct secret_source source;
	struct pin_request request;      /* the one under way */
	char pinpad_reader[128];         /* ... its reader's name, kept */
	pin_supply_fn *then;
	void *arg;
};

int pin_supply_init(struct pin_supply *ps, const struct session_settings *opts);
void pin_supply_free(struct pin_supply *ps);
/*
 * A PIN for req (copied), handed to then(c, arg, origin): at once from the cache or a source,
 * later from a person (a question; the final try is confirmed first).
 */
void pin_supply_get(struct session_core *c, struct pin_supply *ps, const struct pin_request *req,
                    pin_supply_fn *then, void *arg);
/*
 * The token refused a PIN: the one rule.  Called only when the token said so (CKR_PIN_INCORRECT,
 * or a failure right after the PIN with the token still there: the handler looked).  A PIN that
 * came from the source is never read from it again, the remembered PIN goes, and --batch ends
 * with EXIT_PIN_REJECTED (nobody could give another).
 */
void pin_supply_refused(struct session_core *c, struct pin_supply *ps, bool from_source);
/*
 * The token was taken out while it used the PIN (who: "token 'Anna'"): nothing it did says
 * anything of the PIN.  Said; the PIN is not blamed, the source stays, and the answer is no
 * longer pending.
 */
void pin_supply_token_away(struct pin_supply *ps, const char *who);

#endif
