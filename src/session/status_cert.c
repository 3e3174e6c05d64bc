/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The certificate in use in the status file (status_cert.h). */
#include <stdio.h>
#include <string.h>

#include "codec/utc.h"
#include "session/status_cert.h"
#include "ui/sanitize.h"

/* The token's label as the id names it (pkcs11-helper's list knows no other). */
static void label_of_id(const char *id, char *out, size_t outsz)
{
	struct p11_id_fields f;
	char err[128];

	out[0] = '\0';
	if (id != NULL && p11_id_decode(id, &f, err, sizeof err) == 0)
		sanitize_text(out, outsz, f.label, f.label_len);
}

void status_cert_of(struct status_cert *sc, const struct cert_info *ci, const char *token,
                    const char *id)
{
	memset(sc, 0, sizeof *sc);
	sc->known = true;
	if (ci != NULL) {
		sc->dated = true;
		sanitize_str(sc->subject, sizeof sc->subject, ci->subject);
		sc->not_after = ci->not_after_epoch;
	}
	if (token != NULL && token[0] != '\0')
		sanitize_str(sc->token, sizeof sc->token, token);
	else
		label_of_id(id, sc->token, sizeof sc->token);
	/* A serialized id is printable ASCII (p11_id_encode escapes the rest). */
	sanitize_str(sc->id, sizeof sc->id, id != NULL ? id : "");
}

/* Appends one "key=value" line at *n; false when it does not fit. */
static bool append(char *buf, size_t bufsz, size_t *n, const char *key, const char *value)
{
	int k = snprintf(buf + *n, bufsz - *n, "%s=%s\n", key, value);

	if (k < 0 || (size_t)k >= bufsz - *n)
		return false;
	*n += (size_t)k;
	return true;
}

size_t status_cert_text(const struct status_cert *sc, char *buf, size_t bufsz)
{
	char end[32];
	size_t n = 0;
	bool fits = true;

	if (bufsz == 0)
		return 0;
	buf[0] = '\0';
	if (!sc->known)
		return 0;
	if (sc->dated) {
		utc_text(sc->not_after, UTC_ISO8601, end, sizeof end);
		fits = append(buf, bufsz, &n, "cert_subject", sc->subject) &&
		       append(buf, bufsz, &n, "cert_not_after", end);
	}
	if (fits && sc->token[0] != '\0')
		fits = append(buf, bufsz, &n, "cert_token", sc->token);
	if (fits && sc->id[0] != '\0')
		fits = append(buf, bufsz, &n, "cert_id", sc->id);
	if (!fits) {
		buf[0] = '\0';
		return 0;
	}
	return n;
}
