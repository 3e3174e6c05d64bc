/* One short line per state OpenVPN reports. */
#include <stdio.h>
#include <string.h>

#include "session_internal.h"
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

static void on_connected(const struct mgmt_event *ev)
{
	const char *tun = ev->u.state.tun_ip[0] != '\0' ? ev->u.state.tun_ip : ev->u.state.tun_ipv6;
	char remote[300];

	if (strchr(ev->u.state.remote_ip, ':') != NULL)
		snprintf(remote, sizeof remote, "[%s]:%s", ev->u.state.remote_ip,
		         ev->u.state.remote_port);
	else
		snprintf(remote, sizeof remote, "%s:%s", ev->u.state.remote_ip,
		         ev->u.state.remote_port);
	if (tun[0] != '\0')
		out_status("Connected to %s (tunnel IP %s)", remote, tun);
	else
		out_status("Connected to %s", remote);
	if (strcmp(ev->u.state.desc, "SUCCESS") != 0)
		out_error("OpenVPN reports errors while connecting (%s); see its log",
		          ev->u.state.desc);
}

void session_on_state(struct session *s, const struct mgmt_event *ev)
{
	const char *name = ev->u.state.name;

	if (strcmp(name, "CONNECTED") == 0) {
		on_connected(ev);
		session_note_restart(s);
		return;
	}
	if (strcmp(name, "RECONNECTING") == 0) {
		session_note_restart(s);
		out_status("Reconnecting (%s)", ev->u.state.desc);
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
