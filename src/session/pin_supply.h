/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where a token PIN comes from, for both ways a token is logged in to (OpenVPN's PASSWORD
 * request, pin.c; our own signer, xkey.c): first the token's own word on its PIN (lockout.h),
 * then the remembered PIN, a source (file, descriptor, credential), and last the person.  It
 * owns the PIN's whole life: the PIN on its way, the PIN cache (pin_cache.h, used here alone)
 * and the PIN source.  What it keeps is opaque: the handlers tell it what happened through the
 * functions below and read it through them.
 */
#ifndef OVPN_TOKEN_SESSION_PIN_SUPPLY_H
#define OVPN_TOKEN_SESSION_PIN_SUPPLY_H

#include <stdbool.h>

#include "pkcs11/provider.h"
#include "secret/source.h"
#include "session/core.h"

enum pin_origin {
	PIN_FROM_CACHE,
	PIN_FROM_SOURCE,
	PIN_FROM_PERSON,
	PIN_ON_PINPAD,                   /* the reader's keypad takes it: no PIN here (said so) */
	PIN_NONE,                        /* none may or can be had: the run is ending (said why) */
};

/*
 * The PIN, for PIN_FROM_CACHE, _SOURCE and _PERSON (else NULL): the caller uses it at once
 * (pin_supply_send, or a C_Login and pin_supply_logged_in); pin_supply wipes it when the call
 * returns, whatever the caller did.
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

/*
 * The PIN's owner, as the session holds it: what it keeps (the PIN on its way, the cache, the
 * source, the request under way) is pin_supply.c's alone, defined there.
 */
struct pin_supply {
	struct pin_supply_state *state;
};

int pin_supply_init(struct pin_supply *ps, const struct session_settings *settings);
void pin_supply_free(struct pin_supply *ps);
/*
 * A PIN for req (copied), handed to then(c, arg, origin): at once from the cache or a source,
 * later from a person (a question; the final try is confirmed first).
 */
void pin_supply_get(struct session_core *c, struct pin_supply *ps, const struct pin_request *req,
                    pin_supply_fn *then, void *arg);
/*
 * Inside then: the PIN handed over goes to OpenVPN as the answer to its PASSWORD request
 * (type), through session_send_secret, which wipes it.  Before it goes it becomes the answer
 * under way (pin_supply_awaits_verdict) and, unless --no-cache or it came from the cache, the
 * remembered PIN (unconfirmed); when it cannot go, neither.  false when it could not go (the
 * run ends, said why).
 */
bool pin_supply_send(struct session_core *c, struct pin_supply *ps, const char *type);
/*
 * Inside then: the token took the PIN handed over (our own C_Login): remembered (unless
 * --no-cache or it came from the cache) and confirmed at once.
 */
void pin_supply_logged_in(struct session_core *c, struct pin_supply *ps);
/*
 * The token refused a PIN: the one rule.  Called only when the token said so (CKR_PIN_INCORRECT,
 * or a failure right after the PIN with the token still there: the handler looked).  A PIN that
 * came from the source is never read from it again, the remembered PIN goes, the answer is no
 * longer under way, and --batch ends with EXIT_PIN_REJECTED (nobody could give another).
 * on_reader: OpenVPN's own login on a reader's PIN pad was refused (nothing of ours was used;
 * --batch says it waits for no other PIN on the reader).
 */
void pin_supply_refused(struct session_core *c, struct pin_supply *ps, bool on_reader);
/*
 * The token was taken out while it used the PIN (who: "token 'Anna'"): nothing it did says
 * anything of the PIN.  Said; the PIN is not blamed, the source stays, and the answer is no
 * longer pending.
 */
void pin_supply_token_away(struct pin_supply *ps, const char *who);

/* ---- what the handlers see happen to the answer under way (pin_cache.h has the meaning) ---- */
/* A new request for type at now: true when it means the token refused the answer under way. */
bool pin_supply_request_refuses(struct pin_supply *ps, const char *type, long long now);
/* A restart, a new connection, or OpenVPN did not take our command: no answer is under way. */
void pin_supply_forget_answer(struct pin_supply *ps);
/* Something showed the token took it (the tunnel came up, the token signed). */
void pin_supply_confirm(struct pin_supply *ps);
/* The token was taken out or is locked: no PIN of it is kept. */
void pin_supply_drop(struct pin_supply *ps);

/* ---- reading ---- */
/* The PASSWORD type (or token label) the last PIN answered, "" when none went out yet. */
const char *pin_supply_last_type(const struct pin_supply *ps);
/* A PIN went out, and neither a confirmation nor a restart since. */
bool pin_supply_awaits_verdict(const struct pin_supply *ps);
/* ... and it was the remembered PIN, already confirmed before (resent, not on trial). */
bool pin_supply_answer_proven(const struct pin_supply *ps);
const struct secret_source *pin_supply_source(const struct pin_supply *ps);

#endif
