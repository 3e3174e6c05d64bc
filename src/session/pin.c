/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the token PIN OpenVPN asks for (pin.h). */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "mgmt/event.h"
#include "session/pin.h"
#include "session/tokens.h"
#include "ui/output.h"

/*
 * 2.7's tokens through an OpenSSL provider (cert/key as pkcs11: URIs) ask with this type and no
 * label: which token it is, OpenVPN does not say.
 */
#define PROVIDER_TOKEN_TYPE "PKCS#11 token"

bool pin_is_token_request(const char *type, char *label, size_t labelsz)
{
	return mgmt_token_label(type, "", label, labelsz);
}

/* "token 'LABEL'", or for a provider token "the PKCS#11 token". */
static void name_token(const char *type, const char *label, char *out, size_t outsz)
{
	if (strcmp(type, PROVIDER_TOKEN_TYPE) == 0)
		snprintf(out, outsz, "the PKCS#11 token");
	else
		snprintf(out, outsz, "token '%s'", label);
}

static void on_rejected(struct session_core *c, struct pin_supply *ps, const char *who)
{
	out_error("The PIN was rejected by %s.", who);
	pin_supply_refused(c, ps, false);
}

/*
 * Whether the token the answer went to was taken out since (a fresh look; label "" for a
 * provider's token, which cannot be looked up): then whatever failed says nothing of the PIN
 * (said so).  Invariant: a PIN is called refused only with the token there.
 */
static bool token_taken_out(struct session_core *c, struct pin_supply *ps, const char *label,
                            const char *who)
{
	if (label[0] == '\0' || tokens_present(c, label) != 0)
		return false;
	pin_supply_token_away(ps, who);
	return true;
}

/* The PIN to OpenVPN (pin_supply remembers and wipes it). */
static void send_pin(struct session_core *c, void *arg, enum pin_origin from,
                     const struct secret *pin)
{
	struct pin_login *p = arg;

	(void)from;
	if (pin != NULL)
		pin_supply_send(c, p->supply, p->type);
}

/* The PIN for the request in p->request: the token's PIN state, then the supply. */
static void supply_pin(struct session_core *c, struct pin_login *p)
{
	struct pin_request *req = &p->request;

	/* A provider token has no label to look it up by: its PIN state cannot be read. */
	req->state = strcmp(p->type, PROVIDER_TOKEN_TYPE) == 0 ? P11_PIN_UNKNOWN
	                                                       : tokens_pin_state(c, req->label);
	pin_supply_get(c, p->supply, req, send_pin, p);
}

static void on_token_back(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct pin_login *p = arg;

	switch (a->result) {
	case PLAT_READ_SETTLED:
		out_status("Token '%s' is there now.", p->insertion.label);
		/* fall through */
	case PLAT_READ_OK:
	case PLAT_READ_TOO_LONG:
		if (!session_ending(c))
			supply_pin(c, p);
		return;
	case PLAT_READ_PEER_GONE:
		return;
	case PLAT_READ_INTERRUPT:
		if (session_stop_if_nobody_asked(c))
			return;
		break;
	default:
		break;
	}
	session_answer_failed(c, a->result, "the answer");
}

/* OpenVPN asks for the PIN of a token that is out: as at its own "Please insert", first the token. */
static void wait_for_token(struct session_core *c, struct pin_login *p)
{
	struct session_watch watch;

	snprintf(p->insertion.label, sizeof p->insertion.label, "%.*s", P11_LABEL_LEN,
	         p->request.label);
	p->insertion.seen_absent = false;
	tokens_watch_for_insertion(&watch, &p->insertion);
	if (c->settings->batch || !session_interactive(c)) {
		out_status("Please insert token '%s'; waiting for it (Ctrl-C to quit)...",
		           p->insertion.label);
		session_wait_for(c, &watch, on_token_back, p);
		return;
	}
	session_ask(c, ASK_TEXT, &watch, 0, on_token_back, p,
	            "Please insert token '%s'. Press Enter to continue, Ctrl-C to cancel: ",
	            p->insertion.label);
}

