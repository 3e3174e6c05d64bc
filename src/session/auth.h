/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: the server's own login on top of the certificate: OpenVPN's 'Auth' username and
 * password, and the second factors a server may ask for (doc/protocol.md, "Two-factor logins"):
 *   - a static challenge (SC: in the request): answered with the password, SCRV1 or glued;
 *   - a dynamic challenge (CRV1 in a Verification Failed): the response goes with the next
 *     request for 'Auth', under the username the challenge names;
 *   - pending auth: a question (CR_TEXT, answered with cr-response) or a web login (the URL).
 * Username and password may come from --auth-user-pass-file or the credential
 * "auth-user-pass"; a challenge is never answered unattended (--batch ends with exit 9 naming
 * it).  A refused login is said with the server's reason and ends the run: no answer is ever
 * sent again by itself.  Every answer is built in locked memory and wiped once sent.
 */
#ifndef OVPN_TOKEN_SESSION_AUTH_H
#define OVPN_TOKEN_SESSION_AUTH_H

#include <stdbool.h>

#include "mgmt/challenge.h"
#include "mgmt/event.h"
#include "secret/source.h"
#include "session/core.h"

/* What a typed response is for. */
enum auth_response_use { RESPONSE_STATIC, RESPONSE_CRV1, RESPONSE_CR_TEXT };

struct auth {
	struct secret_source source;    /* --auth-user-pass-file, credential "auth-user-pass" */
	bool from_source;               /* the last username/password came from it */
	struct secret user, password;   /* on their way to OpenVPN (password: also OpenVPN's own) */
	struct secret response;         /* a typed response; for CRV1 kept until the next request */
	struct secret answer;           /* a challenge's answer built from them, on its way */
	bool crv1_pending;              /* a CRV1 response waits for the next Need 'Auth' */
	char crv1_state[CHALLENGE_FIELD_MAX];
	char crv1_user[CHALLENGE_FIELD_MAX];
	long pending_timeout;           /* AUTH_PENDING's timeout in s, -1: none said */
	struct {                        /* the request under way */
		bool username_only;
		bool has_static;
		struct challenge_static sc;
		char crv1_state[CHALLENGE_FIELD_MAX], crv1_user[CHALLENGE_FIELD_MAX];
		enum auth_response_use use;
		bool echo, required;
		int empty_tries;
		char text[CHALLENGE_TEXT_MAX];
		char other_type[SECRET_MAX + 1]; /* a password of OpenVPN's own: its type */
	} request;
};

int auth_init(struct auth *a, const struct session_settings *settings);
/* At the start of a run: nothing of a previous openvpn's challenge is answered. */
void auth_new_run(struct auth *a);
void auth_free(struct auth *a);
/* The greeting: tells OpenVPN 2.7 that we read its username-only request. */
void auth_on_greeting(struct session_core *c, const char *greeting);
/* PASSWORD Need 'Auth' (username/password, username only, static challenge). */
void auth_on_need(struct session_core *c, struct auth *a, const struct mgmt_event *ev);
/* A username and password OpenVPN asks for itself ('HTTP Proxy', 'Private Key', ...). */
void auth_on_other_need(struct session_core *c, struct auth *a, const struct mgmt_event *ev);
/*
 * PASSWORD Verification Failed: a CRV1 challenge, or a refusal with the server's reason.  true
 * when it was the server's verdict on 'Auth' (which came over TLS: the token signed).
 */
bool auth_on_failed(struct session_core *c, struct auth *a, const struct mgmt_event *ev);
/* STATE: AUTH_PENDING's timeout. */
void auth_on_state(struct auth *a, const struct mgmt_event *ev);
/* INFOMSG: CR_TEXT, WEB_AUTH, OPEN_URL; false when the message is none of those. */
bool auth_on_infomsg(struct session_core *c, struct auth *a, const struct mgmt_event *ev);

#endif
