/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: where our files live.  %LOCALAPPDATA%\ovpn-token holds the instance locks and the
 * default logs; its run\ folder holds one folder per running ovpn-token (the management
 * password file), named "<pid>-<random>" so that the next start can tell a dead owner's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

int win32_app_dir(const char *sub, char *out, size_t outsz)
{
	char base[MAX_PATH * 3];
	PSECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
	wchar_t *w;
	int n;

	if (win32_getenv(L"LOCALAPPDATA", base, sizeof base) != 0)
		return -1;
	n = snprintf(out, outsz, "%s\\ovpn-token", base);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	/* Made private when new, like mkdir 0700; what is made inside inherits that. */
	if (!win32_dir_exists(out)) {
		sd = win32_owner_only_sd();
		sa.lpSecurityDescriptor = sd;
		w = win32_widen(out);
		if (w != NULL && !CreateDirectoryW(w, sd != NULL ? &sa : NULL) &&
		    GetLastError() == ERROR_PATH_NOT_FOUND)
			win32_make_dirs(out);
		free(w);
		LocalFree(sd);
	}
	n = snprintf(out, outsz, "%s\\ovpn-token%s%s", base, sub[0] != '\0' ? "\\" : "", sub);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return win32_make_dirs(out);
}

int plat_state_file_path(const char *file, char *out, size_t outsz, char *err, size_t errsz)
{
	char dir[MAX_PATH * 3];
	int n;

	if (win32_app_dir("", dir, sizeof dir) != 0) {
		snprintf(err, errsz, "cannot create %%LOCALAPPDATA%%\\ovpn-token");
		return -1;
	}
	n = snprintf(out, outsz, "%s\\%s", dir, file);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "the path of %s in the state folder is too long", file);
		return -1;
	}
	return 0;
}

int plat_default_log_path(const char *name, char *out, size_t outsz, char *err, size_t errsz)
{
	char file[300];

	if ((size_t)snprintf(file, sizeof file, "%s.log", name) >= sizeof file) {
		snprintf(err, errsz, "the log file's name is too long");
		return -1;
	}
	return plat_state_file_path(file, out, outsz, err, errsz);
}

/*
 * The folder's owner is alive when its pid is a running process started no later than the
 * folder was made; a later start means the pid was reused.  (A process we may not open is
 * someone else's: its folder is kept, to be safe.)
 */
static bool run_dir_owner_alive(DWORD pid, const FILETIME *made)
{
	HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
	FILETIME created, exited, kernel, user;
	DWORD code = 0;
	bool alive;

	if (p == NULL)
		return GetLastError() == ERROR_ACCESS_DENIED;
	alive = GetExitCodeProcess(p, &code) && code == STILL_ACTIVE;
	if (alive && GetProcessTimes(p, &created, &exited, &kernel, &user))
		alive = CompareFileTime(&created, made) <= 0;
	CloseHandle(p);
	return alive;
}

/* Removes the files in dir (a stale run folder holds only plain files) and dir itself. */
static void remove_run_dir(const wchar_t *dir)
{
	wchar_t path[MAX_PATH * 2];
	WIN32_FIND_DATAW f;
	HANDLE find;

	if (swprintf(path, MAX_PATH * 2, L"%ls\\*", dir) < 0)
		return;
	find = FindFirstFileW(path, &f);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			if ((f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0 &&
			    swprintf(path, MAX_PATH * 2, L"%ls\\%ls", dir, f.cFileName) >= 0)
				DeleteFileW(path);
		} while (FindNextFileW(find, &f));
		FindClose(find);
	}
	RemoveDirectoryW(dir);
}

/* `status`, which would list them, does not run on Windows (plat_served_check). */
void plat_list_run_dirs(void (*each)(const char *dir, long pid, void *arg), void *arg)
{
	(void)each;
	(void)arg;
}

/* After a hard kill (or a crash) nobody removed the run folder and its password file. */
void plat_remove_stale_run_dirs(void (*stale)(const char *dir, void *arg), void *arg)
{
	char base[MAX_PATH * 3], dir8[MAX_PATH * 6];
	wchar_t *wbase, pattern[MAX_PATH * 2], dir[MAX_PATH * 2];
	WIN32_FIND_DATAW f;
	HANDLE find;

	if (win32_app_dir("run", base, sizeof base) != 0)
		return;
	wbase = win32_widen(base);
	if (wbase == NULL || swprintf(pattern, MAX_PATH * 2, L"%ls\\*-*", wbase) < 0) {
		free(wbase);
		return;
	}
	find = FindFirstFileW(pattern, &f);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			wchar_t *end;
			unsigned long pid = wcstoul(f.cFileName, &end, 10);

			if ((f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0 ||
			    (f.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 ||
			    end == f.cFileName || *end != L'-' || wcslen(end + 1) != 16 || pid == 0 ||
			    run_dir_owner_alive((DWORD)pid, &f.ftCreationTime))
				continue;
			if (swprintf(dir, MAX_PATH * 2, L"%ls\\%ls", wbase, f.cFileName) < 0)
				continue;
			if (stale != NULL && win32_narrow(dir, -1, dir8, sizeof dir8) == 0)
				stale(dir8, arg);
			remove_run_dir(dir);
		} while (FindNextFileW(find, &f));
		FindClose(find);
	}
	free(wbase);
}

int plat_make_private_dir(char *out, size_t outsz, char *err, size_t errsz)
{
	char base[MAX_PATH * 3], text[256];
	unsigned char rnd[8];
	PSECURITY_DESCRIPTOR sd;
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
	wchar_t *w;
	BOOL ok;
	int n;

	if (win32_app_dir("run", base, sizeof base) != 0 || plat_random_bytes(rnd, sizeof rnd) != 0) {
		snprintf(err, errsz, "cannot create %%LOCALAPPDATA%%\\ovpn-token\\run");
		return -1;
	}
	plat_remove_stale_run_dirs(NULL, NULL);
	n = snprintf(out, outsz, "%s\\%lu-%02x%02x%02x%02x%02x%02x%02x%02x", base,
	             (unsigned long)GetCurrentProcessId(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
	             rnd[5], rnd[6], rnd[7]);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "runtime directory path too long");
		return -1;
	}
	/*
	 * The profile is private already; the owner-only ACL also keeps out administrators' and
	 * backup software's inherited grants, like mkdtemp's 0700.  CreateDirectory fails if the
	 * random name exists: the directory is always fresh.
	 */
	sd = win32_owner_only_sd();
	sa.lpSecurityDescriptor = sd;
	w = win32_widen(out);
	ok = w != NULL && CreateDirectoryW(w, sd != NULL ? &sa : NULL);
	if (!ok) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "%s: %s", out, text);
	}
	free(w);
	LocalFree(sd);
	return ok ? 0 : -1;
}

void plat_remove_private_dir(const char *dir, const char *leftover_file)
{
	char path[MAX_PATH * 3];
	wchar_t *w;

	if (leftover_file != NULL &&
	    (size_t)snprintf(path, sizeof path, "%s\\%s", dir, leftover_file) < sizeof path &&
	    (w = win32_widen(path)) != NULL) {
		DeleteFileW(w);
		free(w);
	}
	if ((w = win32_widen(dir)) != NULL) {
		RemoveDirectoryW(w);
		free(w);
	}
}
