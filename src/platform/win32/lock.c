/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows: one instance per config through a file in %LOCALAPPDATA%\ovpn-token held open for
 * writing without write sharing.  Windows closes it when the process ends, however it ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

struct plat_lock {
	HANDLE file;
};

static long read_owner(const wchar_t *path)
{
	HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
	                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	char buf[32];
	DWORD got = 0;

	if (h == INVALID_HANDLE_VALUE)
		return 0;
	if (!ReadFile(h, buf, sizeof buf - 1, &got, NULL))
		got = 0;
	CloseHandle(h);
	buf[got] = '\0';
	return strtol(buf, NULL, 10);
}

struct plat_lock *plat_lock_take(const char *name, long *owner, char *err, size_t errsz)
{
	char dir[MAX_PATH * 3], path[MAX_PATH * 3], pid[32], why[300];
	struct plat_lock *l;
	wchar_t *w;
	HANDLE h;
	DWORD wrote;
	int n;

	*owner = 0;
	if (win32_app_dir("", dir, sizeof dir) != 0 ||
	    (size_t)snprintf(path, sizeof path, "%s\\%s.lock", dir, name) >= sizeof path ||
	    (w = win32_widen(path)) == NULL) {
		snprintf(err, errsz, "no folder for the instance lock (LOCALAPPDATA unset?)");
		return NULL;
	}
	/* Without write sharing: a second opener for writing fails while we hold it. */
	h = win32_open_safe(path, GENERIC_WRITE, FILE_SHARE_READ, OPEN_ALWAYS, why, sizeof why);
	if (h == INVALID_HANDLE_VALUE) {
		if (GetLastError() == ERROR_SHARING_VIOLATION) {
			*owner = read_owner(w);
			snprintf(err, errsz, "locked by another process (%s)", path);
		} else {
			snprintf(err, errsz, "cannot open %s: %s", path, why);
		}
		free(w);
		return NULL;
	}
	free(w);
	n = snprintf(pid, sizeof pid, "%lu\r\n", (unsigned long)GetCurrentProcessId());
	SetEndOfFile(h);
	WriteFile(h, pid, (DWORD)n, &wrote, NULL);
	l = malloc(sizeof *l);
	if (l == NULL) {
		CloseHandle(h);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	l->file = h;
	return l;
}

void plat_lock_release(struct plat_lock *l)
{
	if (l == NULL)
		return;
	CloseHandle(l->file);
	free(l);
}
