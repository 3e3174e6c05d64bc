/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "session/pin_cache.h"

int pin_cache_init(struct pin_cache *c)
{
	memset(c, 0, sizeof *c);
	return secret_init(&c->pin);
}

void pin_cache_free(struct pin_cache *c)
{
	secret_free(&c->pin);
	c->has_pin = c->confirmed = false;
}

void pin_cache_note_sent(struct pin_cache *c, const char *type, const struct secret *value,
                         bool from_source, bool keep, long long now)
{
	snprintf(c->type, sizeof c->type, "%s", type);
	c->answered = true;
	c->answered_at = now;
	c->from_source = from_source;
	if (!keep || value == &c->pin)
		return;
	secret_copy(&c->pin, value);
	c->has_pin = true;
	c->confirmed = false;
}

bool pin_cache_refused(struct pin_cache *c, const char *type, long long now)
{
	if (!c->answered || strcmp(c->type, type) != 0)
		return false;
	if (now - c->answered_at < PIN_CACHE_QUIET_CONFIRMS_MS)
		return true;
	pin_cache_confirm(c);
	return false;
}

void pin_cache_forget_answer(struct pin_cache *c)
{
	c->answered = false;
}

void pin_cache_confirm(struct pin_cache *c)
{
	if (c->has_pin)
		c->confirmed = true;
	c->answered = false;
}

void pin_cache_drop(struct pin_cache *c)
{
	secret_clear(&c->pin);
	c->has_pin = c->confirmed = false;
}

bool pin_cache_may_resend(const struct pin_cache *c, const char *type, bool batch)
{
	if (!c->has_pin || strcmp(c->type, type) != 0)
		return false;
	return c->confirmed || batch;
}

void pin_cache_copy(const struct pin_cache *c, struct secret *out)
{
	secret_copy(out, &c->pin);
}
