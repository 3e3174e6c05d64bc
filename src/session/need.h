/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: OpenVPN's NEED-OK and NEED-STR requests (but pkcs11-id-request, certs.h): a plain
 * confirmation or string from the person, and NEED-OK token-insertion-request, which the token
 * view can answer by itself when the token arrives.
 */
#ifndef OVPN_TOKEN_SESSION_NEED_H
#define OVPN_TOKEN_SESSION_NEED_H

#include "mgmt/command.h"
#include "mgmt/event.h"
#include "session/core.h"
#include "session/tokens.h"

struct need {
	char name[MGMT_PARAM_MAX];      /* the request under way */
	struct token_insertion insertion;
};

void need_on_ok(struct session_core *c, struct need *n, const struct mgmt_event *ev);
void need_on_str(struct session_core *c, struct need *n, const struct mgmt_event *ev);

#endif
