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
#include "platform/platform.h"
#include "session/internal.h"
#include "ui/output.h"
#include "ui/prompt.h"

/* OpenVPN closes the management connection after three wrong passwords. */
#define MGMT_PASSWORD_TRIES 3

bool session_token_label(const char *text, const char *prefix, char *label, size_t labelsz)
{
	static const char suffix[] = " token";
	size_t n = strlen(text), p = strlen(prefix), t = sizeof suffix - 1;

	if (n <= p + t || strncmp(text, prefix, p) != 0 || strcmp(text + n - t, suffix) != 0 ||
	    n - p - t >= labelsz)
		return false;
	memcpy(label, text + p, n - p - t);
	label[n - p - t] = '\0';
	return true;
}

void session_note_restart(struct session *s)
{
	s->pin_answered = false;
}

void session_note_login_confirmed(struct session *s)
{
	if (s->pin_cached)
		s->pin_verified = true;
	s->pin_answered = false;
}

static void drop_cached_pin(struct session *s)
{
	secret_clear(&s->pin);
	s->pin_cached = s->pin_verified = false;
}

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
	bool sent = send_secret(s, type, &s->scratch, TAG_PIN);

	if (sent) {
		snprintf(s->pin_type, sizeof s->pin_type, "%s", type);
		s->pin_answered = true;
		s->pin_from_source = from_source;
		if (!s->opts->no_cache && !from_cache) {
			secret_copy(&s->pin, &s->scratch);
			s->pin_cached = true;
			s->pin_verified = false;
		}
	}
	secret_clear(&s->scratch);
}

static void on_rejected(struct session *s, const char *label)
{
	out_error("The PIN was rejected by token '%s'.", label);
	drop_cached_pin(s);
	if (s->pin_from_source)
		s->pin_source.disabled = true;
	if (s->opts->batch) {
		out_error("not trying another PIN (--batch)");
		session_finish(s, EXIT_PIN_REJECTED);
	}
}

/* The cached PIN, when it may be sent without asking. */
static bool may_reuse_cache(const struct session *s, const char *type)
{
	if (!s->pin_cached || strcmp(s->pin_type, type) != 0)
		return false;
	/*
	 * An unconfirmed PIN followed by a restart (not a repeat) may be one the token gave up on:
	 * a person is asked rather than risking a try; a script made only this one attempt.
	 */
	return s->pin_verified || s->opts->batch;
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
	session_finish(s, EXIT_MGMT_FAILED);
	return false;
}

static void on_pin_request(struct session *s, const char *type, const char *label)
{
	enum plat_read_result r;
	bool rejected = s->pin_answered && strcmp(s->pin_type, type) == 0;
	int got;

	if (!answerable(s, type))
		return;
	if (rejected) {
		on_rejected(s, label);
		if (s->finished || s->stop_requested)
			return;
	}
	s->pin_answered = false;
	if (!session_token_allows_pin(s, label))
		return;
	if (may_reuse_cache(s, type)) {
		secret_copy(&s->scratch, &s->pin);
		out_verbose("Sending the remembered PIN for token '%s'", label);
		send_pin(s, type, s->pin_from_source, true);
		return;
	}
	got = secret_source_read(&s->pin_source, &s->scratch);
	if (got < 0) {
		session_finish(s, EXIT_USAGE);
		return;
	}
	if (got > 0) {
		out_verbose("Sending the PIN for token '%s' from its source", label);
		send_pin(s, type, true, false);
		return;
	}
	if (!session_may_ask(s, "the token PIN"))
		return;
	r = prompt_secret(s->conn->sock, &s->scratch, "PIN for token '%s': ", label);
	if (rejected && r == PLAT_READ_EOF) {
		out_error("no other PIN can be asked for");
		session_finish(s, EXIT_PIN_REJECTED);
		return;
	}
	if (r != PLAT_READ_OK || secret_empty(&s->scratch)) {
		secret_clear(&s->scratch);
		session_prompt_failed(s, r == PLAT_READ_OK ? PLAT_READ_EOF : r, "the PIN");
		return;
	}
	send_pin(s, type, false, false);
}

void session_on_pin_refused(struct session *s)
{
	/* OpenVPN did not take the command; the next request is not about a wrong PIN. */
	s->pin_answered = false;
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
		r = prompt_text(s->conn->sock, user, sizeof user, "Username (%s): ", type);
		if (r != PLAT_READ_OK) {
			session_prompt_failed(s, r, "the username");
			return;
		}
		if (!session_send(s, REPLY_STATUS, TAG_PLAIN, "username", args))
			return;
	}
	r = prompt_secret(s->conn->sock, &s->scratch, "Password (%s): ", type);
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

	if (session_token_label(ev->u.password_need.type, "", label, sizeof label))
		on_pin_request(s, ev->u.password_need.type, label);
	else
		on_user_password(s, ev);
}

/* Into s->scratch: the password start chose, a source's, or a person's.  -1: session over. */
static int load_mgmt_password(struct session *s)
{
	enum plat_read_result r;
	int got;

	s->mgmt_password_typed = false;
	if (!secret_empty(&s->mgmt_password)) {
		secret_copy(&s->scratch, &s->mgmt_password);
		return 0;
	}
	got = secret_source_read(&s->mgmt_password_source, &s->scratch);
	if (got != 0) {
		if (got < 0)
			session_finish(s, EXIT_USAGE);
		return got > 0 ? 0 : -1;
	}
	if (!session_may_ask(s, "the management password"))
		return -1;
	r = prompt_secret(s->conn->sock, &s->scratch, "Management password: ");
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the management password");
		return -1;
	}
	s->mgmt_password_typed = true;
	return 0;
}


void session_on_mgmt_password_prompt(struct session *s)
{
	if (s->mgmt_password_tries > 0) {
		out_error("The management password was rejected.");
		/* A file will not get any better; a person may have mistyped. */
		if (!s->mgmt_password_typed || s->mgmt_password_tries >= MGMT_PASSWORD_TRIES) {
			s->result = EXIT_MGMT_PASSWORD;
			s->finished = true;
			return;
		}
	}
	s->mgmt_password_tries++;
	s->mgmt_password_used = true;
	if (load_mgmt_password(s) != 0)
		return;
	if (mgmt_conn_send_password_line(s->conn, s->scratch.data, TAG_MGMT_PASSWORD) != 0) {
		out_error("cannot send the management password (it must be one line)");
		s->result = EXIT_MGMT_PASSWORD;
		s->finished = true;
	}
	secret_clear(&s->scratch);
}
