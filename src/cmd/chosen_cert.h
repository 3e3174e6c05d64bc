/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The certificate a person chose for a config, remembered for its next start: the certificate's
 * SHA-256 fingerprint in the state folder (STEM.cert beside the config's instance lock), so a
 * changed token serial or label does not ask again.
 */
#ifndef OVPN_TOKEN_CHOSEN_CERT_H
#define OVPN_TOKEN_CHOSEN_CERT_H

struct chosen_cert {
	char path[1024];  /* "" when there is no state folder: nothing is remembered */
	char sha256[65];  /* "" when nothing (valid) was remembered */
};

/* Reads what was remembered for the config whose instance is called stem. */
void chosen_cert_load(struct chosen_cert *cc, const char *stem);
/* Remembers sha256 (a session's certs_choice_fn; arg is the struct chosen_cert). */
void chosen_cert_save(void *arg, const char *sha256);

#endif
