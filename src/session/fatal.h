/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: OpenVPN's last words (>FATAL), turned into the cause.  OpenVPN ends many different
 * failures with the same line ("private key password verification failed"): after we
 * cancelled or gave up ourselves, after a PIN the token refused, after a pkcs11-id that names
 * no certificate.  Here the line is said as what actually happened; OpenVPN's own words stay
 * visible with -v.
 */
#ifndef OVPN_TOKEN_SESSION_FATAL_H
#define OVPN_TOKEN_SESSION_FATAL_H

#include <stdbool.h>

#include "session/core.h"

struct fatal {
	char last[512];                 /* OpenVPN's last FATAL on this connection, "" if none */
};

enum fatal_kind {
	FATAL_ECHO,                     /* we ended the run and said why: this is its echo */
	FATAL_KEY_FAILED,               /* the key failed to load: who is to blame is not said yet */
	FATAL_SAID,                     /* anything else: said as OpenVPN's own words */
};

void fatal_new_run(struct fatal *f);
enum fatal_kind fatal_on_line(struct session_core *c, struct fatal *f, const char *text);
/* FATAL_KEY_FAILED that no PIN explains: the config's pkcs11-id, or OpenVPN's own words. */
void fatal_explain_key_failure(struct session_core *c, const struct fatal *f);
bool fatal_seen(const struct fatal *f);

#endif
