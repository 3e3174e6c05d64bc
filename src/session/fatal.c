/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: OpenVPN's last words (fatal.h). */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "session/fatal.h"
#include "session/tokens.h"
#include "ui/output.h"

#define KEY_FAILED "private key password verification failed"

void fatal_new_run(struct fatal *f)
{
	f->last[0] = '\0';
}

bool fatal_seen(const struct fatal *f)
{
	return f->last[0] != '\0';
}

enum fatal_kind fatal_on_line(struct session_core *c, struct fatal *f, const char *text)
{
	snprintf(f->last, sizeof f->last, "%s", text);
	/* After a stop we asked for, openvpn's key failure is the echo of its cancelled wait. */
	if ((session_ending(c) && c->end.result != EXIT_OK) ||
	    (c->end.user_stop && strstr(text, KEY_FAILED) != NULL)) {
		out_verbose("OpenVPN: %s", text);
		return FATAL_ECHO;
	}
	if (strstr(text, KEY_FAILED) != NULL) {
		out_verbose("OpenVPN: %s", text);
		return FATAL_KEY_FAILED;
	}
	out_error("OpenVPN: %s", text);
	return FATAL_SAID;
}

void fatal_explain_key_failure(struct session_core *c, const struct fatal *f)
{
	if (tokens_config_id_names_nothing(c)) {
		tokens_blame_config_id(c);
		return;
	}
	out_error("OpenVPN: %s", f->last);
}
