/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: files and directories — secret files, the private run directory, openvpn's log. */
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

static void file_error(const char *path, char *err, size_t errsz)
{
	char text[256];

	win32_error_text(GetLastError(), text, sizeof text);
	snprintf(err, errsz, "%s: %s", path, text);
}

static HANDLE open_path(const char *path, DWORD access, DWORD disposition,
                        SECURITY_ATTRIBUTES *sa)
{
	wchar_t *w = win32_widen(path);
	HANDLE h;

	if (w == NULL) {
		SetLastError(ERROR_INVALID_NAME);
		return INVALID_HANDLE_VALUE;
	}
	h = CreateFileW(w, access, FILE_SHARE_READ, sa, disposition, FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	return h;
}

/* Reads until EOF, or up to bufsz-1 bytes (stop_at_newline: until the first line end). */
static long read_handle(HANDLE h, char *buf, size_t bufsz, bool stop_at_newline, bool *too_large)
{
	size_t len = 0;

	*too_large = false;
	while (len < bufsz - 1) {
		DWORD got = 0, want = (DWORD)(bufsz - 1 - len > 65536 ? 65536 : bufsz - 1 - len);

		if (!ReadFile(h, buf + len, want, &got, NULL)) {
			/* A pipe whose writer closed ends like a file. */
			if (GetLastError() == ERROR_BROKEN_PIPE)
				break;
			return -1;
		}
		if (got == 0)
			break;
		len += got;
		if (stop_at_newline && memchr(buf, '\n', len) != NULL)
			break;
	}
	if (len == bufsz - 1 && !stop_at_newline) {
		char extra;
		DWORD got = 0;

		*too_large = ReadFile(h, &extra, 1, &got, NULL) && got > 0;
	}
	buf[len] = '\0';
	return (long)len;
}

long plat_read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	HANDLE h = open_path(path, GENERIC_READ, OPEN_EXISTING, NULL);
	bool too_large;
	long len;

	if (h == INVALID_HANDLE_VALUE) {
		file_error(path, err, errsz);
		return -1;
	}
	len = read_handle(h, buf, bufsz, false, &too_large);
	if (len < 0)
		file_error(path, err, errsz);
	else if (too_large)
		snprintf(err, errsz, "%s: too large", path);
	CloseHandle(h);
	if (len < 0 || too_large) {
		plat_wipe(buf, bufsz);
		return -1;
	}
	return len;
}

long plat_read_fd(int fd, char *buf, size_t bufsz, char *err, size_t errsz)
{
	/* The descriptor is the C runtime's; the handle behind it is what the system reads. */
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	bool too_large;
	long len;

	if (h == INVALID_HANDLE_VALUE) {
		snprintf(err, errsz, "descriptor %d: not open", fd);
		return -1;
	}
	/* One line is all a PIN source holds: do not wait for EOF after it. */
	len = read_handle(h, buf, bufsz, true, &too_large);
	/* A full buffer without a line end: the secret is longer than we take; never cut it. */
	if (len >= 0 && (size_t)len == bufsz - 1 && memchr(buf, '\n', (size_t)len) == NULL) {
		snprintf(err, errsz, "descriptor %d: too long", fd);
		plat_wipe(buf, bufsz);
		return -1;
	}
	if (len < 0) {
		char text[256];

		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "descriptor %d: %s", fd, text);
		plat_wipe(buf, bufsz);
	}
	return len;
}

int plat_file_is_private(const char *path, char *err, size_t errsz)
{
	/*
	 * Accepted without an ACL check.  Windows has no mode bits: a file's readers are decided by
	 * its ACL, which a file in the user's profile inherits from it (only the user, SYSTEM and
	 * Administrators), and which we cannot judge reliably (groups, deny entries, inheritance)
	 * without reimplementing AccessCheck for every other account.  Only existence is checked,
	 * so that a missing file is reported the same way as on POSIX.
	 */
	if (!win32_file_exists(path)) {
		file_error(path, err, errsz);
		return -1;
	}
	return 0;
}

int plat_write_private_file(const char *path, const void *data, size_t n, char *err,
                            size_t errsz)
{
	PSECURITY_DESCRIPTOR sd = win32_owner_only_sd();
	SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
	HANDLE h;
	DWORD put = 0;
	BOOL ok;

	/* CREATE_NEW, as O_EXCL: never write a secret into a file someone else prepared. */
	h = open_path(path, GENERIC_WRITE, CREATE_NEW, sd != NULL ? &sa : NULL);
	LocalFree(sd);
	if (h == INVALID_HANDLE_VALUE) {
		file_error(path, err, errsz);
		return -1;
	}
	ok = WriteFile(h, data, (DWORD)n, &put, NULL) && put == n;
	CloseHandle(h);
	if (!ok) {
		snprintf(err, errsz, "%s: short write", path);
		wchar_t *w = win32_widen(path);
		if (w != NULL)
			DeleteFileW(w);
		free(w);
		return -1;
	}
	return 0;
}

