/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the server's login and its second factors (auth.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "platform/platform.h"
#include "session/auth.h"
#include "ui/output.h"

#define AUTH_TYPE "Auth"
/* A required response left empty is asked again this many times, then counts as cancelled. */
#define EMPTY_RESPONSE_TRIES 3

int auth_init(struct auth *a, const struct session_settings *settings)
{
	memset(a, 0, sizeof *a);
	a->source = (struct secret_source){
	    .what = "username and password", .file = settings->auth_user_pass_file,
	    .fd = -1, .credential = "auth-user-pass"};
	a->pending_timeout = -1;
	return secret_init(&a->user) == 0 && secret_init(&a->password) == 0 &&
	               secret_init(&a->response) == 0 && secret_init(&a->answer) == 0
	           ? 0
	           : -1;
}

static void forget_request(struct auth *a)
{
	plat_wipe(&a->request, sizeof a->request);
}

static void forget_crv1(struct auth *a)
{
	a->crv1_pending = false;
	plat_wipe(a->crv1_state, sizeof a->crv1_state);
	plat_wipe(a->crv1_user, sizeof a->crv1_user);
	secret_clear(&a->response);
}

static void forget_credentials(struct auth *a)
{
	secret_clear(&a->user);
	secret_clear(&a->password);
	secret_clear(&a->answer);
}

void auth_new_run(struct auth *a)
{
	forget_crv1(a);
	forget_request(a);
	forget_credentials(a);
	a->pending_timeout = -1;
}

void auth_free(struct auth *a)
{
	forget_crv1(a);
	forget_request(a);
	secret_free(&a->user);
	secret_free(&a->password);
	secret_free(&a->response);
	secret_free(&a->answer);
}

/*
 * OpenVPN 2.7 (management interface version 6) asks `Need 'Auth' username` for
 * `auth-user-pass username-only` only of a client that said `version 4`; without it, it asks
 * for a password too and sends whatever comes.  2.6 (version 5) would take `version 4` without
 * a reply, which would leave our reply matching one line behind: it is not told.
 */
void auth_on_greeting(struct session_core *c, const char *greeting)
{
	static const char prefix[] = "OpenVPN Management Interface Version ";
	const char *args[] = {"4", NULL};
	long version;

	if (strncmp(greeting, prefix, sizeof prefix - 1) != 0)
		return;
	version = strtol(greeting + sizeof prefix - 1, NULL, 10);
	/* Version 4 also means what --external-key's version 3 asks for: one announcement. */
	if (version >= 6 && session_send(c, REPLY_STATUS, TAG_PLAIN, "version", args))
		c->client_version_announced = true;
}

/* --batch: a challenge wants a person; say which one came, and end with EXIT_NEEDS_INPUT. */
static bool batch_refuses(struct session_core *c, const char *challenge, const char *text)
{
	if (!c->settings->batch)
		return false;
	out_error("the server asks %s, and --batch never answers a challenge%s%s", challenge,
	          text[0] != '\0' ? ": " : "", text);
	session_end_error(c, EXIT_NEEDS_INPUT);
	return true;
}

/* The password (or a challenge's answer) for 'Auth'; wiped whatever happens. */
static void send_password(struct session_core *c, struct secret *password)
{
	session_send_secret(c, TAG_PLAIN, "password", AUTH_TYPE, password);
}

/* An answer builder's result in a->answer; false (the run ending) when it did not fit. */
static bool answer_built(struct session_core *c, struct auth *a, enum challenge_status st)
{
	if (st == CHALLENGE_OK) {
		a->answer.len = strlen(a->answer.data);
		return true;
	}
	secret_clear(&a->answer);
	out_error("the answer to the server's challenge cannot be sent: %s",
	          challenge_status_text(st));
	session_end_error(c, EXIT_MGMT_FAILED);
	return false;
}

/* ---- the responses to challenges ---- */

static void use_response(struct session_core *c, struct auth *a);

static void ask_response(struct session_core *c, struct auth *a);

