/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: files — secrets read from files and descriptors, and the files we write (openvpn's
 * log, the status file, locks) opened so that no reparse point redirects them.
 */
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

/* The whole file open at h (path: for messages) into buf; -1 with err, buf wiped. */
static long read_whole(HANDLE h, const char *path, char *buf, size_t bufsz, char *err,
                       size_t errsz)
{
	bool too_large;
	long len = read_handle(h, buf, bufsz, false, &too_large);

	if (len < 0)
		file_error(path, err, errsz);
	else if (too_large)
		snprintf(err, errsz, "%s: too large", path);
	if (len < 0 || too_large) {
		plat_wipe(buf, bufsz);
		return -1;
	}
	return len;
}

long plat_read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	HANDLE h = open_path(path, GENERIC_READ, OPEN_EXISTING, NULL);
	long len;

	if (h == INVALID_HANDLE_VALUE) {
		file_error(path, err, errsz);
		return -1;
	}
	len = read_whole(h, path, buf, bufsz, err, errsz);
	CloseHandle(h);
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

/* Opens path for reading its content (content: GENERIC_READ too) and its access list. */
static HANDLE open_to_judge(const char *path, bool content, char *err, size_t errsz)
{
	HANDLE h = open_path(path, READ_CONTROL | (content ? GENERIC_READ : 0), OPEN_EXISTING, NULL);

	if (h == INVALID_HANDLE_VALUE)
		file_error(path, err, errsz);
	return h;
}

static int judge_private(HANDLE h, const char *path, char *err, size_t errsz)
{
	char why[300];

	if (win32_handle_is_private(h, why, sizeof why) == 0)
		return 0;
	snprintf(err, errsz, "%s can be read by other users: %s (make it yours alone: icacls "
	         "\"%s\" /inheritance:r /grant:r \"%%USERNAME%%:F\")", path, why, path);
	return -1;
}

int plat_file_is_private(const char *path, char *err, size_t errsz)
{
	HANDLE h = open_to_judge(path, false, err, errsz);
	int rc;

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	rc = judge_private(h, path, err, errsz);
	CloseHandle(h);
	return rc;
}

long plat_read_private_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	HANDLE h = open_to_judge(path, true, err, errsz);
	long len = -1;

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	/* Judged and read through one handle: what was judged is what is read. */
	if (judge_private(h, path, err, errsz) == 0)
		len = read_whole(h, path, buf, bufsz, err, errsz);
	else
		plat_wipe(buf, bufsz);
	CloseHandle(h);
	return len;
}

/* Whether h is a plain file of ours with one name, made private if it existed; -1 with why. */
static int check_opened(HANDLE h, bool existed, char *why, size_t whysz)
{
	BY_HANDLE_FILE_INFORMATION info;
	char text[256];
	int judged;

	if (GetFileType(h) != FILE_TYPE_DISK)
		return 0;
	if (!GetFileInformationByHandle(h, &info)) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(why, whysz, "%s", text);
		return -1;
	}
	if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
		snprintf(why, whysz, "it is a link (reparse point); refusing to write through it");
		return -1;
	}
	if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
		snprintf(why, whysz, "it is a folder");
		return -1;
	}
	/* A second name is a way for someone else to make us write into their target. */
	if (info.nNumberOfLinks > 1) {
		snprintf(why, whysz, "it has other names (hard links); refusing to write to it");
		return -1;
	}
	if (!existed)
		return 0;
	judged = win32_handle_is_private(h, why, whysz);
	if (judged == -2 && win32_make_private(h) != 0) {
		snprintf(why, whysz, "cannot make it private");
		return -1;
	}
	return judged == -1 ? -1 : 0;
}

HANDLE win32_open_safe(const char *path, DWORD access, DWORD share, DWORD disposition, char *why,
                       size_t whysz)
{
	PSECURITY_DESCRIPTOR sd = win32_owner_only_sd();
	SECURITY_ATTRIBUTES sa = {sizeof sa, sd, FALSE};
	wchar_t *w = win32_widen(path);
	char text[256];
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD e;

	if (w != NULL)
		h = CreateFileW(w, access | READ_CONTROL | WRITE_DAC, share, sd != NULL ? &sa : NULL,
		                disposition, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
	e = w == NULL ? ERROR_INVALID_NAME : GetLastError();
	free(w);
	LocalFree(sd);
	if (h == INVALID_HANDLE_VALUE) {
		win32_error_text(e, text, sizeof text);
		snprintf(why, whysz, "%s", text);
		SetLastError(e);
		return INVALID_HANDLE_VALUE;
	}
	if (check_opened(h, e == ERROR_ALREADY_EXISTS, why, whysz) != 0) {
		CloseHandle(h);
		return INVALID_HANDLE_VALUE;
	}
	return h;
}

int plat_prepare_log(const char *path, char *err, size_t errsz)
{
	HANDLE h = win32_open_safe(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
	                           OPEN_ALWAYS, err, errsz);

	if (h == INVALID_HANDLE_VALUE)
		return -1;
	CloseHandle(h);
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
	char tmp[MAX_PATH * 3 + 24];
	unsigned char rnd[8];
	wchar_t *wtmp = NULL, *wpath = NULL;
	HANDLE h;
	DWORD put = 0;
	BOOL ok;

	if (plat_random_bytes(rnd, sizeof rnd) != 0 ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.%02x%02x%02x%02x%02x%02x%02x%02x", path, rnd[0],
	                     rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]) >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	/* CREATE_NEW, as O_EXCL: a name nobody prepared, so nothing planted is written through. */
	h = open_path(tmp, GENERIC_WRITE, CREATE_NEW, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		file_error(tmp, err, errsz);
		return -1;
	}
	ok = WriteFile(h, data, (DWORD)n, &put, NULL) && put == n;
	ok = CloseHandle(h) && ok;
	wtmp = win32_widen(tmp);
	wpath = win32_widen(path);
	/*
	 * MoveFileEx with REPLACE_EXISTING is a rename within the volume: one step for readers,
	 * and a link at path is replaced, not written through.
	 */
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

long plat_read_own_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	/* The state folder (%LOCALAPPDATA%) is the user's profile: others cannot put files there. */
	return plat_read_file(path, buf, bufsz, err, errsz);
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
