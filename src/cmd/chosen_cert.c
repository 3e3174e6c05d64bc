/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/chosen_cert.h"
#include "platform/platform.h"
#include "ui/output.h"

/* One "KEY VALUE" line each; sha256 first, the only one older versions wrote. */
#define SHA256_KEY "sha256 "
#define ID_KEY "id "
#define SUBJECT_KEY "subject "
#define ISSUER_KEY "issuer "
#define NOT_BEFORE_KEY "not-before "

static bool is_fingerprint(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The value of line when it starts with key, copied into out (cut to outsz). */
static bool take(const char *line, const char *key, char *out, size_t outsz)
{
	if (strncmp(line, key, strlen(key)) != 0)
		return false;
	snprintf(out, outsz, "%s", line + strlen(key));
	return true;
}

static void parse(struct cert_memory *m, char *text)
{
	char number[32];
	bool first = true;

	memset(m, 0, sizeof *m);
	for (char *line = text, *next; line != NULL; line = next, first = false) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (first) {
			/* Anything else (a hand edit) is as if nothing were remembered. */
			if (strncmp(line, SHA256_KEY, strlen(SHA256_KEY)) != 0 ||
			    !is_fingerprint(line + strlen(SHA256_KEY), strlen(line + strlen(SHA256_KEY))))
				return;
			take(line, SHA256_KEY, m->sha256, sizeof m->sha256);
		} else if (!take(line, ID_KEY, m->id, sizeof m->id) &&
		           !take(line, SUBJECT_KEY, m->subject, sizeof m->subject) &&
		           !take(line, ISSUER_KEY, m->issuer, sizeof m->issuer) &&
		           take(line, NOT_BEFORE_KEY, number, sizeof number)) {
			m->not_before = strtoll(number, NULL, 10);
		}
	}
}

void chosen_cert_read(struct chosen_cert *cc)
{
	char text[4096], err[1200];
	long n;

	memset(&cc->memory, 0, sizeof cc->memory);
	n = plat_read_own_file(cc->path, text, sizeof text, err, sizeof err);
	if (n == -2)
		out_verbose("the remembered certificate choice is ignored: %s", err);
	if (n <= 0)
		return;
	text[n] = '\0';
	parse(&cc->memory, text);
}

void chosen_cert_load(struct chosen_cert *cc, const char *stem)
{
	char file[200], err[512];

	cc->path[0] = '\0';
	memset(&cc->memory, 0, sizeof cc->memory);
	snprintf(file, sizeof file, "%s.cert", stem);
	if (plat_state_file_path(file, cc->path, sizeof cc->path, err, sizeof err) != 0) {
		out_verbose("no certificate choice is remembered: %s", err);
		cc->path[0] = '\0';
		return;
	}
	chosen_cert_read(cc);
}

void chosen_cert_save(void *arg, const struct cert_memory *chosen)
{
	struct chosen_cert *cc = arg;
	char text[2400], err[1200];
	int n;

	if (cc->path[0] == '\0' ||
	    (strcmp(cc->memory.sha256, chosen->sha256) == 0 && strcmp(cc->memory.id, chosen->id) == 0))
		return;
	n = snprintf(text, sizeof text,
	             SHA256_KEY "%s\n" ID_KEY "%s\n" SUBJECT_KEY "%s\n" ISSUER_KEY "%s\n"
	             NOT_BEFORE_KEY "%lld\n",
	             chosen->sha256, chosen->id, chosen->subject, chosen->issuer, chosen->not_before);
	if (n < 0 || (size_t)n >= sizeof text)
		snprintf(err, sizeof err, "its names are too long");
	else if (plat_replace_file(cc->path, text, (size_t)n, err, sizeof err) == 0)
		err[0] = '\0';
	if (err[0] != '\0') {
		out_warning("cannot remember the certificate chosen: %s", err);
		return;
	}
	cc->memory = *chosen;
}
