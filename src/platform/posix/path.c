/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX paths: '/' separates, a leading '/' makes a path absolute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/platform.h"

int plat_absolute_path(const char *path, char *out, size_t outsz)
{
	char cwd[4096];

	if (path[0] == '/') {
		int n = snprintf(out, outsz, "%s", path);

		return n >= 0 && (size_t)n < outsz ? 0 : -1;
	}
	if (getcwd(cwd, sizeof cwd) == NULL)
		return -1;
	return plat_path_join(cwd, path, out, outsz);
}

int plat_canonical_path(const char *path, char *out, size_t outsz)
{
	char *real = realpath(path, NULL);
	int n = real != NULL ? snprintf(out, outsz, "%s", real) : -1;

	free(real);
	return n >= 0 && (size_t)n < outsz ? 0 : -1;
}

void plat_path_dir(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(out, outsz, ".");
	else if (slash == path)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - path), path);
}

int plat_path_join(const char *dir, const char *path, char *out, size_t outsz)
{
	size_t n = strlen(dir);
	int len;

	if (path[0] == '/' || dir[0] == '\0')
		len = snprintf(out, outsz, "%s", path);
	else
		len = snprintf(out, outsz, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", path);
	return len >= 0 && (size_t)len < outsz ? 0 : -1;
}

int plat_module_path(const char *dir, const char *name, char *out, size_t outsz)
{
	int n;

	/* dlopen() searches only for a name without a slash, and never in the working directory. */
	if (strchr(name, '/') != NULL)
		return plat_path_join(dir, name, out, outsz);
	n = snprintf(out, outsz, "%s", name);
	return n >= 0 && (size_t)n < outsz ? 0 : -1;
}