int plat_replace_file(const char *path, const void *data, size_t n, char *err, size_t errsz)
{
	char tmp[MAX_PATH * 3 + 8];
	wchar_t *wtmp = NULL, *wpath = NULL;
	HANDLE h;
	DWORD put = 0;
	BOOL ok;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	h = open_path(tmp, GENERIC_WRITE, CREATE_ALWAYS, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		file_error(tmp, err, errsz);
		return -1;
	}
	ok = WriteFile(h, data, (DWORD)n, &put, NULL) && put == n;
	ok = CloseHandle(h) && ok;
	wtmp = win32_widen(tmp);
	wpath = win32_widen(path);
	/* MoveFileEx with REPLACE_EXISTING is a rename within the volume: one step for readers. */
	if (ok)
		ok = wtmp != NULL && wpath != NULL &&
		     MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
	if (!ok) {
		file_error(path, err, errsz);
		if (wtmp != NULL)
			DeleteFileW(wtmp);
	}
	free(wtmp);
	free(wpath);
	return ok ? 0 : -1;
}

int win32_app_dir(const char *sub, char *out, size_t outsz)
{
	char base[MAX_PATH * 3];
	int n;

	if (win32_getenv(L"LOCALAPPDATA", base, sizeof base) != 0)
		return -1;
	n = snprintf(out, outsz, "%s\\ovpn-token%s%s", base, sub[0] != '\0' ? "\\" : "", sub);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return win32_make_dirs(out);
}

/*
 * Run folders are named "<pid>-<random>" after the ovpn-token that made them.  The folder's
 * owner is alive when that pid is a running process started no later than the folder was made;
 * a later start means the pid was reused.  (A process we may not open is someone else's: its
 * folder is kept, to be safe.)
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

/*
 * After a hard kill (or a crash) nobody removed the run folder and its management password
 * file: the next start removes the folders whose owner is gone.
 */
static void remove_stale_run_dirs(const char *base)
{
	wchar_t *wbase = win32_widen(base), pattern[MAX_PATH * 2], dir[MAX_PATH * 2];
	WIN32_FIND_DATAW f;
	HANDLE find;

	if (wbase == NULL || swprintf(pattern, MAX_PATH * 2, L"%ls\\*-*", wbase) < 0) {
		free(wbase);
		return;
	}
	find = FindFirstFileW(pattern, &f);
	if (find != INVALID_HANDLE_VALUE) {
		do {
			wchar_t *end;
			unsigned long pid = wcstoul(f.cFileName, &end, 10);

			if ((f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0 || end == f.cFileName ||
			    *end != L'-' || wcslen(end + 1) != 16 || pid == 0 ||
			    run_dir_owner_alive((DWORD)pid, &f.ftCreationTime))
				continue;
			if (swprintf(dir, MAX_PATH * 2, L"%ls\\%ls", wbase, f.cFileName) >= 0)
				remove_run_dir(dir);
		} while (FindNextFileW(find, &f));
		FindClose(find);
	}
	free(wbase);
}

int plat_make_private_dir(char *out, size_t outsz, char *err, size_t errsz)
{
	char base[MAX_PATH * 3];
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
	remove_stale_run_dirs(base);
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
	if (!ok)
		file_error(out, err, errsz);
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

int plat_default_log_path(const char *config_name, char *out, size_t outsz)
{
	char dir[MAX_PATH * 3];
	int n;

	if (win32_app_dir("", dir, sizeof dir) != 0)
		return -1;
	n = snprintf(out, outsz, "%s\\%s.log", dir, config_name);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

long plat_read_file_tail(const char *path, char *buf, size_t bufsz)
{
	HANDLE h = open_path(path, GENERIC_READ, OPEN_EXISTING, NULL);
	LARGE_INTEGER size, from;
	DWORD got = 0;

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	if (!GetFileSizeEx(h, &size)) {
		CloseHandle(h);
		return -1;
	}
	from.QuadPart = size.QuadPart > (LONGLONG)(bufsz - 1) ? size.QuadPart - (LONGLONG)(bufsz - 1) : 0;
	if (!SetFilePointerEx(h, from, NULL, FILE_BEGIN) ||
	    !ReadFile(h, buf, (DWORD)(bufsz - 1), &got, NULL))
		got = 0;
	CloseHandle(h);
	buf[got] = '\0';
	return (long)got;
}

void plat_keep_from_children(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);

	if (h != INVALID_HANDLE_VALUE)
		SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0);
}

void plat_close_fd(int fd)
{
	_close(fd);
}

/* "C:\dir\office.ovpn", "C:office.ovpn", "\\server\share\office.ovpn" or "dir/office.ovpn". */
const char *plat_path_base(const char *path)
{
	const char *base = path;

	if (((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
	    path[1] == ':')
		base = path + 2;
	for (const char *p = base; *p != '\0'; p++)
		if (*p == '\\' || *p == '/')
			base = p + 1;
	return base;
}
