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
