/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: NEED-OK and NEED-STR (need.h). */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "session/need.h"
#include "ui/output.h"

#define INSERTION "token-insertion-request"

static void answer_ok(struct session_core *c, struct need *n, bool ok)
{
	const char *args[] = {n->name, ok ? "ok" : "cancel", NULL};

	session_send(c, REPLY_STATUS, TAG_PLAIN, "needok", args);
}

static void on_confirmed(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct need *n = arg;

	if (a->result == PLAT_READ_PEER_GONE || session_ending(c))
		return;
	answer_ok(c, n, a->result == PLAT_READ_OK || a->result == PLAT_READ_TOO_LONG);
}

static void on_insertion_answer(struct session_core *c, void *arg,
                                const struct session_answer *a)
{
	struct need *n = arg;

	switch (a->result) {
	case PLAT_READ_PEER_GONE:
		return;
	case PLAT_READ_SETTLED:
		out_status("Token '%s' is there now.", n->insertion.label);
		/* fall through */
	case PLAT_READ_OK:
	case PLAT_READ_TOO_LONG:
		if (!session_ending(c))
			answer_ok(c, n, true);
		return;
	case PLAT_READ_INTERRUPT:
		if (c->settings->batch) {
			/* Nobody was asked anything: a signal stops, as anywhere else. */
			session_end_stop(c);
			return;
		}
		break;
	default:
		break;
	}
	/* The person cancelled: OpenVPN gives up on the key; that is the end, not its echo. */
	answer_ok(c, n, false);
	session_answer_failed(c, a->result, "the answer");
}

static void on_insertion(struct session_core *c, struct need *n, const char *msg)
{
	struct session_watch watch;
	bool watching = tokens_can_see(c) &&
	                mgmt_token_label(msg, "Please insert ", n->insertion.label,
	                                 sizeof n->insertion.label);
	int present = watching ? tokens_present(c, n->insertion.label) : -1;
	char why[600];
	/* No reader can be seen at all: the token cannot be the cause, pcscd is. */
	bool no_service = present != 1 && tokens_trouble(c, why, sizeof why);

	n->insertion.seen_absent = false;
	if (no_service) {
		out_error("%s", why);
		msg = "pcscd is not running; start it";
	}
	tokens_watch_for_insertion(&watch, &n->insertion);
	/* The token is there, so OpenVPN's "insert" means the config's id is wrong. */
	if (present == 1 && tokens_config_id_names_nothing(c)) {
		tokens_blame_config_id(c);
		return;
	}
	if (c->settings->batch) {
		/* Nobody to press Enter: the token arriving is the only answer there can be. */
		if (!watching) {
			session_may_ask(c, "a confirmation"); /* ends the run: --batch */
			return;
		}
		out_status("%s; waiting for it (Ctrl-C to quit)...", msg);
		session_wait_for(c, &watch, on_insertion_answer, n);
		return;
	}
	if (present == 1)
		out_status("ovpn-token sees token '%s', but OpenVPN does not: take it out and put it "
		           "back, then press Enter.", n->insertion.label);
	session_ask(c, ASK_TEXT, watching ? &watch : NULL, 0, on_insertion_answer, n,
	            "%s. Press Enter to continue, Ctrl-C to cancel: ", msg);
}

void need_on_ok(struct session_core *c, struct need *n, const struct mgmt_event *ev)
{
	snprintf(n->name, sizeof n->name, "%s", ev->u.need.name);
	if (strcmp(ev->u.need.name, INSERTION) == 0) {
		on_insertion(c, n, ev->u.need.msg);
		return;
	}
	if (!session_may_ask(c, "a confirmation"))
		return;
	session_ask(c, ASK_TEXT, NULL, 0, on_confirmed, n,
	            "%s. Press Enter to continue, Ctrl-C to cancel: ", ev->u.need.msg);
}

static void on_string(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct need *n = arg;
	const char *args[] = {n->name, a->text, NULL};

	if (a->result != PLAT_READ_OK) {
		session_answer_failed(c, a->result, "the answer");
		return;
	}
	session_send(c, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

void need_on_str(struct session_core *c, struct need *n, const struct mgmt_event *ev)
{
	snprintf(n->name, sizeof n->name, "%s", ev->u.need.name);
	if (!session_may_ask(c, "a string"))
		return;
	session_ask(c, ASK_TEXT, NULL, 0, on_string, n, "%s: ", ev->u.need.msg);
}
