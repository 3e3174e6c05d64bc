/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows paths: '\' and '/' both separate; "C:\...", "\\server\share" and "\..." (the current
 * drive's root) are absolute, "C:file" is not really, and is treated as relative.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

static bool is_absolute(const char *p)
{
	if (is_sep(p[0]))
		return true;
	return p[0] != '\0' && p[1] == ':' && is_sep(p[2]);
}

int plat_absolute_path(const char *path, char *out, size_t outsz)
{
	wchar_t *wide = win32_widen(path), full[4096];
	DWORD n;

	if (wide == NULL)
		return -1;
	n = GetFullPathNameW(wide, sizeof full / sizeof full[0], full, NULL);
	free(wide);
	if (n == 0 || n >= sizeof full / sizeof full[0])
		return -1;
	return win32_narrow(full, (int)n, out, outsz);
}

int plat_canonical_path(const char *path, char *out, size_t outsz)
{
	wchar_t *wide = win32_widen(path), full[4096];
	const wchar_t *shown = full;
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD n = 0;

	/* No access, only a handle to ask its name: BACKUP_SEMANTICS lets folders open too. */
	if (wide != NULL)
		h = CreateFileW(wide, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
		                OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
	free(wide);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	n = GetFinalPathNameByHandleW(h, full, sizeof full / sizeof full[0],
	                              FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
	CloseHandle(h);
	if (n == 0 || n >= sizeof full / sizeof full[0])
		return -1;
	/* "\\?\C:\..." -> "C:\...", "\\?\UNC\server\share" -> "\\server\share" */
	if (wcsncmp(full, L"\\\\?\\UNC\\", 8) == 0) {
		full[6] = L'\\';
		shown = full + 6;
	} else if (wcsncmp(full, L"\\\\?\\", 4) == 0) {
		shown = full + 4;
	}
	return win32_narrow(shown, -1, out, outsz);
}

void plat_path_dir(const char *path, char *out, size_t outsz)
{
	const char *last = NULL;

	for (const char *p = path; *p != '\0'; p++)
		if (is_sep(*p))
			last = p;
	if (last == NULL && path[0] != '\0' && path[1] == ':')
		snprintf(out, outsz, "%.2s", path);
	else if (last == NULL)
		snprintf(out, outsz, ".");
	else if (last == path || (last == path + 2 && path[1] == ':'))
		snprintf(out, outsz, "%.*s", (int)(last - path) + 1, path);
	else
		snprintf(out, outsz, "%.*s", (int)(last - path), path);
}

int plat_path_join(const char *dir, const char *path, char *out, size_t outsz)
{
	size_t n = strlen(dir);
	int len;

	if (is_absolute(path) || dir[0] == '\0')
		len = snprintf(out, outsz, "%s", path);
	else
		len = snprintf(out, outsz, "%s%s%s", dir, is_sep(dir[n - 1]) ? "" : "\\", path);
	return len >= 0 && (size_t)len < outsz ? 0 : -1;
}

int plat_module_path(const char *dir, const char *name, char *out, size_t outsz)
{
	int n;

	if (strpbrk(name, "\\/:") != NULL)
		return plat_path_join(dir, name, out, outsz);
	/*
	 * LoadLibrary looks in the working directory of the process that loads a bare name (after
	 * the system folders); ovpn-token never does (SetDllDirectoryW("") at start): name the file
	 * there when it exists, so we load what openvpn, running in dir, loads.
	 */
	if (plat_path_join(dir, name, out, outsz) == 0 && win32_file_exists(out))
		return 0;
	n = snprintf(out, outsz, "%s", name);
	return n >= 0 && (size_t)n < outsz ? 0 : -1;
}
