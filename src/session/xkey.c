/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the external key's certificate and signatures (xkey.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "session/tokens.h"
#include "session/xkey.h"
#include "ui/output.h"

/* How often a wait for the token looks again (a reload of the module each time). */
#define XKEY_POLL_MS 1000
/* A PEM certificate chain member plus the reply's lines; OpenVPN reads 1024-byte lines. */
#define XKEY_REPLY_MAX 16384
/* A token that keeps losing its login or vanishing while we sign: give up this signature. */
#define XKEY_SIGN_ATTEMPTS 4

void xkey_init(struct xkey *x, struct pin_supply *supply)
{
	memset(x, 0, sizeof *x);
	x->supply = supply;
}

void xkey_new_run(struct xkey *x)
{
	free(x->run.id);
	memset(&x->run, 0, sizeof x->run);
}

void xkey_free(struct xkey *x)
{
	xkey_new_run(x);
}

static const struct io_signer *signer(const struct session_core *c)
{
	return c->world->signer;
}

/* Whole lines as they are; OpenVPN answers SUCCESS or ERROR.  The buffer is wiped after. */
static void send_reply(struct session_core *c, char *text, size_t len)
{
	session_send_lines(c, text, len, true, TAG_PLAIN);
	plat_wipe(text, len);
}

static void send_version(struct session_core *c)
{
	char line[] = "version 3\n";

	/* No reply comes for N <= 3 (2.6 and 2.7 alike): nothing is awaited. */
	if (c->client_version_announced)
		return;
	c->client_version_announced = true;
	session_send_lines(c, line, sizeof line - 1, false, TAG_PLAIN);
}

void xkey_on_greeting(struct session_core *c)
{
	if (c->settings->key_mode == SESSION_KEY_EXTERNAL)
		send_version(c);
}

/* The empty signature: OpenVPN fails this handshake and says so in its log. */
static void refuse(struct session_core *c, struct xkey *x)
{
	char out[64];
	size_t len;

	x->run.task = XKEY_IDLE;
	if (pk_reply_signature(NULL, 0, out, sizeof out, &len) == PK_REPLY_OK)
		send_reply(c, out, len);
}

/* The token's label from the chosen id, for messages and the PIN cache. */
static void label_of(const char *id, char *out, size_t outsz)
{
	struct p11_id_fields f;
	char err[128];

	if (id == NULL || p11_id_decode(id, &f, err, sizeof err) != 0)
		f.label_len = 0;
	snprintf(out, outsz, "%.*s", (int)f.label_len, (const char *)f.label);
}

static void step(struct session_core *c, struct xkey *x);

/* ---- the token: selected, or waited for ---- */

static bool token_back(struct session_core *c, void *arg)
{
	struct xkey *x = arg;
	char err[300];

	if (signer(c)->reload(signer(c)->ctx, err, sizeof err) != 0)
		return false;
	x->run.selected = signer(c)->select(signer(c)->ctx, x->run.id, err, sizeof err) ==
	                  P11_SELECT_OK;
	return x->run.selected;
}

