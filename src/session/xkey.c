/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The external key (start --external-key, or an openvpn started with
 * --management-external-key/-cert): OpenVPN asks for the certificate (>NEED-CERTIFICATE) and
 * for every signature (>PK_SIGN), and ovpn-token answers from the token through its own signer.
 *
 * The login is ours, so unlike OpenVPN's PASSWORD requests its result is exact: C_Login says
 * CKR_PIN_INCORRECT or CKR_PIN_LOCKED, and a PIN the token took is known to be right at once
 * (it counts as confirmed).  The same PIN sources, cache, prompt and lockout protection as for
 * PASSWORD requests apply.  A signature we cannot make gets the empty pk-sig, which OpenVPN
 * reports as a failed signature: never a wrong one.
 */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "mgmt/pk_sign.h"
#include "session/internal.h"
#include "ui/output.h"

/* How often a wait for the token looks again (a reload of the module each time). */
#define XKEY_LOOK_MS 1000
/* A PEM certificate chain member plus the reply's lines; OpenVPN reads 1024-byte lines. */
#define XKEY_REPLY_MAX 16384
/* A token that keeps losing its login or vanishing while we sign: give up this signature. */
#define XKEY_SIGN_ATTEMPTS 4

/* One request at a time (the session is single-threaded); too large for the stack of a handler. */
static struct pk_request request;

void session_xkey_reset(struct session *s)
{
	s->link.xkey = (struct xkey_link){0};
}

/* Whole lines as they are; OpenVPN answers SUCCESS or ERROR.  The buffer is wiped after. */
static bool send_reply(struct session *s, char *text, size_t len)
{
	int rc = s->io->send_lines(s->io->ctx, text, len, true, TAG_PLAIN);

	plat_wipe(text, len);
	if (rc == 0)
		return true;
	out_error("cannot write to the management interface");
	session_end_lost(s, EXIT_MGMT_FAILED);
	return false;
}

static void send_version(struct session *s)
{
	char line[] = "version 3\n";

	/* No reply comes for N <= 3 (2.6 and 2.7 alike): nothing is awaited. */
	if (s->link.xkey.version_sent)
		return;
	s->link.xkey.version_sent = true;
	if (s->io->send_lines(s->io->ctx, line, sizeof line - 1, false, TAG_PLAIN) != 0) {
		out_error("cannot write to the management interface");
		session_end_lost(s, EXIT_MGMT_FAILED);
	}
}

void session_xkey_on_greeting(struct session *s)
{
	if (s->opts->external_key)
		send_version(s);
}

/* The empty signature: OpenVPN fails this handshake and says so in its log. */
static void refuse(struct session *s)
{
	char out[64];
	size_t len;

	if (pk_reply_signature(NULL, 0, out, sizeof out, &len) == PK_REPLY_OK)
		send_reply(s, out, len);
}

/* The token's label from the chosen id, for messages and the PIN cache. */
static void chosen_label(const struct session *s, char *out, size_t outsz)
{
	struct p11_id_fields f;
	char err[128];

	if (s->kept.chosen_id == NULL || p11_id_decode(s->kept.chosen_id, &f, err, sizeof err) != 0)
		f.label_len = 0;
	snprintf(out, outsz, "%.*s", (int)f.label_len, (const char *)f.label);
}

/* ---- the token: selected, or waited for ---- */

static bool token_back(void *arg)
{
	struct session *s = arg;
	char err[300];

	if (s->io->signer_reload(s->io->ctx, err, sizeof err) != 0)
		return false;
	return s->io->signer_select(s->io->ctx, s->kept.chosen_id, err, sizeof err) ==
	       P11_SELECT_OK;
}

/* As at NEED-OK token-insertion-request: Enter, Ctrl-C, or the token arriving.  true: look again. */
static bool wait_for_token(struct session *s, const char *label)
{
	struct plat_prompt_watch watch = {XKEY_LOOK_MS, token_back, s};
	char answer[64];
	enum plat_read_result r;

	if (s->opts->batch || !s->io->interactive(s->io->ctx)) {
		out_status("Please insert token '%s'; waiting for it (Ctrl-C to quit)...", label);
		switch (session_wait_quietly(s, &watch)) {
		case WAIT_SETTLED:
			out_status("Token '%s' is there now.", label);
			return true;
		case WAIT_INTERRUPTED:
			session_end_stop(s);
			return false;
		default:
			return false;
		}
	}
	r = session_ask_text(s, &watch, answer, sizeof answer,
	                     "Please insert token '%s'. Press Enter to continue, Ctrl-C to cancel: ",
	                     label);
	if (r == PLAT_READ_SETTLED) {
		out_status("Token '%s' is there now.", label);
		return true;
	}
	if (r == PLAT_READ_OK || r == PLAT_READ_TOO_LONG) {
		/* The watch did not see it yet: look once more now. */
		token_back(s);
		return true;
	}
	session_prompt_failed(s, r, "the answer");
	return false;
}

