/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The server's own login on top of the certificate: OpenVPN's 'Auth' username/password, and
 * the second factors a server may ask for (doc/protocol.md, "Two-factor logins"):
 *   - a static challenge (SC: in the request): answered with the password, SCRV1 or glued;
 *   - a dynamic challenge (CRV1 in a Verification Failed): the response goes with the next
 *     request for 'Auth', under the username the challenge names;
 *   - pending auth: a question (CR_TEXT, answered with cr-response) or a web login (the URL).
 * Username and password may come from --auth-user-pass-file or the credential
 * "auth-user-pass"; a challenge is never answered unattended (--batch ends with exit 9 naming
 * it).  A refused login is said with the server's reason and ends the run: no answer is ever
 * sent again by itself.  Every answer is built in locked memory and wiped once sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "mgmt/challenge.h"
#include "platform/platform.h"
#include "session/internal.h"
#include "ui/output.h"

#define AUTH_TYPE "Auth"
/* A required response left empty is asked again this many times, then the prompt counts as cancelled. */
#define EMPTY_RESPONSE_TRIES 3

int session_auth_init(struct session_auth *a)
{
	memset(a, 0, sizeof *a);
	return secret_init(&a->user) == 0 && secret_init(&a->password) == 0 &&
	               secret_init(&a->response) == 0
	           ? 0
	           : -1;
}

static void forget_crv1(struct session_auth *a)
{
	a->crv1_pending = false;
	plat_wipe(a->crv1_state, sizeof a->crv1_state);
	plat_wipe(a->crv1_user, sizeof a->crv1_user);
	secret_clear(&a->response);
}

void session_auth_reset(struct session_auth *a)
{
	forget_crv1(a);
	secret_clear(&a->user);
	secret_clear(&a->password);
	a->pending_timeout = -1;
}

void session_auth_free(struct session_auth *a)
{
	secret_free(&a->user);
	secret_free(&a->password);
	secret_free(&a->response);
	plat_wipe(a->crv1_state, sizeof a->crv1_state);
	plat_wipe(a->crv1_user, sizeof a->crv1_user);
}

/*
 * OpenVPN 2.7 (management interface version 6) asks `Need 'Auth' username` for
 * `auth-user-pass username-only` only of a client that said `version 4`; without it, it asks
 * for a password too and sends whatever comes.  2.6 (version 5) would take `version 4` without
 * a reply, which would leave our reply matching one line behind: it is not told.
 */
void session_auth_on_greeting(struct session *s, const char *greeting)
{
	static const char prefix[] = "OpenVPN Management Interface Version ";
	const char *args[] = {"4", NULL};
	long version;

	if (strncmp(greeting, prefix, sizeof prefix - 1) != 0)
		return;
	version = strtol(greeting + sizeof prefix - 1, NULL, 10);
	/* Version 4 also means what --external-key's version 3 asks for: one announcement. */
	if (version >= 6 && session_send(s, REPLY_STATUS, TAG_PLAIN, "version", args))
		s->link.xkey.version_sent = true;
}

/* --batch: a challenge wants a person; say which one came, and end with EXIT_NEEDS_INPUT. */
static bool batch_refuses(struct session *s, const char *challenge, const char *text)
{
	if (!s->opts->batch)
		return false;
	out_error("the server asks %s, and --batch never answers a challenge%s%s", challenge,
	          text[0] != '\0' ? ": " : "", text);
	session_end_error(s, EXIT_NEEDS_INPUT);
	return true;
}

/*
 * A response into out: visible (echo) or not.  A required one may not be empty.  false after
 * the run was told what happened.
 */
static bool ask_response(struct session *s, struct secret *out, bool echo, bool required,
                         const char *text)
{
	char visible[SECRET_BUF];
	enum plat_read_result r = PLAT_READ_EOF;

	for (int i = 0; i < EMPTY_RESPONSE_TRIES; i++) {
		if (echo) {
			r = session_ask_text(s, NULL, visible, sizeof visible, "%s ", text);
			if (r == PLAT_READ_OK && secret_set(out, visible, strlen(visible)) != 0)
				r = PLAT_READ_TOO_LONG;
			plat_wipe(visible, sizeof visible);
		} else {
			r = session_ask_secret(s, out, "%s ", text);
		}
		if (r != PLAT_READ_OK || !required || !secret_empty(out))
			break;
		out_error("the server needs a response");
		r = PLAT_READ_EOF;
	}
	if (r == PLAT_READ_OK)
		return true;
	secret_clear(out);
	session_prompt_failed(s, r, "the response");
	return false;
}