static void on_response(struct session_core *c, void *arg, const struct session_answer *ans)
{
	struct auth *a = arg;
	enum plat_read_result r = ans->result;

	if (r == PLAT_READ_OK && a->request.echo &&
	    secret_set(&a->response, ans->text, strlen(ans->text)) != 0)
		r = PLAT_READ_TOO_LONG;
	if (r == PLAT_READ_OK) {
		if (!a->request.required || !secret_empty(&a->response)) {
			use_response(c, a);
			return;
		}
		out_error("the server needs a response");
		if (++a->request.empty_tries < EMPTY_RESPONSE_TRIES) {
			ask_response(c, a);
			return;
		}
	}
	secret_clear(&a->response);
	forget_credentials(a);
	session_answer_failed(c, r == PLAT_READ_OK ? PLAT_READ_EOF : r, "the response");
}

static void ask_response(struct session_core *c, struct auth *a)
{
	if (a->request.echo)
		session_ask(c, ASK_TEXT, NULL, 0, on_response, a, "%s ", a->request.text);
	else
		session_ask_secret(c, &a->response, on_response, a, "%s ", a->request.text);
}

/* A response for use, asked visibly or not; a required one may not be empty. */
static void ask_response_for(struct session_core *c, struct auth *a, enum auth_response_use use,
                             bool echo, bool required, const char *text)
{
	a->request.use = use;
	a->request.echo = echo;
	a->request.required = required;
	a->request.empty_tries = 0;
	snprintf(a->request.text, sizeof a->request.text, "%s", text);
	ask_response(c, a);
}

/* The response to a CRV1 challenge, asked when it came: sent now under its username. */
static void answer_crv1(struct session_core *c, struct auth *a)
{
	enum challenge_status st;

	const char *args[] = {AUTH_TYPE, a->crv1_user, NULL};

	st = challenge_answer_crv1(a->answer.data, SECRET_BUF, a->crv1_state, a->response.data,
	                           a->response.len);
	if (answer_built(c, a, st) && session_send(c, REPLY_STATUS, TAG_PLAIN, "username", args))
		send_password(c, &a->answer);
	secret_clear(&a->answer);
	forget_crv1(a);
}

/* A static challenge: the password and the response, SCRV1 or glued together. */
static void answer_static(struct session_core *c, struct auth *a)
{
	const struct challenge_static *sc = &a->request.sc;
	enum challenge_status st;

	if (sc->concat)
		st = challenge_answer_concat(a->answer.data, SECRET_BUF, a->password.data,
		                             a->password.len, a->response.data, a->response.len);
	else
		st = challenge_answer_scrv1(a->answer.data, SECRET_BUF, a->password.data,
		                            a->password.len, a->response.data, a->response.len);
	secret_clear(&a->response);
	if (answer_built(c, a, st))
		send_password(c, &a->answer);
	forget_credentials(a);
}

static void answer_cr_text(struct session_core *c, struct auth *a)
{
	if (answer_built(c, a, challenge_answer_cr_response(a->answer.data, SECRET_BUF,
	                                                    a->response.data, a->response.len)))
		session_send_secret(c, TAG_PLAIN, "cr-response", NULL, &a->answer);
	secret_clear(&a->response);
}

static void use_response(struct session_core *c, struct auth *a)
{
	switch (a->request.use) {
	case RESPONSE_STATIC:
		answer_static(c, a);
		break;
	case RESPONSE_CRV1:
		/* Kept until the next Need 'Auth', which it answers under the challenge's name. */
		snprintf(a->crv1_state, sizeof a->crv1_state, "%s", a->request.crv1_state);
		snprintf(a->crv1_user, sizeof a->crv1_user, "%s", a->request.crv1_user);
		a->crv1_pending = true;
		break;
	case RESPONSE_CR_TEXT:
		answer_cr_text(c, a);
		break;
	}
}

/* ---- username and password ---- */

