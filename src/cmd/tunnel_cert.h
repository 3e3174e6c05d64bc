/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The certificate a tunnel's status text names (the cert_* lines the session writes,
 * session/status_cert.h), as `status` shows it, and its warning when it expires soon.  A text
 * without those lines (an older ovpn-token's, a config's own pkcs11-id) names none: no warning.
 */
#ifndef OVPN_TOKEN_CMD_TUNNEL_CERT_H
#define OVPN_TOKEN_CMD_TUNNEL_CERT_H

#include <stdbool.h>
#include <stddef.h>

struct tunnel_cert {
	bool present;               /* a cert_id= or cert_subject= line is there */
	bool dated;                 /* cert_not_after= is there and reads as a date */
	char subject[512];          /* as the file says ("" none): shown through the sanitizer */
	char not_after_text[32];    /* as the file says, ISO 8601 */
	long long not_after;
	char token[160];
	char id[800];
};

/* Reads the cert_* lines of a status text (others'; nothing but the values is trusted). */
void tunnel_cert_read(const char *text, struct tunnel_cert *tc);
/*
 * "certificate 'SUBJECT' EXPIRES SOON (2031-05-06 12:00:00 UTC) -- hint: get it renewed
 * (ovpn-token enroll --renew)" (or EXPIRED on ...) when its end is known and cert_expiry()
 * says so at now; false (buf "") otherwise.  Not sanitized: the caller shows it.
 */
bool tunnel_cert_warning(const struct tunnel_cert *tc, long long now, char *buf, size_t bufsz);

/*
 * The cert_* lines (session/status_cert.h) for the certificate in a member's "certificate"
 * block (certificate, the PEM lines, END), which serve passes to its openvpn: the holder file
 * names it as a session's status file does.  Returns their length; 0 (out "") when the block
 * holds no certificate that decodes.
 */
size_t tunnel_cert_block_lines(const char *block, size_t len, char *out, size_t outsz);

#endif