static bool select_chosen(struct session *s)
{
	char err[300], label[P11_LABEL_LEN + 1];

	chosen_label(s, label, sizeof label);
	while (!session_ending(s)) {
		switch (s->io->signer_select(s->io->ctx, s->kept.chosen_id, err, sizeof err)) {
		case P11_SELECT_OK:
			s->link.xkey.selected = true;
			return true;
		case P11_SELECT_TOKEN_ABSENT:
			if (!wait_for_token(s, label))
				return false;
			break;
		case P11_SELECT_NO_KEY:
			out_error("token '%s' no longer holds the chosen certificate and key: %s", label,
			          err);
			session_end_error(s, EXIT_NO_CERTIFICATE);
			return false;
		default:
			out_error("cannot use the PKCS#11 provider '%s': %s", s->kept.provider, err);
			session_end_error(s, EXIT_PROVIDER);
			return false;
		}
	}
	return false;
}

/* ---- the login ---- */

/* Into s->scratch: the kept PIN (*from_cache), a source's (*from_source), or a person's. */
static bool get_pin(struct session *s, const char *label, bool *from_cache, bool *from_source)
{
	enum plat_read_result r;
	int got;

	*from_cache = *from_source = false;
	if (pin_cache_may_resend(&s->kept.pin, label, s->opts->batch)) {
		pin_cache_copy(&s->kept.pin, &s->scratch);
		*from_cache = true;
		*from_source = s->kept.pin.from_source;
		out_verbose("Logging in to token '%s' with the remembered PIN", label);
		return true;
	}
	got = secret_source_read(&s->kept.pin_source, &s->scratch);
	if (got < 0) {
		session_end_error(s, EXIT_USAGE);
		return false;
	}
	if (got > 0) {
		*from_source = true;
		out_verbose("Logging in to token '%s' with the PIN from its source", label);
		return true;
	}
	if (!session_may_ask(s, "the token PIN"))
		return false;
	r = session_ask_secret(s, &s->scratch, "PIN for token '%s': ", label);
	if (r != PLAT_READ_OK || secret_empty(&s->scratch)) {
		secret_clear(&s->scratch);
		session_prompt_failed(s, r == PLAT_READ_OK ? PLAT_READ_EOF : r, "the PIN");
		return false;
	}
	return true;
}

static void on_pin_incorrect(struct session *s, const char *label, bool from_source)
{
	out_error("The PIN was rejected by token '%s' (CKR_PIN_INCORRECT).", label);
	if (from_source)
		s->kept.pin_source.disabled = true;
	pin_cache_drop(&s->kept.pin);
	if (s->opts->batch) {
		out_error("not trying another PIN (--batch)");
		session_end_error(s, EXIT_PIN_REJECTED);
	}
}

/* Logged in, or the run is ending (said why). */
static bool log_in(struct session *s)
{
	const struct session_io *io = s->io;
	struct p11_token tok;
	struct p11_login_report rep;
	bool from_cache, from_source;
	enum p11_login_result res;

	while (!session_ending(s)) {
		if (!io->signer_login_needed(io->ctx))
			return true;
		if (io->signer_token(io->ctx, &tok) != 0) {
			s->link.xkey.selected = false;
			if (!select_chosen(s))
				return false;
			continue;
		}
		/* The flags as the last look at the slots read them (after a failed login: fresh). */
		if (!session_pin_state_allows_pin(s, tok.label, tok.pin_state) ||
		    !get_pin(s, tok.label, &from_cache, &from_source))
			return false;
		res = io->signer_login(io->ctx, s->scratch.data, &rep);
		if (res == P11_LOGIN_OK && !from_cache)
			pin_cache_note_sent(&s->kept.pin, tok.label, &s->scratch, from_source,
			                    !s->opts->no_cache);
		secret_clear(&s->scratch);
		pin_cache_forget_answer(&s->kept.pin);
		switch (res) {
		case P11_LOGIN_OK:
			/* The token itself said yes: nothing to wait for. */
			pin_cache_confirm(&s->kept.pin);
			return true;
		case P11_LOGIN_PIN_INCORRECT:
			on_pin_incorrect(s, tok.label, from_source);
			break;
		case P11_LOGIN_PIN_LOCKED:
			pin_cache_drop(&s->kept.pin);
			out_error("token '%s' is locked (CKR_PIN_LOCKED): it accepts no PIN until it is "
			          "unblocked (with its PUK or security officer PIN)", tok.label);
			session_end_error(s, EXIT_TOKEN_LOCKED);
			return false;
		case P11_LOGIN_TOKEN_ABSENT:
			s->link.xkey.selected = false;
			if (!select_chosen(s))
				return false;
			break;
		default:
			out_error("cannot log in to token '%s': %s", tok.label, rep.err);
			session_end_error(s, EXIT_PROVIDER);
			return false;
		}
	}
	return false;
}