static void on_token_wait(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct xkey *x = arg;

	switch (a->result) {
	case PLAT_READ_SETTLED:
		out_status("Token '%s' is there now.", x->run.label);
		step(c, x);
		return;
	case PLAT_READ_OK:
	case PLAT_READ_TOO_LONG:
		/* The watch did not see it yet: look once more now. */
		token_back(c, x);
		step(c, x);
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

/* As at NEED-OK token-insertion-request: Enter, Ctrl-C, or the token arriving. */
static void wait_for_token(struct session_core *c, struct xkey *x)
{
	struct session_watch watch = {XKEY_POLL_MS, token_back, x};

	if (c->settings->batch || !session_interactive(c)) {
		out_status("Please insert token '%s'; waiting for it (Ctrl-C to quit)...",
		           x->run.label);
		session_wait_for(c, &watch, on_token_wait, x);
		return;
	}
	session_ask(c, ASK_TEXT, &watch, 0, on_token_wait, x,
	            "Please insert token '%s'. Press Enter to continue, Ctrl-C to cancel: ",
	            x->run.label);
}

/* true when selected; false when waiting for the token or the run ends. */
static bool select_chosen(struct session_core *c, struct xkey *x)
{
	char err[300];

	switch (signer(c)->select(signer(c)->ctx, x->run.id, err, sizeof err)) {
	case P11_SELECT_OK:
		x->run.selected = true;
		return true;
	case P11_SELECT_TOKEN_ABSENT:
		wait_for_token(c, x);
		return false;
	case P11_SELECT_NO_KEY:
		out_error("token '%s' no longer holds the chosen certificate and key: %s",
		          x->run.label, err);
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return false;
	default:
		out_error("cannot use the PKCS#11 provider '%s': %s", c->provider, err);
		session_end_error(c, EXIT_PROVIDER);
		return false;
	}
}

/* ---- the login ---- */

static void on_pin_refused(struct session_core *c, struct xkey *x)
{
	x->run.pin_refused = true;
	pin_supply_refused(c, x->supply, false);
}

/* The token refuses every PIN now: nothing is tried, the run ends. */
static void end_locked(struct session_core *c, struct xkey *x)
{
	out_error("token '%s' is locked (CKR_PIN_LOCKED): it accepts no PIN until it is "
	          "unblocked (with its PUK or security officer PIN)", x->run.label);
	session_end_error(c, EXIT_TOKEN_LOCKED);
}

/*
 * A PIN pad: C_Login without a PIN returns once the person typed it on the reader, or the
 * reader gave up (the one wait pauses meanwhile: a PKCS#11 call cannot be left).
 */
static void log_in_on_pinpad(struct session_core *c, struct xkey *x)
{
	struct p11_login_report rep;
	enum p11_login_result res = signer(c)->login(signer(c)->ctx, NULL, &rep);

	switch (res) {
	case P11_LOGIN_OK:
		out_status("The reader took the PIN.");
		x->run.pin_refused = false;
		break;
	case P11_LOGIN_PIN_INCORRECT:
		out_error("The reader did not take the PIN: it was wrong (CKR_PIN_INCORRECT).");
		on_pin_refused(c, x);
		/* This signature is given up: the person tries again at OpenVPN's next attempt. */
		refuse(c, x);
		break;
	case P11_LOGIN_PIN_LOCKED:
		end_locked(c, x);
		return;
	case P11_LOGIN_TOKEN_ABSENT:
		x->run.selected = false;
		break;
	default:
		/* CKR_FUNCTION_CANCELED and the like: nobody typed in time, or it was cancelled. */
		out_error("The reader did not take the PIN (%s): none was entered in time, or it was "
		          "cancelled.", rep.err);
		on_pin_refused(c, x);
		refuse(c, x);
		break;
	}
	if (!x->run.stepping)
		step(c, x);
}

/* C_Login with the PIN (pin_supply wipes it), then on with the request. */
static void log_in_with(struct session_core *c, void *arg, enum pin_origin from,
                        const struct secret *pin)
{
	struct xkey *x = arg;
	struct p11_login_report rep;
	enum p11_login_result res;

	if (from == PIN_ON_PINPAD) {
		log_in_on_pinpad(c, x);
		return;
	}
	if (pin == NULL)
		return;
	res = signer(c)->login(signer(c)->ctx, pin->data, &rep);
	if (res != P11_LOGIN_OK)
		pin_supply_forget_answer(x->supply);
	switch (res) {
	case P11_LOGIN_OK:
		/* The token itself said yes: nothing to wait for. */
		pin_supply_logged_in(c, x->supply);
		x->run.pin_refused = false;
		break;
	case P11_LOGIN_PIN_INCORRECT:
		out_error("The PIN was rejected by token '%s' (CKR_PIN_INCORRECT).", x->run.label);
		on_pin_refused(c, x);
		break;
	case P11_LOGIN_PIN_LOCKED:
		pin_supply_drop(x->supply);
		end_locked(c, x);
		return;
	case P11_LOGIN_TOKEN_ABSENT:
		x->run.selected = false;
		break;
	default:
		if (rep.ckr == 0) {
			/* C_Login was not even called: the module, not the PIN. */
			out_error("cannot log in to token '%s': %s", x->run.label, rep.err);
			session_end_error(c, EXIT_PROVIDER);
			return;
		}
		/*
		 * Some cards say a wrong PIN this way (OpenSC on a CAC card: CKR_GENERAL_ERROR), and
		 * so does a card pulled during the login: only a token still there refused it.
		 */
		if (tokens_present(c, x->run.label) == 0) {
			char who[P11_LABEL_LEN + 16];

			snprintf(who, sizeof who, "token '%s'", x->run.label);
			pin_supply_token_away(x->supply, who);
			x->run.selected = false;
			break;
		}
		out_error("The token may have refused the PIN: %s (token '%s').", rep.err,
		          x->run.label);
		on_pin_refused(c, x);
		break;
	}
	/* A PIN that came at once: step() is still running and goes on by itself. */
	if (!x->run.stepping)
		step(c, x);
}

enum login_state { LOGGED_IN, LOGIN_UNDER_WAY, TOKEN_GONE };

static enum login_state log_in(struct session_core *c, struct xkey *x)
{
	struct p11_token tok;
	struct pin_request req = {.after_rejection = false, .action = "Logging in with"};

	if (!signer(c)->login_needed(signer(c)->ctx))
		return LOGGED_IN;
	if (signer(c)->token(signer(c)->ctx, &tok) != 0) {
		x->run.selected = false;
		return TOKEN_GONE;
	}
	snprintf(x->run.label, sizeof x->run.label, "%s", tok.label);
	snprintf(req.cache_key, sizeof req.cache_key, "%s", tok.label);
	snprintf(req.label, sizeof req.label, "%s", tok.label);
	snprintf(req.shown, sizeof req.shown, "token '%s'", tok.label);
	/* The flags as the last look at the slots read them (after a failed login: fresh). */
	req.state = tok.pin_state;
	if (tok.protected_auth_path)
		req.pinpad_reader = tok.slot_description;
	req.after_rejection = x->run.pin_refused;
	pin_supply_get(c, x->supply, &req, log_in_with, x);
	return LOGIN_UNDER_WAY;
}

/* ---- the requests ---- */

static void send_certificate(struct session_core *c, struct xkey *x)
{
	static char pem[XKEY_REPLY_MAX], out[XKEY_REPLY_MAX];
	size_t len;
	enum pk_reply_status st;

	x->run.task = XKEY_IDLE;
	if (signer(c)->cert_pem(signer(c)->ctx, pem, sizeof pem) != 0) {
		out_error("cannot read the chosen certificate from the token");
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return;
	}
	st = pk_reply_certificate(pem, out, sizeof out, &len);
	if (st != PK_REPLY_OK) {
		out_error("cannot send the certificate to OpenVPN: %s", pk_reply_status_text(st));
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return;
	}
	send_reply(c, out, len);
}

static void send_signature(struct session_core *c, struct xkey *x, const unsigned char *sig,
                           size_t n)
{
	char out[4096];
	size_t len;
	enum pk_reply_status st = pk_reply_signature(sig, n, out, sizeof out, &len);

	x->run.task = XKEY_IDLE;
	if (st == PK_REPLY_OK) {
		send_reply(c, out, len);
		return;
	}
	out_error("cannot send the signature to OpenVPN: %s", pk_reply_status_text(st));
	refuse(c, x);
}

/* A token that keeps losing its login or vanishing: this signature is given up. */
static void count_attempt(struct session_core *c, struct xkey *x)
{
	if (++x->run.attempts < XKEY_SIGN_ATTEMPTS)
		return;
	out_error("the token keeps losing its login; the signature (%s) is refused", x->run.what);
	refuse(c, x);
}

/* One signature with the logged-in key. */
static void sign(struct session_core *c, struct xkey *x)
{
	const struct pk_request *req = &x->run.request;
	unsigned char sig[P11_SIG_MAX];
	char err[300];
	size_t n = 0;

	switch (signer(c)->sign(signer(c)->ctx, &req->alg, req->data, req->data_len, sig, sizeof sig,
	                        &n, err, sizeof err)) {
	case P11_SIGN_OK:
		out_verbose("Signed on the token (%s)", x->run.what);
		send_signature(c, x, sig, n);
		plat_wipe(sig, sizeof sig);
		return;
	case P11_SIGN_NOT_LOGGED_IN:
		out_verbose("the token lost its login; logging in again");
		break;
	case P11_SIGN_TOKEN_ABSENT:
		x->run.selected = false;
		break;
	case P11_SIGN_UNSUPPORTED:
		out_error("the key on the token cannot make a %s signature: %s; refused", x->run.what,
		          err);
		refuse(c, x);
		return;
	default:
		out_error("the token did not sign (%s): %s; refused", x->run.what, err);
		refuse(c, x);
		return;
	}
	count_attempt(c, x);
}

/*
 * On with the request under way, until it is answered or something must be waited for (a
 * question is open then: its answer calls step() again).
 */
static void step(struct session_core *c, struct xkey *x)
{
	x->run.stepping = true;
	while (x->run.task != XKEY_IDLE && !session_ending(c) && !session_asking(c)) {
		if (!x->run.selected && !select_chosen(c, x))
			break;
		if (x->run.task == XKEY_CERTIFICATE) {
			send_certificate(c, x);
			break;
		}
		switch (log_in(c, x)) {
		case LOGGED_IN:
			sign(c, x);
			break;
		case LOGIN_UNDER_WAY:
			/* A PIN from the cache or a source logged in already; a person's comes later. */
			break;
		case TOKEN_GONE:
			count_attempt(c, x);
			break;
		}
	}
	x->run.stepping = false;
}

void xkey_on_token_gone(struct xkey *x)
{
	x->run.selected = false;
}

void xkey_answer_certificate(struct session_core *c, struct xkey *x, const char *id)
{
	free(x->run.id);
	x->run.id = strdup(id);
	x->run.selected = false;
	x->run.task = XKEY_CERTIFICATE;
	label_of(id, x->run.label, sizeof x->run.label);
	if (x->run.id == NULL) {
		out_error("out of memory");
		session_end_error(c, EXIT_INTERNAL);
		return;
	}
	step(c, x);
}

static void on_sign(struct session_core *c, struct xkey *x, const char *chosen_id)
{
	const struct pk_request *req = &x->run.request;

	if (req->type == PK_REQ_MALFORMED) {
		out_error("OpenVPN sent a signature request ovpn-token cannot read; refused");
		refuse(c, x);
		return;
	}
	if (req->alg.padding == PK_PAD_UNSUPPORTED) {
		out_error("OpenVPN asks for a signature of a kind ovpn-token does not make (%.80s); "
		          "refused", req->alg_text);
		refuse(c, x);
		return;
	}
	pk_alg_describe(&req->alg, x->run.what, sizeof x->run.what);
	if (chosen_id == NULL) {
		out_error("OpenVPN asks for a signature (%s) before it asked for the certificate; "
		          "refused", x->run.what);
		refuse(c, x);
		return;
	}
	if (x->run.id == NULL || strcmp(x->run.id, chosen_id) != 0) {
		free(x->run.id);
		x->run.id = strdup(chosen_id);
		x->run.selected = false;
		label_of(chosen_id, x->run.label, sizeof x->run.label);
	}
	x->run.task = XKEY_SIGNATURE;
	x->run.attempts = 0;
	x->run.pin_refused = false;
	step(c, x);
}

/*
 * OpenVPN asks for the certificate again after each of its restarts.  The one chosen before,
 * still selected in the open signer (the token stayed: neither its removal nor a look came
 * between), goes again from there with the signer's login kept: listing the certificates would
 * load the module afresh (seconds on a card) and end the signer's login.  --no-cache asks again
 * after every restart, as it does for the PIN.
 */
static bool answered_from_signer(struct session_core *c, struct xkey *x, const char *chosen_id)
{
	if (c->settings->no_cache || chosen_id == NULL || !x->run.selected || x->run.id == NULL ||
	    strcmp(x->run.id, chosen_id) != 0 || !signer(c)->has_selected(signer(c)->ctx, chosen_id))
		return false;
	out_verbose("Using the certificate chosen before, still selected on token '%s'",
	            x->run.label);
	x->run.task = XKEY_CERTIFICATE;
	send_certificate(c, x);
	return true;
}

enum pk_request_type xkey_on_request(struct session_core *c, struct xkey *x,
                                     const struct mgmt_event *ev, const char *chosen_id)
{
	pk_request_parse_notification(ev->u.notify.name, ev->u.notify.text, &x->run.request);
	switch (x->run.request.type) {
	case PK_REQ_NONE:
		return PK_REQ_NONE;
	case PK_REQ_NEED_CERTIFICATE:
		/* attach: openvpn was started elsewhere; the algorithm comes only after version 3. */
		send_version(c);
		return answered_from_signer(c, x, chosen_id) ? PK_REQ_NONE : PK_REQ_NEED_CERTIFICATE;
	default:
		on_sign(c, x, chosen_id);
		return x->run.request.type;
	}
}
