/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: OpenVPN's hold and our release (hold.h). */
#include "session/hold.h"
#include "ui/output.h"

/* OpenVPN's own connect-retry-max default; a larger hold time is not believed. */
#define HOLD_WAIT_MAX_S 300
/* Shorter pauses are routine and not worth a line. */
#define HOLD_WAIT_SHOWN_S 5
/* A release not confirmed within this time is sent again, this many times at the most. */
#define RELEASE_RESEND_MS 2000
#define RELEASE_RESENDS_MAX 5

void hold_new_run(struct hold *h)
{
	bool for_token = h->for_token;

	/* Kept across a new connection: the token is still away. */
	*h = (struct hold){.for_token = for_token};
}

static void send_release(struct session_core *c, struct hold *h)
{
	h->held = false;
	/* Only over TCP, the one way OpenVPN for Windows can be reached. */
	if (session_over_tcp(c))
		h->resend_at = session_now(c) + RELEASE_RESEND_MS;
	session_send(c, REPLY_STATUS, TAG_HOLD_RELEASE, "hold release", NULL);
}

void hold_on_greeting(struct session_core *c, struct hold *h)
{
	if (c->owns_openvpn && session_over_tcp(c)) {
		h->resend_at = session_now(c) + RELEASE_RESEND_MS;
		h->resends = 0;
	}
}

void hold_on_hold(struct session_core *c, struct hold *h, long wait_s)
{
	h->resend_at = 0;
	h->resends = 0;
	h->held = true;
	if (h->for_token) {
		h->release_at = 0;
		out_verbose("OpenVPN holds until the token is back");
		return;
	}
	if (wait_s <= 0) {
		h->release_at = 0;
		send_release(c, h);
		return;
	}
	if (wait_s > HOLD_WAIT_MAX_S)
		wait_s = HOLD_WAIT_MAX_S;
	if (wait_s >= HOLD_WAIT_SHOWN_S)
		out_status("Trying again in %ld s", wait_s);
	else
		out_verbose("Trying again in %ld s", wait_s);
	h->release_at = session_now(c) + 1000LL * wait_s;
}

void hold_on_released(struct hold *h)
{
	h->resend_at = 0;
	h->resends = 0;
}

void hold_on_time(struct session_core *c, struct hold *h)
{
	long long now = session_now(c);

	if (h->for_token)
		return;
	if (h->resend_at != 0 && now >= h->resend_at) {
		if (++h->resends > RELEASE_RESENDS_MAX) {
			h->resend_at = 0;
		} else {
			out_verbose("OpenVPN has not confirmed a hold release: releasing it again");
			send_release(c, h);
		}
	}
	if (h->release_at == 0 || now < h->release_at)
		return;
	h->release_at = 0;
	send_release(c, h);
}

bool hold_keep(struct session_core *c, struct hold *h, bool keep)
{
	h->for_token = keep;
	if (keep || !h->held)
		return false;
	h->release_at = 0;
	send_release(c, h);
	return true;
}

long long hold_next_due(const struct hold *h)
{
	long long next = h->release_at != 0 ? h->release_at : -1;

	if (h->for_token)
		return -1;

	if (h->resend_at != 0 && (next < 0 || h->resend_at < next))
		next = h->resend_at;
	return next;
}
