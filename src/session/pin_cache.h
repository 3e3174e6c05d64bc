/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The remembered PIN and what is known about it.  A PIN counts as confirmed once something
 * showed that the token took it: the tunnel came up after it, a TLS handshake completed, the
 * server gave its verdict, or (OpenVPN asks again at once when the token refuses) a while
 * passed without a new request.  A request for the same type right after our answer, before
 * anything confirmed it, means the token refused what we sent; one after that is a new login
 * (a renegotiation after pkcs11-pin-cache expired, a CKA_ALWAYS_AUTHENTICATE key).
 */
#ifndef OVPN_TOKEN_SESSION_PIN_CACHE_H
#define OVPN_TOKEN_SESSION_PIN_CACHE_H

#include <stdbool.h>

#include "secret/secret.h"

struct pin_cache {
	struct secret pin;              /* the PIN we sent last, when kept */
	char type[SECRET_MAX + 1];      /* the PASSWORD type it answered */
	bool has_pin, confirmed;
	bool from_source;               /* it came from a PIN source, not from a person */
	bool answered;                  /* sent, and neither a restart nor a confirmation since */
	long long answered_at;          /* when (session clock, ms) */
};

/* A refused PIN is asked again at once; a request this long after the answer is a new login. */
#define PIN_CACHE_QUIET_CONFIRMS_MS 5000

int pin_cache_init(struct pin_cache *c);
void pin_cache_free(struct pin_cache *c);
/*
 * value went out for type at now; keep: remember it (a PIN resent from the cache keeps its
 * state).
 */
void pin_cache_note_sent(struct pin_cache *c, const char *type, const struct secret *value,
                         bool from_source, bool keep, long long now);
/*
 * Whether a new request for type at now means the token refused our answer.  A request that
 * comes after the quiet time confirms the answer instead (and is not a refusal).
 */
bool pin_cache_refused(struct pin_cache *c, const char *type, long long now);
/* A restart, or OpenVPN did not take our command: the next request is a fresh one. */
void pin_cache_forget_answer(struct pin_cache *c);
/* The tunnel came up: a kept PIN is known to be right. */
void pin_cache_confirm(struct pin_cache *c);
void pin_cache_drop(struct pin_cache *c);
/*
 * Whether the kept PIN may go out for type without asking.  An unconfirmed PIN after a restart
 * may be one the token gave up on: only a script (batch), which made just this one attempt,
 * sends it again; a person is asked instead.
 */
bool pin_cache_may_resend(const struct pin_cache *c, const char *type, bool batch);
void pin_cache_copy(const struct pin_cache *c, struct secret *out);

#endif
