/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Answering PASSWORD requests: the token PIN (from the cache, a source or a person), other
 * username/password requests, and the management password.
 *
 * A PIN request for the same token again, with no restart between, means the token refused
 * what we sent (OpenVPN says nothing else).  A refused PIN is dropped at once and never sent
 * again.  A PIN counts as confirmed once the tunnel comes up after it; only a confirmed PIN is
 * sent again by itself after a restart when a person is there to ask instead.
 */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "session/internal.h"
#include "ui/output.h"

/* OpenVPN closes the management connection after three wrong passwords. */
#define MGMT_PASSWORD_TRIES 3

static bool send_secret(struct session *s, const char *type, const struct secret *value, int tag)
{
	const char *args[] = {type, value->data, NULL};

	return session_send(s, REPLY_STATUS, tag, "password", args);
}

/*
 * Sends s->scratch as the PIN for type and keeps it for later restarts.  A PIN sent again from
 * the cache keeps its confirmation; a new one has none yet.
 */
static void send_pin(struct session *s, const char *type, bool from_source, bool from_cache)
{
	if (send_secret(s, type, &s->scratch, TAG_PIN))
		pin_cache_note_sent(&s->kept.pin, type, &s->scratch, from_source,
		                    !s->opts->no_cache && !from_cache);
	secret_clear(&s->scratch);
}

/*
 * 2.7's tokens through an OpenSSL provider (cert/key as pkcs11: URIs) ask with this type and no
 * label: which token it is, OpenVPN does not say.
 */
#define PROVIDER_TOKEN_TYPE "PKCS#11 token"

/* "token 'LABEL'", or for a provider token "the PKCS#11 token". */
static void name_token(const char *type, const char *label, char *out, size_t outsz)
{
	if (strcmp(type, PROVIDER_TOKEN_TYPE) == 0)
		snprintf(out, outsz, "the PKCS#11 token");
	else
		snprintf(out, outsz, "token '%s'", label);
}

static void on_rejected(struct session *s, const char *who)
{
	out_error("The PIN was rejected by %s.", who);
	if (s->kept.pin.from_source)
		s->kept.pin_source.disabled = true;
	pin_cache_drop(&s->kept.pin);
	if (s->opts->batch) {
		out_error("not trying another PIN (--batch)");
		session_end_error(s, EXIT_PIN_REJECTED);
	}
}

/* A type we could not quote back (a line break in it) cannot be answered: ask for nothing. */
static bool answerable(struct session *s, const char *type)
{
	char probe[MGMT_COMMAND_MAX + 1];
	const char *args[] = {type, "x", NULL};
	size_t n;
	enum mgmt_cmd_status st = mgmt_command_build(probe, sizeof probe, &n, "password", args);

	if (st == MGMT_CMD_OK)
		return true;
	out_error("OpenVPN asks for a password of a type that cannot be answered (%s)",
	          mgmt_command_status_text(st));
	session_end_error(s, EXIT_MGMT_FAILED);
	return false;
}

/*
 * A prompt without a terminal reads standard input (a pipe may hold the answer); end of input
 * there means nobody can be asked: say so and name the sources, instead of "Cancelled.".
 * true when that was the case (the run ends with EXIT_NEEDS_INPUT).
 */
static bool nobody_to_ask(struct session *s, enum plat_read_result r, const char *what,
                          const char *sources)
{
	if (r != PLAT_READ_EOF || s->io->interactive(s->io->ctx))
		return false;
	out_error("OpenVPN asks for %s, but there is no terminal to ask on and no source gives it: "
	          "use %s",
	          what, sources);
	session_end_error(s, EXIT_NEEDS_INPUT);
	return true;
}

#define PIN_SOURCES "--pin-file FILE, --pin-fd N or the credential 'pin'"
#define MGMT_PASSWORD_SOURCES                                                        \
	"--management-password-file FILE, --management-password-fd N or the credential " \
	"'management-password'"

static void on_pin_request(struct session *s, const char *type, const char *label)
{
	enum plat_read_result r;
	bool rejected = pin_cache_was_answered(&s->kept.pin, type);
	bool provider_token = strcmp(type, PROVIDER_TOKEN_TYPE) == 0;
	char who[SECRET_MAX + 32];
	int got;

	if (!answerable(s, type))
		return;
	name_token(type, label, who, sizeof who);
	if (rejected) {
		on_rejected(s, who);
		if (session_ending(s))
			return;
	}
	pin_cache_forget_answer(&s->kept.pin);
	/* A provider token has no label to look it up by: its PIN state cannot be read. */
	if (!provider_token && !session_token_allows_pin(s, label))
		return;
	if (pin_cache_may_resend(&s->kept.pin, type, s->opts->batch)) {
		pin_cache_copy(&s->kept.pin, &s->scratch);
		out_verbose("Sending the remembered PIN for %s", who);
		send_pin(s, type, s->kept.pin.from_source, true);
		return;
	}
	got = secret_source_read(&s->kept.pin_source, &s->scratch);
	if (got < 0) {
		session_end_error(s, EXIT_USAGE);
		return;
	}
	if (got > 0) {
		out_verbose("Sending the PIN for %s from its source", who);
		send_pin(s, type, true, false);
		return;
	}
	if (!session_may_ask(s, "the token PIN"))
		return;
	if (provider_token)
		r = session_ask_secret(s, &s->scratch, "PIN for the PKCS#11 token: ");
	else
		r = session_ask_secret(s, &s->scratch, "PIN for token '%s': ", label);
	if (rejected && r == PLAT_READ_EOF) {
		out_error("no other PIN can be asked for");
		session_end_error(s, EXIT_PIN_REJECTED);
		return;
	}
	if (r != PLAT_READ_OK || secret_empty(&s->scratch)) {
		secret_clear(&s->scratch);
		if (nobody_to_ask(s, r, "the token PIN", PIN_SOURCES))
			return;
		session_prompt_failed(s, r == PLAT_READ_OK ? PLAT_READ_EOF : r, "the PIN");
		return;
	}
	send_pin(s, type, false, false);
}

