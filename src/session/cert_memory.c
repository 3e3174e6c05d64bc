/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The remembered certificate choice (cert_memory.h). */
#include <stdio.h>
#include <string.h>

#include "session/cert_memory.h"

enum cert_kinship cert_memory_kinship(const struct cert_memory *m, const struct cert_info *ci,
                                      const char *id)
{
	bool same_id = m->id[0] != '\0' && id != NULL &&
	               (strcmp(m->id, id) == 0 || p11_id_equal(m->id, id));

	if (ci == NULL || m->sha256[0] == '\0')
		return CERT_STRANGER;
	if (strcmp(ci->sha256, m->sha256) == 0)
		return same_id ? CERT_SAME_HERE : CERT_SAME;
	/* A renewal keeps its place on the token and its names; only a newer one replaces it. */
	if (same_id && m->subject[0] != '\0' && strcmp(ci->subject, m->subject) == 0 &&
	    strcmp(ci->issuer, m->issuer) == 0 && ci->not_before_epoch > m->not_before)
		return CERT_RENEWAL;
	return CERT_STRANGER;
}

void cert_memory_of(struct cert_memory *m, const struct cert_info *ci, const char *id)
{
	memset(m, 0, sizeof *m);
	snprintf(m->sha256, sizeof m->sha256, "%s", ci->sha256);
	snprintf(m->id, sizeof m->id, "%s", id != NULL ? id : "");
	snprintf(m->subject, sizeof m->subject, "%s", ci->subject);
	snprintf(m->issuer, sizeof m->issuer, "%s", ci->issuer);
	m->not_before = ci->not_before_epoch;
}

void cert_memory_describe(const struct cert_memory *m, char *buf, size_t bufsz)
{
	if (m->subject[0] != '\0')
		snprintf(buf, bufsz, "%s (sha256 %.16s...)", m->subject, m->sha256);
	else
		snprintf(buf, bufsz, "sha256 %.16s...", m->sha256);
}