/* Username and password into a->user / a->password: the source's, else a person's. */
static bool load_credentials(struct session *s, bool username_only)
{
	struct session_auth *a = &s->auth;
	char user[MGMT_PARAM_MAX];
	enum plat_read_result r;
	int got = secret_source_read_pair(&a->source, &a->user, &a->password);

	if (got < 0) {
		session_end_error(s, EXIT_USAGE);
		return false;
	}
	if (got > 0) {
		out_verbose("Sending the username and password from the %s", a->source.what);
		a->from_source = true;
		return true;
	}
	a->from_source = false;
	if (!session_may_ask(s, username_only ? "a username" : "a username and password"))
		return false;
	r = session_ask_text(s, NULL, user, sizeof user, "Username (%s): ", AUTH_TYPE);
	if (r == PLAT_READ_OK && secret_set(&a->user, user, strlen(user)) != 0)
		r = PLAT_READ_TOO_LONG;
	plat_wipe(user, sizeof user);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the username");
		return false;
	}
	if (username_only)
		return true;
	r = session_ask_secret(s, &a->password, "Password (%s): ", AUTH_TYPE);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the password");
		return false;
	}
	return true;
}

static bool send_username(struct session *s, const char *user)
{
	const char *args[] = {AUTH_TYPE, user, NULL};

	return session_send(s, REPLY_STATUS, TAG_PLAIN, "username", args);
}

/* s->scratch holds the password to send; it is wiped whatever happens. */
static void send_password(struct session *s)
{
	const char *args[] = {AUTH_TYPE, s->scratch.data, NULL};

	session_send(s, REPLY_STATUS, TAG_PLAIN, "password", args);
	secret_clear(&s->scratch);
}

/* An answer builder's result in s->scratch; false (the run ending) when it did not fit. */
static bool answer_built(struct session *s, enum challenge_status st)
{
	if (st == CHALLENGE_OK) {
		s->scratch.len = strlen(s->scratch.data);
		return true;
	}
	secret_clear(&s->scratch);
	out_error("the answer to the server's challenge cannot be sent: %s",
	          challenge_status_text(st));
	session_end_error(s, EXIT_MGMT_FAILED);
	return false;
}

/* The response to a CRV1 challenge, asked when it came: sent now under its username. */
static void answer_crv1(struct session *s)
{
	struct session_auth *a = &s->auth;
	enum challenge_status st;

	st = challenge_answer_crv1(s->scratch.data, SECRET_BUF, a->crv1_state, a->response.data,
	                           a->response.len);
	if (answer_built(s, st) && send_username(s, a->crv1_user))
		send_password(s);
	secret_clear(&s->scratch);
	forget_crv1(a);
}

/* A static challenge: the password and the response, SCRV1 or glued together. */
static void answer_static(struct session *s, const struct challenge_static *sc)
{
	struct session_auth *a = &s->auth;
	enum challenge_status st;

	if (!ask_response(s, &a->response, sc->echo, false, sc->text))
		return;
	if (sc->concat)
		st = challenge_answer_concat(s->scratch.data, SECRET_BUF, a->password.data,
		                             a->password.len, a->response.data, a->response.len);
	else
		st = challenge_answer_scrv1(s->scratch.data, SECRET_BUF, a->password.data,
		                            a->password.len, a->response.data, a->response.len);
	secret_clear(&a->response);
	if (answer_built(s, st))
		send_password(s);
}

void session_on_auth_need(struct session *s, const struct mgmt_event *ev)
{
	struct session_auth *a = &s->auth;
	struct challenge_static sc;
	bool has_sc = ev->u.password_need.challenge_raw[0] != '\0';

	if (a->crv1_pending && !has_sc) {
		answer_crv1(s);
		return;
	}
	forget_crv1(a);
	if (has_sc) {
		enum challenge_status st = challenge_parse_static(ev->u.password_need.challenge_raw, &sc);

		if (st != CHALLENGE_OK) {
			out_error("OpenVPN sent a static challenge that cannot be read (%s)",
			          challenge_status_text(st));
			session_end_error(s, EXIT_MGMT_FAILED);
			return;
		}
		/* Before anything is read or sent: a script cannot answer it anyway. */
		if (batch_refuses(s, "a static challenge", sc.text))
			return;
	}
	if (!load_credentials(s, ev->u.password_need.username_only))
		goto wipe;
	if (!send_username(s, a->user.data) || ev->u.password_need.username_only)
		goto wipe;
	if (has_sc) {
		answer_static(s, &sc);
	} else {
		secret_copy(&s->scratch, &a->password);
		send_password(s);
	}
wipe:
	secret_clear(&a->user);
	secret_clear(&a->password);
	secret_clear(&s->scratch);
}

