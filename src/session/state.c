/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: one short line per state OpenVPN reports, and the status file (state.h). */
#include <stdio.h>
#include <string.h>

#include "codec/utc.h"
#include "session/reason.h"
#include "session/state.h"
#include "ui/output.h"

struct state_text {
	const char *name;
	const char *text;
	bool verbose_only;
};

static const struct state_text states[] = {
	{"CONNECTING", "Connecting...", false},
	{"RESOLVE", "Resolving the server's name...", true},
	{"TCP_CONNECT", "Opening the TCP connection...", true},
	{"WAIT", "Waiting for the server...", false},
	{"AUTH", "Authenticating...", false},
	{"AUTH_PENDING", "Waiting for authentication to complete...", false},
	{"GET_CONFIG", "Getting the configuration...", true},
	{"ASSIGN_IP", "Assigning the IP address...", true},
	{"ADD_ROUTES", "Adding routes...", true},
};

void state_new_run(struct tunnel_state *t)
{
	bool standing = t->own_state_stands;

	/* A standing state of ours (the token is away) outlives a new connection. */
	*t = (struct tunnel_state){.own_state_stands = standing};
}

static const char *tunnel_ip(const struct mgmt_event *ev)
{
	return ev->u.state.tun_ip[0] != '\0' ? ev->u.state.tun_ip : ev->u.state.tun_ipv6;
}

static void format_remote(const struct mgmt_event *ev, char *out, size_t outsz)
{
	if (ev->u.state.remote_ip[0] == '\0')
		out[0] = '\0';
	else if (strchr(ev->u.state.remote_ip, ':') != NULL)
		snprintf(out, outsz, "[%s]:%s", ev->u.state.remote_ip, ev->u.state.remote_port);
	else
		snprintf(out, outsz, "%s:%s", ev->u.state.remote_ip, ev->u.state.remote_port);
}

/* The state's time as ISO 8601 UTC ("" when unknown). */
static void format_time(long long t, char *out, size_t outsz)
{
	out[0] = '\0';
	if (t >= 0)
		utc_text(t, UTC_ISO8601, out, outsz);
}

static void write_status(struct session_core *c, const char *state, long long when,
                         const char *tun_ip, const char *remote)
{
	const struct io_status *st = c->world->status;
	char text[2560], stamp[64], cert[2048];
	int n;

	if (st == NULL)
		return;
	format_time(when, stamp, sizeof stamp);
	status_cert_text(&c->status_cert, cert, sizeof cert);
	n = snprintf(text, sizeof text, "state=%s\ntime=%s\ntunnel_ip=%s\nremote=%s\n%s", state,
	             stamp, tun_ip, remote, cert);
	if (n > 0 && (size_t)n < sizeof text)
		st->write(st->ctx, text, (size_t)n);
}

const char *state_cert_out_of_date(const struct tunnel_state *t)
{
	return t->cert_out_of_date;
}

bool state_restart_before_key(const struct tunnel_state *t)
{
	return t->restart_before_key;
}

void state_expect_words(struct session_core *c, struct tunnel_state *t)
{
	/* Our own openvpn always gets --management-query-passwords. */
	if (!c->owns_openvpn && !t->silence_said)
		t->silent_since = session_now(c);
}

void state_on_line(struct tunnel_state *t)
{
	t->silent_since = 0;
}

long long state_silence_due(const struct tunnel_state *t)
{
	return t->silent_since != 0 ? t->silent_since + STATE_SILENCE_MS : -1;
}

void state_on_silence(struct session_core *c, struct tunnel_state *t)
{
	if (t->silent_since == 0 || session_now(c) < t->silent_since + STATE_SILENCE_MS)
		return;
	t->silent_since = 0;
	t->silence_said = true;
	out_warning("OpenVPN has said nothing for %d s: it may be asking for the certificate or the "
	            "PIN on its own console, which it does when it was started without "
	            "--management-query-passwords. Answer it there, or add management-query-passwords "
	            "(and management-hold) to its config so that ovpn-token can answer",
	            STATE_SILENCE_MS / 1000);
}

void state_report_standing(struct session_core *c, struct tunnel_state *t, const char *state)
{
	state_report(c, state);
	t->own_state_stands = true;
}

void state_end_standing(struct tunnel_state *t)
{
	t->own_state_stands = false;
}

const char *state_restart_cause(const struct tunnel_state *t)
{
	return t->restart_cause;
}

