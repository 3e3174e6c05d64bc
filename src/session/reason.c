/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The log lines of reason.h, as OpenVPN 2.6 and 2.7 write them. */
#include <stdio.h>
#include <string.h>

#include "session/reason.h"

struct cause {
	const char *marker;  /* a line holding this names the cause... */
	const char *words;   /* ...said so; NULL: the rest of the line after the marker */
	bool before_key;     /* it happens before the client's key is used */
};

static const struct cause causes[] = {
	{"AUTH_FAILED", "the server refused the login (AUTH_FAILED)", false},
	{"TLS key negotiation failed", "the TLS handshake did not complete (no answer from the server?)",
	 true},
	{"TLS handshake failed", "the TLS handshake failed", false},
	{"VERIFY ERROR: ", NULL, false},
	{"certificate verify failed", "a certificate did not verify", false},
	{"Cannot resolve host address: ", "cannot resolve ", true},
	{"RESOLVE: ", NULL, true},
	{"Connection refused", "connection refused", true},
	{"Connection timed out", "connection timed out", true},
	{"Network is unreachable", "network is unreachable", true},
	{"No route to host", "no route to host", true},
	{"Connection reset", "the server closed the connection", false},
	{"Inactivity timeout", "no answer from the server (inactivity timeout)", false},
};

/* "TCP: connect to [AF_INET]198.51.100.7:1194 failed: ..." -> "198.51.100.7:1194" */
static void address_of(const char *text, char *out, size_t outsz)
{
	const char *p = strstr(text, "connect to ");
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen("connect to ");
	if (*p == '[') {
		const char *close = strchr(p, ']');

		if (close != NULL)
			p = close + 1;
	}
	n = strcspn(p, " ");
	if (n > 0 && n < outsz)
		snprintf(out, outsz, "%.*s", (int)n, p);
}

enum reason_kind reason_from_log(const char *text, char *out, size_t outsz)
{
	for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
		const char *at = strstr(text, causes[i].marker);
		char where[128];

		if (at == NULL)
			continue;
		if (causes[i].words == NULL) {
			snprintf(out, outsz, "%s", at + strlen(causes[i].marker));
		} else if (strcmp(causes[i].words, "cannot resolve ") == 0) {
			snprintf(out, outsz, "cannot resolve %s", at + strlen(causes[i].marker));
		} else {
			address_of(text, where, sizeof where);
			if (where[0] != '\0')
				snprintf(out, outsz, "%s: %s", where, causes[i].words);
			else
				snprintf(out, outsz, "%s", causes[i].words);
		}
		if (out[0] == '\0')
			return REASON_NONE;
		return causes[i].before_key ? REASON_BEFORE_KEY : REASON_OTHER;
	}
	return REASON_NONE;
}
