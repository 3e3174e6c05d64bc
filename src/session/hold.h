/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: OpenVPN's hold (>HOLD) and our release of it.  The number in ">HOLD" is the pause
 * OpenVPN would itself make before trying again (its connect-retry back-off): releasing at
 * once would turn a server outage into a busy loop, so the release waits that long.
 *
 * OpenVPN for Windows (2.6, 2.7 under wine) can lose a `hold release`: a command arriving while
 * openvpn is still writing the reply to the one before is read by a nested management_io()
 * (on Windows it reads before it writes, inside man_output_standalone), which works on the
 * same command line buffer; seen on the wire: `state "on"` run twice, the release bytes taken
 * off the socket but never run, openvpn holding for ever.  So over TCP a release is owed until
 * its SUCCESS comes, and sent again without one; an openvpn we started with --management-hold
 * holds once it greets us, so a >HOLD that never comes is covered the same way.
 */
#ifndef OVPN_TOKEN_SESSION_HOLD_H
#define OVPN_TOKEN_SESSION_HOLD_H

#include <stdbool.h>

#include "session/core.h"

struct hold {
	long long release_at;           /* when to release OpenVPN's hold; 0: not waiting to */
	long long resend_at;            /* a release is owed but not confirmed: when to send it */
	int resends;                    /* releases sent again since the last confirmation */
	bool for_token;                 /* held on purpose (the token is away): nothing released */
	bool held;                      /* a >HOLD came that is not released yet */
};

void hold_new_run(struct hold *h);
/* The greeting: our openvpn over TCP is holding now, whether or not its >HOLD arrives. */
void hold_on_greeting(struct session_core *c, struct hold *h);
void hold_on_hold(struct session_core *c, struct hold *h, long wait_s);
/* The SUCCESS of a hold release. */
void hold_on_released(struct hold *h);
/* Sends what is due now. */
void hold_on_time(struct session_core *c, struct hold *h);
/* When something is due next (on session_now), -1: nothing. */
long long hold_next_due(const struct hold *h);
/*
 * Keeps OpenVPN held (the token is away) or lets it go: a hold that came meanwhile is released
 * now.  true when a release went out.
 */
bool hold_keep(struct session_core *c, struct hold *h, bool keep);

#endif