bool session_pin_fatal(struct session *s)
{
	char who[SECRET_MAX + 32], label[SECRET_MAX + 1] = "";
	const char *type = s->kept.pin.type;

	if (!s->kept.pin.answered)
		return false;
	if (!mgmt_token_label(type, "", label, sizeof label))
		snprintf(label, sizeof label, "%s", type);
	name_token(type, label, who, sizeof who);
	on_rejected(s, who);
	/* openvpn is ending: nothing else can be asked on this run, and --restart must not resend. */
	pin_cache_forget_answer(&s->kept.pin);
	session_end_error(s, EXIT_PIN_REJECTED);
	return true;
}

void session_on_pin_refused(struct session *s)
{
	/* OpenVPN did not take the command; the next request is not about a wrong PIN. */
	pin_cache_forget_answer(&s->kept.pin);
}

static void on_user_password(struct session *s, const struct mgmt_event *ev)
{
	const char *type = ev->u.password_need.type;
	char user[MGMT_PARAM_MAX];
	const char *args[] = {type, user, NULL};
	enum plat_read_result r;

	if (!answerable(s, type) ||
	    !session_may_ask(s, ev->u.password_need.need_username ? "a username and password"
	                                                          : "a password"))
		return;
	if (ev->u.password_need.need_username) {
		r = session_ask_text(s, NULL, user, sizeof user, "Username (%s): ", type);
		if (r != PLAT_READ_OK) {
			session_prompt_failed(s, r, "the username");
			return;
		}
		if (!session_send(s, REPLY_STATUS, TAG_PLAIN, "username", args))
			return;
	}
	r = session_ask_secret(s, &s->scratch, "Password (%s): ", type);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the password");
		return;
	}
	send_secret(s, type, &s->scratch, TAG_PLAIN);
	secret_clear(&s->scratch);
}

void session_on_password_need(struct session *s, const struct mgmt_event *ev)
{
	char label[SECRET_MAX + 1];

	if (mgmt_token_label(ev->u.password_need.type, "", label, sizeof label))
		on_pin_request(s, ev->u.password_need.type, label);
	else if (strcmp(ev->u.password_need.type, "Auth") == 0)
		session_on_auth_need(s, ev);
	else
		on_user_password(s, ev);
}

/* Into s->scratch: the password start chose, a source's, or a person's.  -1: session over. */
static int load_mgmt_password(struct session *s)
{
	enum plat_read_result r;
	int got;

	s->link.mgmt_password_typed = false;
	if (!secret_empty(&s->kept.mgmt_password)) {
		secret_copy(&s->scratch, &s->kept.mgmt_password);
		return 0;
	}
	got = secret_source_read(&s->kept.mgmt_password_source, &s->scratch);
	if (got != 0) {
		if (got < 0)
			session_end_error(s, EXIT_USAGE);
		return got > 0 ? 0 : -1;
	}
	if (!session_may_ask(s, "the management password"))
		return -1;
	r = session_ask_secret(s, &s->scratch, "Management password: ");
	if (nobody_to_ask(s, r, "the management password", MGMT_PASSWORD_SOURCES))
		return -1;
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the management password");
		return -1;
	}
	s->link.mgmt_password_typed = true;
	return 0;
}

void session_on_mgmt_password_prompt(struct session *s)
{
	struct session_link *l = &s->link;

	if (l->mgmt_password_tries > 0) {
		if (!l->mgmt_password_refused)
			out_error("The management password was rejected.");
		l->mgmt_password_refused = false;
		/* A file will not get any better; a person may have mistyped. */
		if (!l->mgmt_password_typed || l->mgmt_password_tries >= MGMT_PASSWORD_TRIES) {
			session_end_lost(s, EXIT_MGMT_PASSWORD);
			return;
		}
	}
	l->mgmt_password_tries++;
	l->mgmt_password_used = true;
	if (load_mgmt_password(s) != 0)
		return;
	if (s->io->send_password_line(s->io->ctx, s->scratch.data, TAG_MGMT_PASSWORD) != 0) {
		out_error("cannot send the management password (it must be one line)");
		session_end_lost(s, EXIT_MGMT_PASSWORD);
	}
	secret_clear(&s->scratch);
}

void session_on_mgmt_password_accepted(struct session *s)
{
	s->link.mgmt_password_tries = 0;
	s->link.mgmt_password_refused = false;
}

/*
 * "ERROR: bad password".  After the third one OpenVPN drops the connection at once (often
 * before that ERROR line even leaves): end here rather than wait for a prompt that never comes.
 */
void session_on_mgmt_password_refused(struct session *s)
{
	struct session_link *l = &s->link;

	l->mgmt_password_refused = true;
	out_error("The management password was rejected.");
	if (l->mgmt_password_typed && l->mgmt_password_tries < MGMT_PASSWORD_TRIES)
		return; /* the next ENTER PASSWORD asks again */
	if (l->mgmt_password_typed)
		out_error("%d wrong management passwords: OpenVPN takes no more on this connection",
		          MGMT_PASSWORD_TRIES);
	session_end_lost(s, EXIT_MGMT_PASSWORD);
}

bool session_mgmt_password_unanswered(const struct session *s)
{
	return s->link.mgmt_password_tries > 0;
}
