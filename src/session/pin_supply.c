/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a token PIN comes from (pin_supply.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "session/lockout.h"
#include "session/pin_cache.h"
#include "session/pin_supply.h"
#include "ui/output.h"

#define PIN_SOURCES "--pin-file FILE, --pin-fd N or the credential 'pin'"

struct pin_supply_state {
	struct pin_cache cache;
	struct secret answer;            /* the PIN on its way, wiped once handed over */
	struct secret_source source;
	struct pin_request request;      /* the one under way */
	char pinpad_reader[128];         /* ... its reader's name, kept */
	enum pin_origin handed;          /* where the last PIN handed over came from */
	bool handed_from_source;         /* ... it was the source's (directly or remembered) */
	pin_supply_fn *then;
	void *arg;
};

int pin_supply_init(struct pin_supply *ps, const struct session_settings *settings)
{
	ps->state = calloc(1, sizeof *ps->state);
	if (ps->state == NULL)
		return -1;
	ps->state->source = (struct secret_source){
	    .what = "PIN", .file = settings->pin_file, .fd = settings->pin_fd, .credential = "pin"};
	secret_source_keep(&ps->state->source);
	return secret_init(&ps->state->answer) == 0 ? pin_cache_init(&ps->state->cache) : -1;
}

void pin_supply_free(struct pin_supply *ps)
{
	if (ps->state == NULL)
		return;
	pin_cache_free(&ps->state->cache);
	secret_free(&ps->state->answer);
	free(ps->state);
	ps->state = NULL;
}

/* The one place a PIN leaves pin_supply: handed to then, wiped when it returns. */
static void hand_over(struct session_core *c, struct pin_supply *ps, enum pin_origin from)
{
	struct pin_supply_state *st = ps->state;
	bool has_pin = from == PIN_FROM_CACHE || from == PIN_FROM_SOURCE || from == PIN_FROM_PERSON;

	if (!has_pin)
		secret_clear(&st->answer);
	if (from != PIN_NONE) {
		st->handed = from;
		st->handed_from_source =
		    from == PIN_FROM_SOURCE || (from == PIN_FROM_CACHE && st->cache.from_source);
	}
	st->then(c, st->arg, from, has_pin ? &st->answer : NULL);
	secret_clear(&st->answer);
}

static void on_typed(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct pin_supply *ps = arg;
	struct pin_supply_state *st = ps->state;

	/* The prompt read it into st->answer itself. */
	if (a->result == PLAT_READ_OK && !secret_empty(&st->answer)) {
		hand_over(c, ps, PIN_FROM_PERSON);
		return;
	}
	if (st->request.after_rejection && a->result == PLAT_READ_EOF) {
		out_error("no other PIN can be asked for");
		session_end_error(c, EXIT_PIN_REJECTED);
	} else if (a->result == PLAT_READ_EOF && !session_interactive(c)) {
		/* A pipe ended: nobody can be asked, which is not the person cancelling. */
		out_error("OpenVPN asks for the token PIN, but there is no terminal to ask on and no "
		          "source gives it: use %s", PIN_SOURCES);
		session_end_error(c, EXIT_NEEDS_INPUT);
	} else {
		/* An empty PIN is no PIN: it counts as cancelled. */
		session_answer_failed(c, a->result == PLAT_READ_OK ? PLAT_READ_EOF : a->result,
		                      "the PIN");
	}
	hand_over(c, ps, PIN_NONE);
}

/* The remembered PIN, a source's, or a question to the person; or the reader's keypad. */
static void supply(struct session_core *c, struct pin_supply *ps)
{
	struct pin_supply_state *st = ps->state;
	char err[700];
	int got;

	if (st->request.pinpad_reader != NULL) {
		out_status("Enter the PIN on the reader '%s' (PIN pad)", st->request.pinpad_reader);
		hand_over(c, ps, PIN_ON_PINPAD);
		return;
	}
	if (pin_cache_may_resend(&st->cache, st->request.cache_key, c->settings->batch)) {
		pin_cache_copy(&st->cache, &st->answer);
		out_verbose("%s the remembered PIN for %s", st->request.action, st->request.shown);
		hand_over(c, ps, PIN_FROM_CACHE);
		return;
	}
	got = secret_source_read(&st->source, &st->answer, err, sizeof err);
	if (got != 0) {
		if (got < 0) {
			out_error("%s", err);
			session_end_error(c, EXIT_USAGE);
		}
		else
			out_verbose("%s the PIN for %s from its source", st->request.action,
			            st->request.shown);
		hand_over(c, ps, got > 0 ? PIN_FROM_SOURCE : PIN_NONE);
		return;
	}
	if (!session_may_ask(c, "the token PIN")) {
		hand_over(c, ps, PIN_NONE);
		return;
	}
	session_ask_secret(c, &st->answer, on_typed, ps, "PIN for %s: ", st->request.shown);
}

static void on_final_try(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct pin_supply *ps = arg;

	if (a->result == PLAT_READ_OK && lockout_confirmed(a->text)) {
		supply(c, ps);
		return;
	}
	if (a->result != PLAT_READ_PEER_GONE) {
		out_status("Cancelled: no PIN sent.");
		session_end_error(c, EXIT_CANCELLED);
	}
	hand_over(c, ps, PIN_NONE);
}

void pin_supply_get(struct session_core *c, struct pin_supply *ps, const struct pin_request *req,
                    pin_supply_fn *then, void *arg)
{
	struct pin_supply_state *st = ps->state;

	st->request = *req;
	if (req->pinpad_reader != NULL) {
		snprintf(st->pinpad_reader, sizeof st->pinpad_reader, "%s", req->pinpad_reader);
		st->request.pinpad_reader = st->pinpad_reader;
	}
	st->then = then;
	st->arg = arg;
	switch (lockout_judge(req->state, req->label, c->settings->batch, session_interactive(c))) {
	case LOCKOUT_REFUSE:
		session_end_error(c, EXIT_TOKEN_LOCKED);
		hand_over(c, ps, PIN_NONE);
		return;
	case LOCKOUT_CONFIRM:
		session_ask(c, ASK_TEXT, NULL, 0, on_final_try, ps, LOCKOUT_QUESTION, req->label);
		return;
	case LOCKOUT_GO:
		break;
	}
	supply(c, ps);
}

/* The PIN handed over is remembered as sent (see pin_cache_note_sent). */
static void note_sent(struct session_core *c, struct pin_supply *ps)
{
	struct pin_supply_state *st = ps->state;

	pin_cache_note_sent(&st->cache, st->request.cache_key, &st->answer, st->handed_from_source,
	                    !c->settings->no_cache && st->handed != PIN_FROM_CACHE, session_now(c));
}

bool pin_supply_send(struct session_core *c, struct pin_supply *ps, const char *type)
{
	struct pin_supply_state *st = ps->state;

	/* Remembered first: the one send wipes it. */
	note_sent(c, ps);
	if (session_send_secret(c, TAG_PIN, "password", type, &st->answer))
		return true;
	pin_cache_forget_answer(&st->cache);
	if (st->handed != PIN_FROM_CACHE)
		pin_cache_drop(&st->cache);
	return false;
}

void pin_supply_logged_in(struct session_core *c, struct pin_supply *ps)
{
	struct pin_supply_state *st = ps->state;

	if (st->handed != PIN_FROM_CACHE)
		note_sent(c, ps);
	pin_cache_confirm(&st->cache);
}

void pin_supply_refused(struct session_core *c, struct pin_supply *ps, bool on_reader)
{
	struct pin_supply_state *st = ps->state;

	if (!on_reader && st->handed_from_source)
		st->source.disabled = true;
	pin_cache_drop(&st->cache);
	pin_cache_forget_answer(&st->cache);
	if (c->settings->batch) {
		out_error(on_reader ? "not waiting for another PIN on the reader (--batch)"
		                    : "not trying the PIN again (--batch)");
		session_end_error(c, EXIT_PIN_REJECTED);
	}
}

void pin_supply_token_away(struct pin_supply *ps, const char *who)
{
	struct pin_supply_state *st = ps->state;

	out_status("The PIN was not refused: %s was taken out while it used it.", who);
	/* Whoever takes the token may not find its PIN with us either; the source stays. */
	pin_cache_drop(&st->cache);
	pin_cache_forget_answer(&st->cache);
}

bool pin_supply_request_refuses(struct pin_supply *ps, const char *type, long long now)
{
	return pin_cache_refused(&ps->state->cache, type, now);
}

void pin_supply_forget_answer(struct pin_supply *ps)
{
	pin_cache_forget_answer(&ps->state->cache);
}

void pin_supply_confirm(struct pin_supply *ps)
{
	pin_cache_confirm(&ps->state->cache);
}

void pin_supply_drop(struct pin_supply *ps)
{
	pin_cache_drop(&ps->state->cache);
}

const char *pin_supply_last_type(const struct pin_supply *ps)
{
	return ps->state->cache.type;
}

bool pin_supply_awaits_verdict(const struct pin_supply *ps)
{
	return ps->state->cache.answered;
}

bool pin_supply_answer_proven(const struct pin_supply *ps)
{
	return ps->state->cache.has_pin && ps->state->cache.confirmed;
}

const struct secret_source *pin_supply_source(const struct pin_supply *ps)
{
	return &ps->state->source;
}
