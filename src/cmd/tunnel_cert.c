/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The certificate in a tunnel's status text (tunnel_cert.h). */
#include <stdio.h>
#include <string.h>

#include "cert/cert_info.h"
#include "cmd/tunnel_cert.h"
#include "served/served.h"

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
