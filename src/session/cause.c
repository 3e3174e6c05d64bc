// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Saying the cause, not the echo.  OpenVPN ends many different failures with the same FATAL
 * line ("private key password verification failed"): after we cancelled or gave up ourselves,
 * after a PIN the token refused, after a pkcs11-id that names no certificate.  Here that line
 * is turned into what actually happened; OpenVPN's own words stay visible with -v.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "pkcs11/id_codec.h"
#include "session/internal.h"
#include "session/session.h"
#include "ui/output.h"

#define KEY_FAILED "private key password verification failed"

void session_set_config_id(struct session *s, const char *id)
{
	free(s->kept.config_id);
	s->kept.config_id = id != NULL && id[0] != '\0' ? strdup(id) : NULL;
}

struct id_search {
	const char *id;
	bool found;
};

static void compare_id(void *arg, const char *id, const unsigned char *der, size_t der_len)
{
	struct id_search *search = arg;

	(void)der;
	(void)der_len;
	if (strcmp(id, search->id) == 0 || p11_id_equal(id, search->id))
		search->found = true;
}

bool session_config_id_names_nothing(struct session *s)
{
	struct id_search search = {s->kept.config_id, false};

	if (search.id == NULL || !session_can_see_tokens(s))
		return false;
	/* The same listing `doctor` judges the config's pkcs11-id by (p11_look_certs). */
	if (s->io->each_cert(s->io->ctx, compare_id, &search) < 0)
		return false;
	return !search.found;
}

void session_say_config_id_names_nothing(struct session *s)
{
	out_error("the config's pkcs11-id names no certificate on the tokens present -- copy an id "
	          "from `ovpn-token list`, or check the config with `ovpn-token doctor`");
	session_end_error(s, EXIT_NO_CERTIFICATE);
}

void session_on_fatal(struct session *s, const char *text)
{
	snprintf(s->link.last_fatal, sizeof s->link.last_fatal, "%s", text);
	/* We ended the run (cancelled, no certificate, ...) and said why: this is the echo. */
	if (session_ending(s) && s->link.result != EXIT_OK) {
		out_verbose("OpenVPN: %s", text);
		return;
	}
	if (strstr(text, KEY_FAILED) != NULL) {
		if (session_pin_fatal(s)) {
			out_verbose("OpenVPN: %s", text);
			return;
		}
		if (session_config_id_names_nothing(s)) {
			out_verbose("OpenVPN: %s", text);
			session_say_config_id_names_nothing(s);
			return;
		}
	}
	out_error("OpenVPN: %s", text);
}
