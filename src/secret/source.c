/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "secret/source.h"
#include "ui/output.h"

/* $CREDENTIALS_DIRECTORY/NAME, when systemd gave us such a directory. */
static bool credential_path(const struct secret_source *src, char *out, size_t outsz)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	int n;

	if (src->credential == NULL || dir == NULL || dir[0] == '\0')
		return false;
	n = snprintf(out, outsz, "%s/%s", dir, src->credential);
	return n > 0 && (size_t)n < outsz;
}

static bool exists(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f != NULL)
		fclose(f);
	return f != NULL;
}

int secret_source_check(const struct secret_source *src)
{
	char err[600];

	if (src->file != NULL && src->file_must_be_private &&
	    plat_file_is_private(src->file, err, sizeof err) != 0) {
		out_error("refusing the %s file: %s", src->what, err);
		return -1;
	}
	return 0;
}

static int from_file(const struct secret_source *src, const char *path, struct secret *out)
{
	char err[600];

	if (plat_read_file(path, out->data, SECRET_BUF, err, sizeof err) < 0) {
		out_error("cannot read the %s: %s", src->what, err);
		return -1;
	}
	return 1;
}

static int take(const struct secret_source *src, struct secret *out)
{
	/* A file may end in a newline; a secret never holds one. */
	secret_trim_newline(out);
	if (memchr(out->data, '\n', out->len) != NULL || memchr(out->data, '\r', out->len) != NULL) {
		out_error("the %s source holds more than one line", src->what);
		secret_clear(out);
		return -1;
	}
	if (out->len == 0) {
		out_error("the %s source is empty", src->what);
		return -1;
	}
	if (out->len > SECRET_MAX) {
		out_error("the %s source holds more than %d bytes", src->what, SECRET_MAX);
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
                     size_t len, struct secret *out)
{
	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (memchr(start, '\r', len) != NULL || memchr(start, '\0', len) != NULL) {
		out_error("the %s file's %s holds a control character", src->what, which);
		return -1;
	}
	if (len > SECRET_MAX) {
		out_error("the %s file's %s holds more than %d bytes", src->what, which, SECRET_MAX);
		return -1;
	}
	memmove(out->data, start, len);  /* the first line moves within its own buffer */
	out->data[len] = '\0';
	out->len = len;
	return 1;
}

int secret_source_read_pair(struct secret_source *src, struct secret *first,
                            struct secret *second)
{
	char path[600], err[600];
	const char *file = src->file, *nl, *rest;
	long n;
	int rc;

	secret_clear(first);
	secret_clear(second);
	if (src->disabled)
		return 0;
	if (file == NULL && credential_path(src, path, sizeof path) && exists(path))
		file = path;
	if (file == NULL)
		return 0;
	if (file == src->file && secret_source_check(src) != 0)
		return -1;
	/* The whole file lands in first's locked buffer, then the second line moves out of it. */
	n = plat_read_file(file, first->data, PAIR_BUF, err, sizeof err);
	if (n < 0) {
		out_error("cannot read the %s: %s", src->what, err);
		plat_wipe(first->data, PAIR_BUF);
		return -1;
	}
	nl = memchr(first->data, '\n', (size_t)n);
	rest = nl != NULL ? nl + 1 : first->data + n;
	rc = 1;
	if (nl != NULL && rest < first->data + n) {
		const char *end = memchr(rest, '\n', (size_t)(first->data + n - rest));
		size_t len = end != NULL ? (size_t)(end - rest) : (size_t)(first->data + n - rest);

		if (end != NULL && end + 1 < first->data + n) {
			out_error("the %s file holds more than two lines", src->what);
			rc = -1;
		} else {
			rc = take_line(src, "second line", rest, len, second);
		}
	}
	if (rc == 1)
		rc = take_line(src, "first line", first->data,
		               nl != NULL ? (size_t)(nl - first->data) : (size_t)n, first);
	/* What was read beyond the first line is still in first's buffer. */
	plat_wipe(first->data + first->len + 1, PAIR_BUF - first->len - 1);
	if (rc == 1 && first->len == 0) {
		out_error("the %s file's first line is empty", src->what);
		rc = -1;
	}
	if (rc != 1) {
		plat_wipe(first->data, PAIR_BUF);
		first->len = 0;
		secret_clear(second);
	}
	return rc;
}

int secret_source_read(struct secret_source *src, struct secret *out)
{
	char path[600], err[300];
	int rc = 0;

	secret_clear(out);
	if (src->disabled)
		return 0;
	if (src->file != NULL) {
		rc = secret_source_check(src) == 0 ? from_file(src, src->file, out) : -1;
	} else if (src->fd >= 0 && !src->fd_consumed) {
		src->fd_consumed = true;
		rc = plat_read_fd(src->fd, out->data, SECRET_BUF, err, sizeof err) < 0 ? -1 : 1;
		plat_close_fd(src->fd);
		if (rc < 0)
			out_error("cannot read the %s: %s", src->what, err);
	} else if (credential_path(src, path, sizeof path) && exists(path)) {
		rc = from_file(src, path, out);
	}
	if (rc == 1)
		rc = take(src, out);
	if (rc != 1)
		secret_clear(out);
	return rc;
}
