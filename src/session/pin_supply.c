/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a token PIN comes from (pin_supply.h). */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "session/lockout.h"
#include "session/pin_supply.h"
#include "ui/output.h"

#define PIN_SOURCES "--pin-file FILE, --pin-fd N or the credential 'pin'"

int pin_supply_init(struct pin_supply *ps, const struct options *opts)
{
	memset(ps, 0, sizeof *ps);
	ps->source = (struct secret_source){
	    .what = "PIN", .file = opts->pin_file, .fd = opts->pin_fd, .credential = "pin"};
	secret_source_keep(&ps->source);
	return secret_init(&ps->answer) == 0 ? pin_cache_init(&ps->cache) : -1;
}

void pin_supply_free(struct pin_supply *ps)
{
	pin_cache_free(&ps->cache);
	secret_free(&ps->answer);
}

/* The one place a PIN leaves pin_supply: handed to then, wiped when it returns. */
static void hand_over(struct session_core *c, struct pin_supply *ps, enum pin_origin from)
{
	bool has_pin = from == PIN_FROM_CACHE || from == PIN_FROM_SOURCE || from == PIN_FROM_PERSON;

	if (!has_pin)
		secret_clear(&ps->answer);
	if (from != PIN_NONE) {
		ps->handed = from;
		ps->handed_from_source = from == PIN_FROM_SOURCE ||
		                         (from == PIN_FROM_CACHE && ps->cache.from_source);
	}
	ps->then(c, ps->arg, from, has_pin ? &ps->answer : NULL);
	secret_clear(&ps->answer);
}

static void on_typed(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct pin_supply *ps = arg;

	/* The prompt read it into ps->answer itself. */
	if (a->result == PLAT_READ_OK && !secret_empty(&ps->answer)) {
		hand_over(c, ps, PIN_FROM_PERSON);
		return;
	}
	if (ps->request.after_rejection && a->result == PLAT_READ_EOF) {
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
	char err[700];
	int got;

	if (ps->request.pinpad_reader != NULL) {
		out_status("Enter the PIN on the reader '%s' (PIN pad)", ps->request.pinpad_reader);
		hand_over(c, ps, PIN_ON_PINPAD);
		return;
	}
	if (pin_cache_may_resend(&ps->cache, ps->request.cache_key, c->opts->batch)) {
		pin_cache_copy(&ps->cache, &ps->answer);
		out_verbose("%s the remembered PIN for %s", ps->request.action, ps->request.shown);
		hand_over(c, ps, PIN_FROM_CACHE);
		return;
	}
	got = secret_source_read(&ps->source, &ps->answer, err, sizeof err);
	if (got != 0) {
		if (got < 0) {
			out_error("%s", err);
			session_end_error(c, EXIT_USAGE);
		}
		else
			out_verbose("%s the PIN for %s from its source", ps->request.action,
			            ps->request.shown);
		hand_over(c, ps, got > 0 ? PIN_FROM_SOURCE : PIN_NONE);
		return;
	}
	if (!session_may_ask(c, "the token PIN")) {
		hand_over(c, ps, PIN_NONE);
		return;
	}
	session_ask_secret(c, &ps->answer, on_typed, ps, "PIN for %s: ", ps->request.shown);
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
	ps->request = *req;
	if (req->pinpad_reader != NULL) {
		snprintf(ps->pinpad_reader, sizeof ps->pinpad_reader, "%s", req->pinpad_reader);
		ps->request.pinpad_reader = ps->pinpad_reader;
	}
	ps->then = then;
	ps->arg = arg;
	switch (lockout_judge(req->state, req->label, c->opts->batch, session_interactive(c))) {
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
	pin_cache_note_sent(&ps->cache, ps->request.cache_key, &ps->answer, ps->handed_from_source,
	                    !c->opts->no_cache && ps->handed != PIN_FROM_CACHE, session_now(c));
}

bool pin_supply_send(struct session_core *c, struct pin_supply *ps, const char *type)
{
	/* Remembered first: the one send wipes it. */
	note_sent(c, ps);
	if (session_send_secret(c, TAG_PIN, "password", type, &ps->answer))
		return true;
	pin_cache_forget_answer(&ps->cache);
	if (ps->handed != PIN_FROM_CACHE)
		pin_cache_drop(&ps->cache);
	return false;
}

void pin_supply_logged_in(struct session_core *c, struct pin_supply *ps)
{
	if (ps->handed != PIN_FROM_CACHE)
		note_sent(c, ps);
	pin_cache_confirm(&ps->cache);
}

void pin_supply_refused(struct session_core *c, struct pin_supply *ps, bool on_reader)
{
	if (!on_reader && ps->handed_from_source)
		ps->source.disabled = true;
	pin_cache_drop(&ps->cache);
	pin_cache_forget_answer(&ps->cache);
	if (c->opts->batch) {
		out_error(on_reader ? "not waiting for another PIN on the reader (--batch)"
		                    : "not trying the PIN again (--batch)");
		session_end_error(c, EXIT_PIN_REJECTED);
	}
}

void pin_supply_token_away(struct pin_supply *ps, const char *who)
{
	out_status("The PIN was not refused: %s was taken out while it used it.", who);
	/* Whoever takes the token may not find its PIN with us either; the source stays. */
	pin_cache_drop(&ps->cache);
	pin_cache_forget_answer(&ps->cache);
}

bool pin_supply_request_refuses(struct pin_supply *ps, const char *type, long long now)
{
	return pin_cache_refused(&ps->cache, type, now);
}

void pin_supply_forget_answer(struct pin_supply *ps)
{
	pin_cache_forget_answer(&ps->cache);
}

void pin_supply_confirm(struct pin_supply *ps)
{
	pin_cache_confirm(&ps->cache);
}

void pin_supply_drop(struct pin_supply *ps)
{
	pin_cache_drop(&ps->cache);
}

const char *pin_supply_last_type(const struct pin_supply *ps)
{
	return ps->cache.type;
}

bool pin_supply_awaits_verdict(const struct pin_supply *ps)
{
	return ps->cache.answered;
}

bool pin_supply_answer_proven(const struct pin_supply *ps)
{
	return ps->cache.holds_pin && ps->cache.confirmed;
}

const struct secret_source *pin_supply_source(const struct pin_supply *ps)
{
	return &ps->source;
}
