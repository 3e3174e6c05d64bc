/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: the management interface's own password ("ENTER PASSWORD:" and its replies).  A
 * password start chose, one from a source, or a person's, who may retype it: OpenVPN takes
 * three tries on a connection, then hangs up.
 */
#ifndef OVPN_TOKEN_SESSION_MGMT_PASSWORD_H
#define OVPN_TOKEN_SESSION_MGMT_PASSWORD_H

#include <stdbool.h>

#include "secret/source.h"
#include "session/core.h"

struct mgmt_password {
	struct secret_source source;
	struct secret chosen;           /* start's own random one, when set */
	struct secret answer;           /* the one on its way, wiped once sent */
	struct {                        /* this connection */
		int tries;                  /* since the last success */
		bool typed;                 /* the last one came from a person, who may retype it */
		bool used;                  /* the interface asked for one at all */
		bool refused;               /* "ERROR: bad password" said so already */
	} run;
};

int mgmt_password_init(struct mgmt_password *m, const struct session_settings *settings);
void mgmt_password_free(struct mgmt_password *m);
void mgmt_password_new_run(struct mgmt_password *m);
void mgmt_password_on_prompt(struct session_core *c, struct mgmt_password *m);
void mgmt_password_on_reply(struct session_core *c, struct mgmt_password *m, bool accepted);
/* A password went out and no SUCCESS came back: what a hang-up then means. */
bool mgmt_password_unanswered(const struct mgmt_password *m);
/* Whether the interface asked for one on this connection (an open TCP port otherwise). */
bool mgmt_password_used(const struct mgmt_password *m);

#endif
