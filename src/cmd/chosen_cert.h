/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The certificate a person chose for a config, remembered for its next start in the state folder
 * (STEM.cert beside the config's instance lock): its SHA-256 fingerprint, which a changed token
 * serial or label does not change, and its pkcs11-id, subject, issuer and start of validity, to
 * tell its token from a backup's and to recognise its renewal (session/cert_memory.h).  A file
 * that is not the user's own or that others may write to is not trusted (-v says why).
 */
#ifndef OVPN_TOKEN_CHOSEN_CERT_H
#define OVPN_TOKEN_CHOSEN_CERT_H

#include "session/cert_memory.h"

struct chosen_cert {
	char path[1024];            /* "" when there is no state folder: nothing is remembered */
	struct cert_memory memory;  /* sha256 "" when nothing (valid) was remembered */
};

/* Reads what was remembered for the config whose instance is called stem. */
void chosen_cert_load(struct chosen_cert *cc, const char *stem);
/* Reads the file at cc->path (set by the caller). */
void chosen_cert_read(struct chosen_cert *cc);
/* Remembers a choice (a session's certs_choice_fn; arg is the struct chosen_cert). */
void chosen_cert_save(void *arg, const struct cert_memory *chosen);

#endif
