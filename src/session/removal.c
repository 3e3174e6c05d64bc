/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the token leaving and coming back (removal.h). */
#include <stdio.h>
#include <string.h>

#include "session/removal.h"
#include "ui/output.h"

static const struct io_tokens *tokens(const struct session_core *c)
{
	return c->world->tokens;
}

void removal_init(struct removal *r)
{
	memset(r, 0, sizeof *r);
	r->kind = IO_WATCH_NONE;
}

void removal_watch(struct session_core *c, struct removal *r, const char *label)
{
	if (c->settings->keep_tunnel_on_removal || r->kind != IO_WATCH_NONE ||
	    label[0] == '\0')
		return;
	r->kind = tokens(c)->watch(tokens(c)->ctx, label);
	if (r->kind == IO_WATCH_NONE) {
		out_verbose("Token '%s' cannot be watched: the tunnel stays up if it is taken out",
		            label);
		return;
	}
	snprintf(r->label, sizeof r->label, "%s", label);
	r->away = false;
	r->next_check = session_now(c) + REMOVAL_CHECK_MS;
	out_verbose("Watching token '%s' (%s): taking it out takes the tunnel down", label,
	            r->kind == IO_WATCH_NEWS ? "the reader's events" : "a look every 2 s");
}

void removal_stop(struct session_core *c, struct removal *r)
{
	if (r->kind != IO_WATCH_NONE)
		tokens(c)->unwatch(tokens(c)->ctx);
	removal_init(r);
}

bool removal_wants_news(const struct removal *r)
{
	return r->kind == IO_WATCH_NEWS;
}

long long removal_next_check(const struct removal *r)
{
	return r->kind == IO_WATCH_POLLS ? r->next_check : -1;
}

/*
 * OpenVPN takes the tunnel down and waits: it forgets its passwords (pkcs11-helper logs the
 * token out), restarts, and holds after the restart.  Our own openvpn holds anyway
 * (--management-hold); one we attached to is asked what it did before, so that it does so
 * again once the token is back.
 */
static void take_tunnel_down(struct session_core *c, struct removal *r)
{
	const char *on[] = {"on", NULL}, *sigusr1[] = {"SIGUSR1", NULL};

	r->restore_hold_off = false;
	if (!session_send(c, REPLY_STATUS, TAG_QUIET, "forget-passwords", NULL) ||
	    (!c->owns_openvpn && !session_send(c, REPLY_STATUS, TAG_HOLD_QUERY, "hold", NULL)))
		return;
	if (session_send(c, REPLY_STATUS, TAG_QUIET, "hold", on))
		session_send(c, REPLY_STATUS, TAG_QUIET, "signal", sigusr1);
}

void removal_on_hold_query(struct removal *r, const char *reply)
{
	/* "SUCCESS: hold=0": it did not hold before we asked it to. */
	r->restore_hold_off = strstr(reply, "hold=0") != NULL;
}

void removal_after_release(struct session_core *c, struct removal *r)
{
	const char *off[] = {"off", NULL};

	if (r->restore_hold_off)
		session_send(c, REPLY_STATUS, TAG_QUIET, "hold", off);
	r->restore_hold_off = false;
}

enum removal_news removal_check(struct session_core *c, struct removal *r)
{
	int present;

	if (r->kind == IO_WATCH_NONE)
		return REMOVAL_SAME;
	r->next_check = session_now(c) + REMOVAL_CHECK_MS;
	present = tokens(c)->watched(tokens(c)->ctx);
	if (present < 0 && r->kind == IO_WATCH_NEWS) {
		/* The world tries the reader's events again at each look (io.h). */
		r->kind = IO_WATCH_POLLS;
		r->news_lost = true;
		out_verbose("The smartcard service stopped (pcscd restarted or gone): looking for "
		            "token '%s' every 2 s until it is back", r->label);
		return REMOVAL_SAME;
	}
	if (present >= 0 && r->news_lost) {
		r->kind = IO_WATCH_NEWS;
		r->news_lost = false;
		out_verbose("The smartcard service is back: watching token '%s' through the reader's "
		            "events again", r->label);
	}
	if (present == 0 && !r->away) {
		r->away = true;
		out_status("Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)");
		out_verbose("(token '%s')", r->label);
		take_tunnel_down(c, r);
		return REMOVAL_TOKEN_GONE;
	}
	if (present == 1 && r->away) {
		r->away = false;
		out_status("Token '%s' is back: reconnecting...", r->label);
		return REMOVAL_TOKEN_BACK;
	}
	return REMOVAL_SAME;
}
