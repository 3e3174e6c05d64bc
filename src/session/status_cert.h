/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The certificate in use, as the status file tells it (doc/guide.md, the man page's
 * --status-file): what `status` needs to warn that it expires soon, and what a person needs to
 * recognise it, no secret.  Set when the session chose it (pkcs11-helper's id, or the
 * certificate --external-key sends); unknown before, and with a config's own pkcs11-id.
 */
#ifndef OVPN_TOKEN_SESSION_STATUS_CERT_H
#define OVPN_TOKEN_SESSION_STATUS_CERT_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/cert_info.h"
#include "pkcs11/id_codec.h"

struct status_cert {
	bool known;                 /* a certificate was chosen */
	bool dated;                 /* it decoded: subject and not_after are known */
	char subject[512];          /* cert_info's one-line subject (sanitized: no line break) */
	long long not_after;        /* seconds since 1970 */
	char token[P11_LABEL_LEN * 4 + 1]; /* its token's label, sanitized; "" when unknown */
	char id[P11_ID_MAX];        /* its serialized pkcs11-id */
};

/*
 * The certificate chosen now: ci NULL when it did not decode; token "" or NULL: from the id;
 * id NULL or "" when there is none (serve sees only the certificate).
 */
void status_cert_of(struct status_cert *sc, const struct cert_info *ci, const char *token,
                    const char *id);
/*
 * Its lines in the status file, "" when none is known:
 *   cert_subject=CN=anna,O=Example   (with cert_not_after, only when it decoded)
 *   cert_not_after=2031-05-06T12:00:00Z
 *   cert_token=Anna Token            (when known)
 *   cert_id=pkcs11-helper's serialized id  (when known)
 * Returns the length written; 0 (buf "") when nothing is known or it does not fit.
 */
size_t status_cert_text(const struct status_cert *sc, char *buf, size_t bufsz);

#endif