/* ---- the requests ---- */

void session_xkey_answer_certificate(struct session *s, const char *id)
{
	static char pem[XKEY_REPLY_MAX], out[XKEY_REPLY_MAX];
	size_t len;
	enum pk_reply_status st;

	(void)id; /* kept.chosen_id, which cert.c just set */
	s->link.xkey.selected = false;
	if (!select_chosen(s))
		return;
	if (s->io->signer_cert_pem(s->io->ctx, pem, sizeof pem) != 0) {
		out_error("cannot read the chosen certificate from the token");
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	st = pk_reply_certificate(pem, out, sizeof out, &len);
	if (st != PK_REPLY_OK) {
		out_error("cannot send the certificate to OpenVPN: %s", pk_reply_status_text(st));
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	send_reply(s, out, len);
}

static void send_signature(struct session *s, const unsigned char *sig, size_t n)
{
	char out[4096];
	size_t len;
	enum pk_reply_status st = pk_reply_signature(sig, n, out, sizeof out, &len);

	if (st == PK_REPLY_OK) {
		send_reply(s, out, len);
		return;
	}
	out_error("cannot send the signature to OpenVPN: %s", pk_reply_status_text(st));
	refuse(s);
}

static void on_sign(struct session *s, const struct pk_request *req)
{
	unsigned char sig[P11_SIG_MAX];
	char what[128], err[300];
	size_t n = 0;

	if (req->type == PK_REQ_MALFORMED) {
		out_error("OpenVPN sent a signature request ovpn-token cannot read; refused");
		refuse(s);
		return;
	}
	if (req->alg.padding == PK_PAD_UNSUPPORTED) {
		out_error("OpenVPN asks for a signature of a kind ovpn-token does not make (%.80s); "
		          "refused", req->alg_text);
		refuse(s);
		return;
	}
	pk_alg_describe(&req->alg, what, sizeof what);
	if (s->kept.chosen_id == NULL) {
		out_error("OpenVPN asks for a signature (%s) before it asked for the certificate; "
		          "refused", what);
		refuse(s);
		return;
	}
	for (int attempt = 0; attempt < XKEY_SIGN_ATTEMPTS; attempt++) {
		if (!s->link.xkey.selected && !select_chosen(s))
			return;
		if (!log_in(s))
			return;
		switch (s->io->signer_sign(s->io->ctx, &req->alg, req->data, req->data_len, sig,
		                           sizeof sig, &n, err, sizeof err)) {
		case P11_SIGN_OK:
			out_verbose("Signed on the token (%s)", what);
			send_signature(s, sig, n);
			plat_wipe(sig, sizeof sig);
			return;
		case P11_SIGN_NOT_LOGGED_IN:
			out_verbose("the token lost its login; logging in again");
			break;
		case P11_SIGN_TOKEN_ABSENT:
			s->link.xkey.selected = false;
			break;
		case P11_SIGN_UNSUPPORTED:
			out_error("the key on the token cannot make a %s signature: %s; refused", what, err);
			refuse(s);
			return;
		default:
			out_error("the token did not sign (%s): %s; refused", what, err);
			refuse(s);
			return;
		}
	}
	out_error("the token keeps losing its login; the signature (%s) is refused", what);
	refuse(s);
}

bool session_on_external_key(struct session *s, const struct mgmt_event *ev)
{
	pk_request_parse_notification(ev->u.notify.name, ev->u.notify.text, &request);
	switch (request.type) {
	case PK_REQ_NONE:
		return false;
	case PK_REQ_NEED_CERTIFICATE:
		/* attach: openvpn was started elsewhere; the algorithm comes only after version 3. */
		send_version(s);
		if (!session_ending(s))
			session_on_certificate_request(s);
		return true;
	default:
		on_sign(s, &request);
		return true;
	}
}
