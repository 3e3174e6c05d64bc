/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One short line per state OpenVPN reports. */
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "session/internal.h"
#include "ui/output.h"

/* The state's own time as ISO 8601 UTC, without the platform's gmtime variants. */
static void format_utc(long long t, char *out, size_t outsz)
{
	long long days = t / 86400, secs = t % 86400, era, doe, yoe, doy, mp, y, m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Howard Hinnant's days-to-civil algorithm. */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)(y % 10000), (int)m, (int)d,
	         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

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

/* Reached only after the TLS handshake, so after the token signed with the PIN we sent. */
static bool confirms_login(const char *name)
{
	return strcmp(name, "CONNECTED") == 0 || strcmp(name, "GET_CONFIG") == 0 ||
	       strcmp(name, "ASSIGN_IP") == 0 || strcmp(name, "ADD_ROUTES") == 0;
}

void session_write_status(struct session *s, const char *state, long long when,
                          const char *tun_ip, const char *remote)
{
	char text[1024], stamp[64] = "", err[600];
	int n;

	if (s->opts->status_file == NULL)
		return;
	if (when >= 0)
		format_utc(when, stamp, sizeof stamp);
	n = snprintf(text, sizeof text, "state=%s\ntime=%s\ntunnel_ip=%s\nremote=%s\n", state,
	             stamp, tun_ip, remote);
	if (n < 0 || (size_t)n >= sizeof text ||
	    plat_replace_file(s->opts->status_file, text, (size_t)n, err, sizeof err) != 0)
		out_error("cannot write the status file: %s", n < 0 ? "format" : err);
}

void session_on_state(struct session *s, const struct mgmt_event *ev)
{
	const char *name = ev->u.state.name;
	char remote[300];

	format_remote(ev, remote, sizeof remote);
	session_write_status(s, name, ev->u.state.time, tunnel_ip(ev), remote);
	if (confirms_login(name))
		pin_cache_confirm(&s->kept.pin);
	if (strcmp(name, "CONNECTED") == 0) {
		s->link.connected = true;
		s->link.last_reconnect[0] = '\0';
		on_connected(ev);
		return;
	}
	if (strcmp(name, "RECONNECTING") == 0) {
		char shown[sizeof s->link.last_reconnect];

		pin_cache_forget_answer(&s->kept.pin);
		/* OpenVPN's log says why; the state only says that it failed. */
		if (s->link.last_failure[0] != '\0')
			snprintf(shown, sizeof shown, "%s: %s", ev->u.state.desc, s->link.last_failure);
		else
			snprintf(shown, sizeof shown, "%s", ev->u.state.desc);
		s->link.last_failure[0] = '\0';
		/* A server that is down makes OpenVPN restart again and again: say it once a cause. */
		if (strcmp(s->link.last_reconnect, shown) != 0)
			out_status("Reconnecting (%s)", shown);
		snprintf(s->link.last_reconnect, sizeof s->link.last_reconnect, "%s", shown);
		return;
	}
	if (strcmp(name, "EXITING") == 0) {
		out_status("OpenVPN is exiting (%s)", ev->u.state.desc);
		return;
	}
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
		if (strcmp(name, states[i].name) != 0)
			continue;
		if (states[i].verbose_only)
			out_verbose("%s", states[i].text);
		else
			out_status("%s", states[i].text);
		return;
	}
	out_verbose("State: %s %s", name, ev->u.state.desc);
}
