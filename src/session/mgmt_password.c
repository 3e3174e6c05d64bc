/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the management password (mgmt_password.h). */
#include <string.h>

#include "exit_codes.h"
#include "session/mgmt_password.h"
#include "ui/output.h"

/* OpenVPN closes the management connection after three wrong passwords. */
#define MGMT_PASSWORD_TRIES 3
#define MGMT_PASSWORD_SOURCES                                                        \
	"--management-password-file FILE, --management-password-fd N or the credential " \
	"'management-password'"

int mgmt_password_init(struct mgmt_password *m, const struct session_settings *settings)
{
	memset(m, 0, sizeof *m);
	m->source = (struct secret_source){
	    .what = "management password", .file = settings->mgmt_password_file,
	    .fd = settings->mgmt_password_fd, .credential = "management-password"};
	secret_source_keep(&m->source);
	return secret_init(&m->chosen) == 0 && secret_init(&m->answer) == 0 ? 0 : -1;
}

void mgmt_password_free(struct mgmt_password *m)
{
	secret_free(&m->chosen);
	secret_free(&m->answer);
}

void mgmt_password_new_run(struct mgmt_password *m)
{
	memset(&m->run, 0, sizeof m->run);
}

/* m->answer holds it: as a bare line, wiped. */
static void send_password(struct session_core *c, struct mgmt_password *m)
{
	if (!session_send_secret(c, TAG_MGMT_PASSWORD, NULL, NULL, &m->answer)) {
		out_error("cannot send the management password (it must be one line)");
		session_end_lost(c, EXIT_MGMT_PASSWORD);
	}
}

static void on_typed(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct mgmt_password *m = arg;

	if (a->result == PLAT_READ_EOF && !session_interactive(c)) {
		out_error("OpenVPN asks for the management password, but there is no terminal to ask "
		          "on and no source gives it: use %s", MGMT_PASSWORD_SOURCES);
		session_end_error(c, EXIT_NEEDS_INPUT);
		return;
	}
	if (a->result != PLAT_READ_OK) {
		session_answer_failed(c, a->result, "the management password");
		return;
	}
	m->run.typed = true;
	send_password(c, m);
}

void mgmt_password_on_prompt(struct session_core *c, struct mgmt_password *m)
{
	char err[700];
	int got;

	if (m->run.tries > 0) {
		if (!m->run.refused)
			out_error("The management password was rejected.");
		m->run.refused = false;
		/* A file will not get any better; a person may have mistyped. */
		if (!m->run.typed || m->run.tries >= MGMT_PASSWORD_TRIES) {
			session_end_lost(c, EXIT_MGMT_PASSWORD);
			return;
		}
	}
	m->run.tries++;
	m->run.used = true;
	m->run.typed = false;
	if (!secret_empty(&m->chosen)) {
		secret_copy(&m->answer, &m->chosen);
		send_password(c, m);
		return;
	}
	got = secret_source_read(&m->source, &m->answer, err, sizeof err);
	if (got != 0) {
		if (got < 0) {
			out_error("%s", err);
			session_end_error(c, EXIT_USAGE);
		} else
			send_password(c, m);
		return;
	}
	if (session_may_ask(c, "the management password"))
		session_ask_secret(c, &m->answer, on_typed, m, "Management password: ");
}

/*
 * "ERROR: bad password".  After the third one OpenVPN drops the connection at once (often
 * before that ERROR line even leaves): end here rather than wait for a prompt that never comes.
 */
void mgmt_password_on_reply(struct session_core *c, struct mgmt_password *m, bool accepted)
{
	if (accepted) {
		m->run.tries = 0;
		m->run.refused = false;
		return;
	}
	m->run.refused = true;
	out_error("The management password was rejected.");
	if (m->run.typed && m->run.tries < MGMT_PASSWORD_TRIES)
		return; /* the next ENTER PASSWORD asks again */
	if (m->run.typed)
		out_error("%d wrong management passwords: OpenVPN takes no more on this connection",
		          MGMT_PASSWORD_TRIES);
	session_end_lost(c, EXIT_MGMT_PASSWORD);
}

bool mgmt_password_unanswered(const struct mgmt_password *m)
{
	return m->run.tries > 0;
}

bool mgmt_password_used(const struct mgmt_password *m)
{
	return m->run.used;
}
