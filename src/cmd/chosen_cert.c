/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/chosen_cert.h"
#include "platform/platform.h"
#include "ui/output.h"

#define PREFIX "sha256 "

static bool is_fingerprint(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void chosen_cert_load(struct chosen_cert *cc, const char *stem)
{
	char file[200], text[256], err[512];
	long n;

	cc->path[0] = cc->sha256[0] = '\0';
	snprintf(file, sizeof file, "%s.cert", stem);
	if (plat_state_file_path(file, cc->path, sizeof cc->path, err, sizeof err) != 0) {
		out_verbose("no certificate choice is remembered: %s", err);
		cc->path[0] = '\0';
		return;
	}
	n = plat_read_file(cc->path, text, sizeof text - 1, err, sizeof err);
	if (n <= 0)
		return;
	text[n] = '\0';
	text[strcspn(text, "\r\n")] = '\0';
	/* Anything else (an older format, a hand edit) is as if nothing were remembered. */
	if (strncmp(text, PREFIX, strlen(PREFIX)) == 0 &&
	    is_fingerprint(text + strlen(PREFIX), strlen(text + strlen(PREFIX))))
		memcpy(cc->sha256, text + strlen(PREFIX), sizeof cc->sha256); /* 64 + NUL */
}

void chosen_cert_save(void *arg, const char *sha256)
{
	struct chosen_cert *cc = arg;
	char text[128], err[512];
	int n;

	if (cc->path[0] == '\0' || strcmp(cc->sha256, sha256) == 0)
		return;
	n = snprintf(text, sizeof text, PREFIX "%s\n", sha256);
	if (plat_replace_file(cc->path, text, (size_t)n, err, sizeof err) != 0) {
		out_warning("cannot remember the certificate chosen: %s", err);
		return;
	}
	snprintf(cc->sha256, sizeof cc->sha256, "%s", sha256);
}