void pin_on_request(struct session_core *c, struct pin_login *p, struct pin_supply *ps,
                    const char *type, const char *label)
{
	bool rejected = pin_supply_request_refuses(ps, type, session_now(c));
	bool away = false;
	struct pin_request *req = &p->request;

	if (!session_can_answer_type(c, type))
		return;
	*req = (struct pin_request){.after_rejection = rejected || p->maybe_refused,
	                            .action = "Sending"};
	snprintf(p->type, sizeof p->type, "%s", type);
	p->supply = ps;
	p->maybe_refused = false;
	snprintf(req->cache_key, sizeof req->cache_key, "%s", type);
	snprintf(req->label, sizeof req->label, "%s", label);
	name_token(type, label, req->shown, sizeof req->shown);
	if (rejected && token_taken_out(c, ps, label, req->shown)) {
		rejected = req->after_rejection = false;
		away = true;
	}
	if (rejected) {
		on_rejected(c, ps, req->shown);
		if (session_ending(c))
			return;
	}
	pin_supply_forget_answer(ps);
	if (away)
		wait_for_token(c, p);
	else
		supply_pin(c, p);
}

bool pin_blame_key_failure(struct session_core *c, struct pin_supply *ps)
{
	char who[SECRET_MAX + 32], label[SECRET_MAX + 1] = "";
	const char *type = pin_supply_last_type(ps);

	if (!pin_supply_awaits_verdict(ps))
		return false;
	if (!mgmt_token_label(type, "", label, sizeof label))
		snprintf(label, sizeof label, "%s", type);
	name_token(type, label, who, sizeof who);
	if (strcmp(type, PROVIDER_TOKEN_TYPE) != 0 && token_taken_out(c, ps, label, who))
		return true; /* openvpn ends: a failure it may get past (--restart), not the PIN */
	on_rejected(c, ps, who);
	/* openvpn is ending: nothing else can be asked on this run, and --restart must not resend. */
	session_end_error(c, EXIT_PIN_REJECTED);
	return true;
}

void pin_on_restart(struct session_core *c, struct pin_login *p, struct pin_supply *ps,
                    bool before_key, const char *cause)
{
	const char *type = pin_supply_last_type(ps);
	char who[SECRET_MAX + 32], label[SECRET_MAX + 1] = "";

	if (p->pinpad_login && !before_key) {
		p->pinpad_login = false;
		out_error("The reader did not take the PIN (a wrong PIN, or none entered in time): %s.",
		          cause[0] != '\0' ? cause : "OpenVPN gave up");
		pin_supply_refused(c, ps, true);
		return;
	}
	/* Nothing of ours was put to the test, or a PIN that went through before was resent. */
	if (!pin_supply_awaits_verdict(ps) || pin_supply_answer_proven(ps) || before_key)
		return;
	if (!mgmt_token_label(type, "", label, sizeof label))
		snprintf(label, sizeof label, "%s", type);
	name_token(type, label, who, sizeof who);
	if (strcmp(type, PROVIDER_TOKEN_TYPE) != 0 && token_taken_out(c, ps, label, who))
		return;
	out_error("The token may have refused the PIN: %s right after it (%s).",
	          cause[0] != '\0' ? cause : "OpenVPN gave up", who);
	p->maybe_refused = true;
	pin_supply_refused(c, ps, false);
}

void pin_on_authenticating(struct session_core *c, struct pin_login *p, const char *label)
{
	bool pinpad = false;

	/* (--external-key: xkey.c names the pad of the signer's own login.) */
	if (!c->openvpn_uses_pinpads || c->settings->key_mode == SESSION_KEY_EXTERNAL || p->pinpad_done ||
	    label[0] == '\0' ||
	    tokens_reader(c, label, p->pinpad_reader, sizeof p->pinpad_reader, &pinpad) != 0 ||
	    !pinpad)
		return;
	p->pinpad_login = true;
	out_status("Enter the PIN on the reader '%s' (PIN pad)", p->pinpad_reader);
}

void pin_on_login_confirmed(struct pin_login *p)
{
	if (!p->pinpad_login)
		return;
	p->pinpad_login = false;
	p->pinpad_done = true;
	out_status("The reader took the PIN.");
}
