/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The remembered PIN and what is known about it.  A PIN counts as confirmed once the tunnel
 * came up after it was sent.  A second request for the same type with no restart between
 * means the token refused what we sent ("answered" is still set then).
 */
#ifndef OVPN_TOKEN_SESSION_PIN_CACHE_H
#define OVPN_TOKEN_SESSION_PIN_CACHE_H

#include <stdbool.h>

#include "secret/secret.h"

struct pin_cache {
	struct secret pin;              /* the PIN we sent last, when kept */
	char type[SECRET_MAX + 1];      /* the PASSWORD type it answered */
	bool kept, confirmed;
	bool from_source;               /* it came from a PIN source, not from a person */
	bool answered;                  /* sent, and no restart since */
};

int pin_cache_init(struct pin_cache *c);
void pin_cache_free(struct pin_cache *c);
/* value went out for type; keep: remember it (a PIN resent from the cache keeps its state). */
void pin_cache_note_sent(struct pin_cache *c, const char *type, const struct secret *value,
                         bool from_source, bool keep);
/* A new request for type now means the token refused the answer. */
bool pin_cache_was_answered(const struct pin_cache *c, const char *type);
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