/* Username and password are in a->user / a->password: to OpenVPN, with a challenge's answer. */
static void send_credentials(struct session_core *c, struct auth *a)
{
	if (!session_send_secret(c, TAG_PLAIN, "username", AUTH_TYPE, &a->user) ||
	    a->request.username_only) {
		forget_credentials(a);
		return;
	}
	if (a->request.has_static) {
		ask_response_for(c, a, RESPONSE_STATIC, a->request.sc.echo, false, a->request.sc.text);
		return;
	}
	send_password(c, &a->password);
	forget_credentials(a);
}

static void on_password(struct session_core *c, void *arg, const struct session_answer *ans)
{
	struct auth *a = arg;

	if (ans->result != PLAT_READ_OK) {
		forget_credentials(a);
		session_answer_failed(c, ans->result, "the password");
		return;
	}
	send_credentials(c, a);
}

static void on_username(struct session_core *c, void *arg, const struct session_answer *ans)
{
	struct auth *a = arg;
	enum plat_read_result r = ans->result;

	if (r == PLAT_READ_OK && secret_set(&a->user, ans->text, strlen(ans->text)) != 0)
		r = PLAT_READ_TOO_LONG;
	if (r != PLAT_READ_OK) {
		forget_credentials(a);
		session_answer_failed(c, r, "the username");
		return;
	}
	if (a->request.username_only) {
		send_credentials(c, a);
		return;
	}
	session_ask_secret(c, &a->password, on_password, a, "Password (%s): ", AUTH_TYPE);
}

/* Username and password: the source's, else a person's; then sent. */
static void get_credentials(struct session_core *c, struct auth *a)
{
	char err[700];
	int got = secret_source_read_pair(&a->source, &a->user, &a->password, err, sizeof err);

	if (got < 0) {
		out_error("%s", err);
		session_end_error(c, EXIT_USAGE);
		return;
	}
	if (got > 0) {
		out_verbose("Sending the username and password from the %s", a->source.what);
		a->from_source = true;
		send_credentials(c, a);
		return;
	}
	a->from_source = false;
	if (!session_may_ask(c, a->request.username_only ? "a username"
	                                                 : "a username and password"))
		return;
	session_ask(c, ASK_TEXT, NULL, 0, on_username, a, "Username (%s): ", AUTH_TYPE);
}

void auth_on_need(struct session_core *c, struct auth *a, const struct mgmt_event *ev)
{
	bool has_sc = ev->u.password_need.challenge_raw[0] != '\0';

	if (a->crv1_pending && !has_sc) {
		answer_crv1(c, a);
		return;
	}
	forget_crv1(a);
	forget_request(a);
	a->request.username_only = ev->u.password_need.username_only;
	a->request.has_static = has_sc;
	if (has_sc) {
		enum challenge_status st =
		    challenge_parse_static(ev->u.password_need.challenge_raw, &a->request.sc);

		if (st != CHALLENGE_OK) {
			out_error("OpenVPN sent a static challenge that cannot be read (%s)",
			          challenge_status_text(st));
			session_end_error(c, EXIT_MGMT_FAILED);
			return;
		}
		/* Before anything is read or sent: a script cannot answer it anyway. */
		if (batch_refuses(c, "a static challenge", a->request.sc.text))
			return;
	}
	get_credentials(c, a);
}

/* ---- passwords of OpenVPN's own ---- */

static void on_other_password(struct session_core *c, void *arg, const struct session_answer *ans)
{
	struct auth *a = arg;

	if (ans->result != PLAT_READ_OK) {
		session_answer_failed(c, ans->result, "the password");
		return;
	}
	session_send_secret(c, TAG_PLAIN, "password", a->request.other_type, &a->password);
}

static void on_other_username(struct session_core *c, void *arg, const struct session_answer *ans)
{
	struct auth *a = arg;
	const char *args[] = {a->request.other_type, ans->text, NULL};

	if (ans->result != PLAT_READ_OK) {
		session_answer_failed(c, ans->result, "the username");
		return;
	}
	if (session_send(c, REPLY_STATUS, TAG_PLAIN, "username", args))
		session_ask_secret(c, &a->password, on_other_password, a, "Password (%s): ",
		                   a->request.other_type);
}

