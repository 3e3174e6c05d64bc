/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The certificate in a tunnel's status text (tunnel_cert.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_info.h"
#include "cmd/tunnel_cert.h"
#include "served/served.h"
#include "session/status_cert.h"

void tunnel_cert_read(const char *text, struct tunnel_cert *tc)
{
	memset(tc, 0, sizeof *tc);
	served_value(text, "cert_subject", tc->subject, sizeof tc->subject);
	served_value(text, "cert_id", tc->id, sizeof tc->id);
	tc->present = tc->subject[0] != '\0' || tc->id[0] != '\0';
	served_value(text, "cert_token", tc->token, sizeof tc->token);
	if (served_value(text, "cert_not_after", tc->not_after_text, sizeof tc->not_after_text)) {
		tc->not_after = served_time_parse(tc->not_after_text);
		tc->dated = tc->not_after >= 0;
	}
}

bool tunnel_cert_warning(const struct tunnel_cert *tc, long long now, char *buf, size_t bufsz)
{
	char words[200];

	if (bufsz > 0)
		buf[0] = '\0';
	if (!tc->dated || !cert_expiry_warning(tc->not_after, now, words, sizeof words))
		return false;
	snprintf(buf, bufsz, "certificate '%s' %s", tc->subject[0] != '\0' ? tc->subject : tc->id,
	         words);
	return true;
}

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

size_t tunnel_cert_block_lines(const char *block, size_t len, char *out, size_t outsz)
{
	const char *p = block, *end = block + len;
	char *b64 = malloc(len + 1);
	size_t n = 0;
	bool inside = false, done = false;
	struct cert_info ci;
	struct status_cert sc;

	if (outsz > 0)
		out[0] = '\0';
	if (b64 == NULL)
		return 0;
	/* The PEM's base64 lines, joined: the first certificate's only. */
	while (p < end && !done) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (!inside && l == strlen(PEM_BEGIN) && memcmp(p, PEM_BEGIN, l) == 0) {
			inside = true;
		} else if (inside && l == strlen(PEM_END) && memcmp(p, PEM_END, l) == 0) {
			done = true;
		} else if (inside) {
			memcpy(b64 + n, p, l);
			n += l;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	b64[n] = '\0';
	n = 0;
	if (done && cert_info_from_base64(b64, &ci) == 0) {
		status_cert_of(&sc, &ci, NULL, NULL);
		n = status_cert_text(&sc, out, outsz);
	}
	free(b64);
	return n;
}