/* A CRV1 challenge came instead of a yes: ask its response now, send it with the next request. */
static void on_crv1(struct session *s, const struct challenge_crv1 *c)
{
	struct session_auth *a = &s->auth;

	out_status("The server asks for a second factor.");
	if (batch_refuses(s, "a dynamic challenge (CRV1)", c->text))
		return;
	if (!ask_response(s, &a->response, c->echo, c->response_required, c->text))
		return;
	snprintf(a->crv1_state, sizeof a->crv1_state, "%s", c->state_id);
	snprintf(a->crv1_user, sizeof a->crv1_user, "%s", c->username);
	a->crv1_pending = true;
}

void session_on_password_failed(struct session *s, const struct mgmt_event *ev)
{
	struct challenge_crv1 c;
	const char *reason = ev->u.password_failed.crv1;

	if (strcmp(ev->u.password_failed.type, AUTH_TYPE) != 0) {
		out_error("OpenVPN: authentication failed for '%s'", ev->u.password_failed.type);
		return;
	}
	/*
	 * The server's verdict comes over the TLS session, so the token signed the handshake: the
	 * PIN is right, and is sent again by itself when 2.6 reloads the key for the next try.
	 */
	pin_cache_confirm(&s->kept.pin);
	if (strncmp(reason, "CRV1:", 5) == 0 && challenge_parse_crv1(reason, &c) == CHALLENGE_OK) {
		on_crv1(s, &c);
		plat_wipe(&c, sizeof c);
		return;
	}
	forget_crv1(&s->auth);
	if (reason[0] != '\0')
		out_error("Login refused by the server (AUTH_FAILED): %s", reason);
	else
		out_error("Login refused by the server (AUTH_FAILED)");
	/* OpenVPN (auth-retry interact) asks again; what was refused is never sent again. */
	if (s->auth.from_source)
		s->auth.source.disabled = true;
	session_end_error(s, EXIT_AUTH_REFUSED);
}

void session_auth_on_state(struct session *s, const struct mgmt_event *ev)
{
	struct session_auth *a = &s->auth;

	if (strcmp(ev->u.state.name, "CONNECTED") == 0) {
		a->pending_timeout = -1;
		return;
	}
	if (strcmp(ev->u.state.name, "AUTH_PENDING") != 0)
		return;
	a->pending_timeout = challenge_pending_timeout(ev->u.state.desc);
	if (a->pending_timeout >= 0)
		out_status("The server waits for a second factor (up to %ld s).", a->pending_timeout);
	else
		out_status("The server waits for a second factor.");
}

static void on_cr_text(struct session *s, const struct challenge_cr_text *c)
{
	struct session_auth *a = &s->auth;
	const char *args[] = {s->scratch.data, NULL};

	if (batch_refuses(s, "a pending-auth challenge (CR_TEXT)", c->text))
		return;
	if (!ask_response(s, &a->response, c->echo, c->response_required, c->text))
		return;
	if (answer_built(s, challenge_answer_cr_response(s->scratch.data, SECRET_BUF,
	                                                 a->response.data, a->response.len)))
		session_send(s, REPLY_STATUS, TAG_PLAIN, "cr-response", args);
	secret_clear(&a->response);
	secret_clear(&s->scratch);
}

static void on_web_login(struct session *s, const struct challenge_web *w)
{
	const char *how = w->open_url ? "a web login (OPEN_URL)" : "a web login (WEB_AUTH)";

	if (batch_refuses(s, how, w->url))
		return;
	out_status("Log in with your browser: %s", w->url);
	if (s->auth.pending_timeout >= 0)
		out_status("(the server waits up to %ld s)", s->auth.pending_timeout);
	/* Only for a person at this terminal, and only a URL that cannot become an option. */
	if (!challenge_url_openable(w->url) || !s->io->interactive(s->io->ctx) ||
	    s->io->open_url == NULL)
		return;
	if (s->io->open_url(s->io->ctx, w->url) > 0)
		out_status("Opened it in the desktop's browser.");
}

bool session_auth_on_infomsg(struct session *s, const struct mgmt_event *ev)
{
	const char *text = ev->u.text.text;

	if (strncmp(text, "CR_TEXT:", 8) == 0) {
		struct challenge_cr_text c;

		if (challenge_parse_cr_text(text, &c) != CHALLENGE_OK)
			return false;
		on_cr_text(s, &c);
		return true;
	}
	if (strncmp(text, "WEB_AUTH:", 9) == 0 || strncmp(text, "OPEN_URL:", 9) == 0) {
		struct challenge_web w;
		enum challenge_status st = challenge_parse_web(text, &w);

		if (st != CHALLENGE_OK) {
			out_error("the server's web login cannot be used (%s)", challenge_status_text(st));
			return true;
		}
		on_web_login(s, &w);
		return true;
	}
	return false;
}