void auth_on_other_need(struct session_core *c, struct auth *a, const struct mgmt_event *ev)
{
	const char *type = ev->u.password_need.type;
	bool with_username = ev->u.password_need.need_username;

	if (!session_can_answer_type(c, type) ||
	    !session_may_ask(c, with_username ? "a username and password" : "a password"))
		return;
	snprintf(a->request.other_type, sizeof a->request.other_type, "%s", type);
	if (with_username)
		session_ask(c, ASK_TEXT, NULL, 0, on_other_username, a, "Username (%s): ", type);
	else
		session_ask_secret(c, &a->password, on_other_password, a, "Password (%s): ", type);
}

bool auth_on_failed(struct session_core *c, struct auth *a, const struct mgmt_event *ev)
{
	struct challenge_crv1 crv1;
	const char *reason = ev->u.password_failed.crv1;

	if (strcmp(ev->u.password_failed.type, AUTH_TYPE) != 0) {
		out_error("OpenVPN: authentication failed for '%s'", ev->u.password_failed.type);
		return false;
	}
	if (strncmp(reason, "CRV1:", 5) == 0 && challenge_parse_crv1(reason, &crv1) == CHALLENGE_OK) {
		out_status("The server asks for a second factor.");
		if (!batch_refuses(c, "a dynamic challenge (CRV1)", crv1.text)) {
			snprintf(a->request.crv1_state, sizeof a->request.crv1_state, "%s",
			         crv1.state_id);
			snprintf(a->request.crv1_user, sizeof a->request.crv1_user, "%s", crv1.username);
			ask_response_for(c, a, RESPONSE_CRV1, crv1.echo, crv1.response_required,
			                 crv1.text);
		}
		plat_wipe(&crv1, sizeof crv1);
		return true;
	}
	forget_crv1(a);
	if (reason[0] != '\0')
		out_error("Login refused by the server (AUTH_FAILED): %s", reason);
	else
		out_error("Login refused by the server (AUTH_FAILED)");
	/* OpenVPN (auth-retry interact) asks again; what was refused is never sent again. */
	if (a->from_source)
		a->source.disabled = true;
	session_end_error(c, EXIT_AUTH_REFUSED);
	return true;
}

void auth_on_state(struct auth *a, const struct mgmt_event *ev)
{
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

static void on_web_login(struct session_core *c, struct auth *a, const struct challenge_web *w)
{
	const struct io_person *person = c->world->person;
	const char *how = w->open_url ? "a web login (OPEN_URL)" : "a web login (WEB_AUTH)";

	if (batch_refuses(c, how, w->url))
		return;
	out_status("Log in with your browser: %s", w->url);
	if (a->pending_timeout >= 0)
		out_status("(the server waits up to %ld s)", a->pending_timeout);
	/* Only for a person at this terminal, and only a URL that cannot become an option. */
	if (!challenge_url_openable(w->url) || !session_interactive(c) || person->open_url == NULL)
		return;
	if (person->open_url(person->ctx, w->url) > 0)
		out_status("Opened it in the desktop's browser.");
}

bool auth_on_infomsg(struct session_core *c, struct auth *a, const struct mgmt_event *ev)
{
	const char *text = ev->u.text.text;

	if (strncmp(text, "CR_TEXT:", 8) == 0) {
		struct challenge_cr_text cr;

		if (challenge_parse_cr_text(text, &cr) != CHALLENGE_OK)
			return false;
		if (!batch_refuses(c, "a pending-auth challenge (CR_TEXT)", cr.text))
			ask_response_for(c, a, RESPONSE_CR_TEXT, cr.echo, cr.response_required, cr.text);
		return true;
	}
	if (strncmp(text, "WEB_AUTH:", 9) == 0 || strncmp(text, "OPEN_URL:", 9) == 0) {
		struct challenge_web w;
		enum challenge_status st = challenge_parse_web(text, &w);

		if (st != CHALLENGE_OK) {
			out_error("the server's web login cannot be used (%s)", challenge_status_text(st));
			return true;
		}
		on_web_login(c, a, &w);
		return true;
	}
	return false;
}