void state_report(struct session_core *c, const char *state)
{
	write_status(c, state, session_wall_time(c), "", "");
}

static void on_connected(const struct mgmt_event *ev)
{
	const char *tun = tunnel_ip(ev);
	char remote[300];

	format_remote(ev, remote, sizeof remote);
	if (tun[0] != '\0')
		out_status("Connected to %s (tunnel IP %s)", remote, tun);
	else
		out_status("Connected to %s", remote);
	if (strcmp(ev->u.state.desc, "SUCCESS") != 0)
		out_error("OpenVPN reports errors while connecting (%s); see its log",
		          ev->u.state.desc);
}

static void on_reconnecting(struct tunnel_state *t, const struct mgmt_event *ev)
{
	char shown[sizeof t->last_reconnect];

	/* OpenVPN's log says why; the state only says that it failed. */
	if (t->last_failure[0] != '\0')
		snprintf(shown, sizeof shown, "%s: %s", ev->u.state.desc, t->last_failure);
	else
		snprintf(shown, sizeof shown, "%s", ev->u.state.desc);
	snprintf(t->restart_cause, sizeof t->restart_cause, "%s", t->last_failure);
	t->last_failure[0] = '\0';
	t->restart_before_key = t->last_failure_kind == REASON_BEFORE_KEY;
	t->last_failure_kind = REASON_NONE;
	/*
	 * A server that is down makes OpenVPN restart again and again: say it once a cause.  The
	 * restart that takes the tunnel down for a removed token is ours ("Token removed: tunnel
	 * down" said it): "Reconnecting" would read as if it were coming back.
	 */
	if (t->own_state_stands)
		out_verbose("OpenVPN restarts (%s)", shown);
	else if (strcmp(t->last_reconnect, shown) != 0)
		out_status("Reconnecting (%s)", shown);
	snprintf(t->last_reconnect, sizeof t->last_reconnect, "%s", shown);
}

/* Reached only after the TLS handshake, so after the token signed with the PIN we sent. */
static bool confirms_login(const char *name)
{
	return strcmp(name, "GET_CONFIG") == 0 || strcmp(name, "ASSIGN_IP") == 0 ||
	       strcmp(name, "ADD_ROUTES") == 0;
}

enum state_meaning state_on_state(struct session_core *c, struct tunnel_state *t,
                                  const struct mgmt_event *ev)
{
	const char *name = ev->u.state.name;
	char remote[300];

	format_remote(ev, remote, sizeof remote);
	if (!t->own_state_stands)
		write_status(c, name, ev->u.state.time, tunnel_ip(ev), remote);
	if (strcmp(name, "CONNECTED") == 0) {
		t->connected = true;
		t->silent_since = 0;
		t->last_reconnect[0] = '\0';
		on_connected(ev);
		return STATE_CONNECTED;
	}
	if (strcmp(name, "RECONNECTING") == 0) {
		on_reconnecting(t, ev);
		return STATE_RECONNECTING;
	}
	if (strcmp(name, "EXITING") == 0) {
		out_status("OpenVPN is exiting (%s)", ev->u.state.desc);
		return STATE_OTHER;
	}
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		if (strcmp(name, states[i].name) != 0)
			continue;
		if (states[i].verbose_only)
			out_verbose("%s", states[i].text);
		else
			out_status("%s", states[i].text);
		if (strcmp(name, "AUTH") == 0) {
			/* The key is wanted now: the PIN request should come at once. */
			state_expect_words(c, t);
			return STATE_AUTHENTICATING;
		}
		return confirms_login(name) ? STATE_LOGIN_CONFIRMED : STATE_OTHER;
	}
	out_verbose("State: %s %s", name, ev->u.state.desc);
	return STATE_OTHER;
}

bool state_on_log(struct tunnel_state *t, const char *text)
{
	enum reason_kind kind;

	out_verbose("openvpn: %s", text);
	if (strstr(text, "Your certificate has expired") != NULL)
		t->cert_out_of_date = "has expired";
	else if (strstr(text, "Your certificate is not yet valid") != NULL)
		t->cert_out_of_date = "is not yet valid";
	kind = reason_from_log(text, t->last_failure, sizeof t->last_failure);
	if (kind != REASON_NONE)
		t->last_failure_kind = kind;
	return strncmp(text, "Control Channel: ", 17) == 0 ||
	       strstr(text, " Peer Connection Initiated with ") != NULL;
}
