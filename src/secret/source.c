/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "secret/source.h"
#include "ui/output.h"

static bool exists(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f != NULL)
		fclose(f);
	return f != NULL;
}

/* $CREDENTIALS_DIRECTORY/NAME, when systemd gave us such a directory and that credential. */
static bool credential_path(const struct secret_source *src, char *out, size_t outsz)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	int n;

	if (src->credential == NULL || dir == NULL || dir[0] == '\0')
		return false;
	n = snprintf(out, outsz, "%s/%s", dir, src->credential);
	return n > 0 && (size_t)n < outsz && exists(out);
}

/* Every file that holds a secret must be private: the PIN's as the management password's. */
int secret_source_check(const struct secret_source *src, char *err, size_t errsz)
{
	char why[600];

	if (src->file != NULL && src->fd >= 0) {
		snprintf(err, errsz, "give the %s one way: a file or a descriptor, not both", src->what);
		return -1;
	}
	if (src->fd == 0 && plat_interactive()) {
		snprintf(err, errsz, "descriptor 0 is the terminal: leave it out and type the %s at the "
		         "prompt, which does not echo", src->what);
		return -1;
	}
	if (src->file != NULL && plat_file_is_private(src->file, why, sizeof why) != 0) {
		snprintf(err, errsz, "refusing the %s file: %s", src->what, why);
		return -1;
	}
	return 0;
}

/* Into buf (bufsz: what it holds): the file read is the one judged private, never a swap. */
static long read_private(const struct secret_source *src, const char *path, char *buf,
                         size_t bufsz, char *err, size_t errsz)
{
	char why[600];
	long n = plat_read_private_file(path, buf, bufsz, why, sizeof why);

	if (n < 0)
		snprintf(err, errsz, "cannot read the %s: %s", src->what, why);
	return n;
}

static int take(const struct secret_source *src, struct secret *out, char *err, size_t errsz)
{
	/* A file may end in a newline; a secret never holds one. */
	secret_trim_newline(out);
	if (memchr(out->data, '\n', out->len) != NULL || memchr(out->data, '\r', out->len) != NULL) {
		snprintf(err, errsz, "the %s source holds more than one line", src->what);
		secret_clear(out);
		return -1;
	}
	if (out->len == 0) {
		snprintf(err, errsz, "the %s source is empty", src->what);
		return -1;
	}
	if (out->len > SECRET_MAX) {
		snprintf(err, errsz, "the %s source holds more than %d bytes", src->what, SECRET_MAX);
		secret_clear(out);
		return -1;
	}
	return 1;
}

/* Two lines, each with its "\r\n", fit into one secret's allocation. */
#define PAIR_BUF (2 * SECRET_BUF)
_Static_assert(PAIR_BUF <= SECRET_ALLOC, "a pair of lines must fit one secret allocation");

/* Moves line [start, start+len) of whole into out, dropping one trailing '\r'. */
static int take_line(const struct secret_source *src, const char *which, const char *start,
                     size_t len, struct secret *out, char *err, size_t errsz)
{
	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (memchr(start, '\r', len) != NULL || memchr(start, '\0', len) != NULL) {
		snprintf(err, errsz, "the %s file's %s holds a control character", src->what, which);
		return -1;
	}
	if (len > SECRET_MAX) {
		snprintf(err, errsz, "the %s file's %s holds more than %d bytes", src->what, which,
		         SECRET_MAX);
		return -1;
	}
	memmove(out->data, start, len);  /* the first line moves within its own buffer */
	out->data[len] = '\0';
	out->len = len;
	return 1;
}

int secret_source_read_pair(struct secret_source *src, struct secret *first,
                            struct secret *second, char *err, size_t errsz)
{
	char path[600];
	const char *file = src->file, *nl, *rest;
	long n;
	int rc;

	secret_clear(first);
	secret_clear(second);
	if (src->disabled)
		return 0;
	if (file == NULL && credential_path(src, path, sizeof path))
		file = path;
	if (file == NULL)
		return 0;
	/* The whole file lands in first's locked buffer, then the second line moves out of it. */
	n = read_private(src, file, first->data, PAIR_BUF, err, errsz);
	if (n < 0)
		return -1;
	nl = memchr(first->data, '\n', (size_t)n);
	rest = nl != NULL ? nl + 1 : first->data + n;
	rc = 1;
	if (nl != NULL && rest < first->data + n) {
		const char *end = memchr(rest, '\n', (size_t)(first->data + n - rest));
		size_t len = end != NULL ? (size_t)(end - rest) : (size_t)(first->data + n - rest);

		if (end != NULL && end + 1 < first->data + n) {
			snprintf(err, errsz, "the %s file holds more than two lines", src->what);
			rc = -1;
		} else {
			rc = take_line(src, "second line", rest, len, second, err, errsz);
		}
	}
	if (rc == 1)
		rc = take_line(src, "first line", first->data,
		               nl != NULL ? (size_t)(nl - first->data) : (size_t)n, first, err, errsz);
	/* What was read beyond the first line is still in first's buffer. */
	plat_wipe(first->data + first->len + 1, PAIR_BUF - first->len - 1);
	if (rc == 1 && first->len == 0) {
		snprintf(err, errsz, "the %s file's first line is empty", src->what);
		rc = -1;
	}
	if (rc != 1) {
		plat_wipe(first->data, PAIR_BUF);
		first->len = 0;
		secret_clear(second);
	}
	return rc;
}

int secret_source_read(struct secret_source *src, struct secret *out, char *err, size_t errsz)
{
	char path[600], why[300];
	int rc = 0;

	secret_clear(out);
	if (src->disabled)
		return 0;
	if (src->file != NULL) {
		rc = read_private(src, src->file, out->data, SECRET_BUF, err, errsz) < 0 ? -1 : 1;
	} else if (src->fd >= 0 && !src->fd_consumed) {
		src->fd_consumed = true;
		rc = plat_read_fd(src->fd, out->data, SECRET_BUF, why, sizeof why) < 0 ? -1 : 1;
		plat_close_fd(src->fd);
		if (rc < 0)
			snprintf(err, errsz, "cannot read the %s: %s", src->what, why);
	} else if (credential_path(src, path, sizeof path)) {
		rc = read_private(src, path, out->data, SECRET_BUF, err, errsz) < 0 ? -1 : 1;
	}
	if (rc == 1)
		rc = take(src, out, err, errsz);
	if (rc != 1)
		secret_clear(out);
	return rc;
}

/* ---- until the session passes err (issue 17): the calls without it print the reason ---- */

void secret_source_keep(const struct secret_source *src)
{
	if (src->fd >= 0)
		plat_keep_from_children(src->fd);
}
