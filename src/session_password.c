/* Answering PASSWORD requests: the token PIN, username/password, and the management password. */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "platform/platform.h"
#include "session_internal.h"
#include "ui/output.h"
#include "ui/prompt.h"

/* OpenVPN closes the management connection after three wrong passwords. */
#define MGMT_PASSWORD_TRIES 3

static const char TOKEN_SUFFIX[] = " token";

/* pkcs11-helper names a PIN request "<token label> token". */
static bool is_token_pin(const char *type, char *label, size_t labelsz)
{
	size_t n = strlen(type), suffix = sizeof TOKEN_SUFFIX - 1;

	if (n <= suffix || strcmp(type + n - suffix, TOKEN_SUFFIX) != 0 || n - suffix >= labelsz)
		return false;
	memcpy(label, type, n - suffix);
	label[n - suffix] = '\0';
	return true;
}

void session_note_restart(struct session *s)
{
	s->pin_answered = false;
}

static void send_password(struct session *s, const char *type)
{
	const char *args[] = {type, s->secret.data, NULL};

	session_send(s, REPLY_STATUS, TAG_PLAIN, "password", args);
	out_verbose("Sent the password for '%s'", type);
	secret_clear(&s->secret);
}

static void on_pin_request(struct session *s, const char *type, const char *label)
{
	enum plat_read_result r;

	/* The same request again with no restart between: the token refused what we sent. */
	if (s->pin_answered && strcmp(s->pin_type, type) == 0)
		out_error("The PIN was rejected by token '%s'.", label);
	s->pin_answered = false;
	r = prompt_secret(s->conn->sock, &s->secret, "PIN for token '%s': ", label);
	if (r != PLAT_READ_OK || secret_empty(&s->secret)) {
		secret_clear(&s->secret);
		session_prompt_failed(s, r == PLAT_READ_OK ? PLAT_READ_EOF : r, "the PIN");
		return;
	}
	snprintf(s->pin_type, sizeof s->pin_type, "%s", type);
	s->pin_answered = true;
	send_password(s, type);
}

static void on_user_password(struct session *s, const struct mgmt_event *ev)
{
	const char *type = ev->u.password_need.type;
	char user[MGMT_PARAM_MAX];
	const char *args[] = {type, user, NULL};
	enum plat_read_result r;

	if (ev->u.password_need.need_username) {
		r = prompt_text(s->conn->sock, user, sizeof user, "Username (%s): ", type);
		if (r != PLAT_READ_OK) {
			session_prompt_failed(s, r, "the username");
			return;
		}
		if (!session_send(s, REPLY_STATUS, TAG_PLAIN, "username", args))
			return;
	}
	r = prompt_secret(s->conn->sock, &s->secret, "Password (%s): ", type);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the password");
		return;
	}
	send_password(s, type);
}

void session_on_password_need(struct session *s, const struct mgmt_event *ev)
{
	char label[SECRET_MAX + 1];

	if (is_token_pin(ev->u.password_need.type, label, sizeof label))
		on_pin_request(s, ev->u.password_need.type, label);
	else
		on_user_password(s, ev);
}

static int load_mgmt_password(struct session *s)
{
	char err[300];
	enum plat_read_result r;

	if (s->opts->mgmt_password_file != NULL) {
		if (plat_read_file(s->opts->mgmt_password_file, s->secret.data, SECRET_MAX + 1, err,
		                   sizeof err) < 0) {
			out_error("cannot read the management password: %s", err);
			session_finish(s, EXIT_USAGE);
			return -1;
		}
		secret_trim_newline(&s->secret);
		return 0;
	}
	r = prompt_secret(s->conn->sock, &s->secret, "Management password: ");
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the management password");
		return -1;
	}
	return 0;
}

void session_on_mgmt_password_prompt(struct session *s)
{
	if (s->mgmt_password_tries > 0) {
		out_error("The management password was rejected.");
		/* A file will not get any better; a person may have mistyped. */
		if (s->opts->mgmt_password_file != NULL || s->mgmt_password_tries >= MGMT_PASSWORD_TRIES ||
		    !plat_interactive()) {
			s->result = EXIT_MGMT_PASSWORD;
			s->finished = true;
			return;
		}
	}
	s->mgmt_password_tries++;
	if (load_mgmt_password(s) != 0)
		return;
	if (mgmt_conn_send_password_line(s->conn, s->secret.data, TAG_MGMT_PASSWORD) != 0) {
		out_error("cannot send the management password (it must be one line)");
		s->result = EXIT_MGMT_PASSWORD;
		s->finished = true;
	}
	secret_clear(&s->secret);
}
