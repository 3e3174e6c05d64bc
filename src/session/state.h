/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: OpenVPN's states (>STATE) as one short line each and in the --status-file, and the
 * cause of a reconnect, which only OpenVPN's log says (>LOG, reason.h).
 */
#ifndef OVPN_TOKEN_SESSION_STATE_H
#define OVPN_TOKEN_SESSION_STATE_H

#include <stdbool.h>

#include "mgmt/event.h"
#include "session/core.h"
#include "session/reason.h"

struct tunnel_state {
	bool connected;                 /* the tunnel came up on this connection */
	char last_reconnect[256];       /* the reason last shown, so that a storm shows once */
	char last_failure[200];         /* the cause OpenVPN's log gave last */
	enum reason_kind last_failure_kind;
	bool restart_before_key;        /* the last restart's cause came before the key was used */
	char restart_cause[200];        /* ... and that cause, "" when the log named none */
	bool own_state_stands;          /* our own state (TOKEN_REMOVED) stays in the status file */
	long long silent_since;         /* OpenVPN should be talking since then; 0: not watched */
	bool silence_said;
	const char *cert_out_of_date;   /* OpenVPN warned: "has expired", "is not yet valid"; or NULL */
};

/*
 * An openvpn started without --management-query-passwords asks its own console for the
 * certificate and the PIN, and is silent on the management interface while it waits: after
 * this long without a word where one was due, that is said.
 */
#define STATE_SILENCE_MS 5000

/* What a state means beyond its line. */
enum state_meaning {
	STATE_OTHER,
	STATE_LOGIN_CONFIRMED,          /* past the TLS handshake: the token signed with our PIN */
	STATE_CONNECTED,                /* ... and the tunnel is up */
	STATE_RECONNECTING,             /* a restart: what was sent before is no longer pending */
	STATE_AUTHENTICATING,           /* the TLS handshake, where the token's key signs */
};

void state_new_run(struct tunnel_state *t);
enum state_meaning state_on_state(struct session_core *c, struct tunnel_state *t,
                                  const struct mgmt_event *ev);
/*
 * One line of OpenVPN's log; true when it tells of a finished TLS handshake (the token signed:
 * the PIN that went before it was right), at verb 1 ("Peer Connection Initiated", the first
 * one) or verb 2 ("Control Channel:", each renegotiation too).
 */
bool state_on_log(struct tunnel_state *t, const char *text);
/*
 * Whether OpenVPN warned on this connection that its own certificate expired or is not valid
 * yet ("WARNING: Your certificate has expired!"): a server that checks dates refuses it, and
 * over TCP the client then sees only its connection reset.  The warning's words, or NULL.
 */
const char *state_cert_out_of_date(const struct tunnel_state *t);
/* Whether the last RECONNECTING came of a cause before the key was used (reason.h). */
bool state_restart_before_key(const struct tunnel_state *t);
/* The last RECONNECTING's cause in words, "" when OpenVPN's log named none. */
const char *state_restart_cause(const struct tunnel_state *t);
/*
 * OpenVPN should say something soon (attach only): it was released from its hold (the
 * certificate request comes next), or it reached the handshake (the PIN request comes next).
 */
void state_expect_words(struct session_core *c, struct tunnel_state *t);
/* A line came from OpenVPN: it talks. */
void state_on_line(struct tunnel_state *t);
/* When silence would be worth a word (-1: never), and saying it. */
long long state_silence_due(const struct tunnel_state *t);
void state_on_silence(struct session_core *c, struct tunnel_state *t);
/* One of our own states (RESTARTING, EXITED): it happens now. */
void state_report(struct session_core *c, const char *state);
/*
 * One of our own states that stands until state_end_standing (TOKEN_REMOVED): OpenVPN's states
 * meanwhile (RECONNECTING, ...) are shown but not written to the status file.
 */
void state_report_standing(struct session_core *c, struct tunnel_state *t, const char *state);
void state_end_standing(struct tunnel_state *t);

#endif
