/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: UTF-8 <-> UTF-16, error messages, environment, paths and command lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

wchar_t *win32_widen(const char *utf8)
{
	/* MB_ERR_INVALID_CHARS: a broken name must fail, not silently become another file. */
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
	wchar_t *w;

	if (n <= 0)
		return NULL;
	w = malloc((size_t)n * sizeof *w);
	if (w != NULL && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n) != n) {
		free(w);
		w = NULL;
	}
	return w;
}

int win32_narrow(const wchar_t *w, int len, char *out, size_t outsz)
{
	int n;

	if (outsz == 0 || outsz > INT_MAX)
		return -1;
	if (len == 0) {
		out[0] = '\0';
		return 0;
	}
	/* WC_ERR_INVALID_CHARS: a lone surrogate fails rather than becoming another name (U+FFFD). */
	n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, len, out, (int)outsz - 1, NULL,
	                        NULL);
	if (n <= 0) {
		out[0] = '\0';
		return -1;
	}
	/* With len == -1 the count includes the NUL it wrote. */
	if (len == -1)
		n--;
	out[n] = '\0';
	return 0;
}

char *win32_narrow_alloc(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, -1, NULL, 0, NULL, NULL);
	char *out = n > 0 ? malloc((size_t)n) : NULL;

	if (out != NULL &&
	    WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, -1, out, n, NULL, NULL) != n) {
		free(out);
		out = NULL;
	}
	return out;
}

void win32_error_text(DWORD code, char *buf, size_t bufsz)
{
	wchar_t msg[512];
	DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
	                         code, 0, msg, sizeof msg / sizeof msg[0], NULL);

	/* System messages end with ".\r\n"; ours are embedded in a sentence. */
	while (n > 0 && (msg[n - 1] == L'\n' || msg[n - 1] == L'\r' || msg[n - 1] == L'.' ||
	                 msg[n - 1] == L' '))
		n--;
	if (n == 0 || win32_narrow(msg, (int)n, buf, bufsz) != 0)
		snprintf(buf, bufsz, "Windows error %lu", (unsigned long)code);
}

int win32_getenv(const wchar_t *name, char *out, size_t outsz)
{
	wchar_t val[MAX_PATH * 2];
	DWORD n = GetEnvironmentVariableW(name, val, sizeof val / sizeof val[0]);

	if (n == 0 || n >= sizeof val / sizeof val[0])
		return -1;
	return win32_narrow(val, (int)n, out, outsz);
}

static DWORD attributes(const char *path)
{
	wchar_t *w = win32_widen(path);
	DWORD a = w != NULL ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;

	free(w);
	return a;
}

bool win32_file_exists(const char *path)
{
	DWORD a = attributes(path);

	return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

bool win32_dir_exists(const char *path)
{
	DWORD a = attributes(path);

	return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

int win32_make_dirs(const char *path)
{
	char tmp[MAX_PATH * 3];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, path, len + 1);
	/* From index 3 on: "C:\" itself is never created. */
	for (size_t i = 3; i <= len; i++) {
		if (tmp[i] != '\\' && tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (!win32_dir_exists(tmp)) {
			wchar_t *w = win32_widen(tmp);
			BOOL ok = w != NULL && CreateDirectoryW(w, NULL);

			free(w);
			if (!ok && GetLastError() != ERROR_ALREADY_EXISTS)
				return -1;
		}
		tmp[i] = path[i];
	}
	return 0;
}

/* ---- command lines ---- */

struct wbuf {
	wchar_t *p;
	size_t len, cap;
};

static bool wbuf_put(struct wbuf *b, wchar_t c, size_t times)
{
	if (b->len + times + 1 > b->cap) {
		size_t cap = (b->len + times + 1) * 2;
		wchar_t *p = realloc(b->p, cap * sizeof *p);

		if (p == NULL)
			return false;
		b->p = p;
		b->cap = cap;
	}
	while (times-- > 0)
		b->p[b->len++] = c;
	b->p[b->len] = L'\0';
	return true;
}

/*
 * The MS C runtime's rules: inside quotes, backslashes are literal unless they precede a quote;
 * 2n backslashes + quote = n backslashes and the quote ends the argument, 2n+1 + quote = n
 * backslashes and a literal quote.
 */
static bool quote_arg(struct wbuf *b, const wchar_t *arg)
{
	size_t slashes = 0;

	if (arg[0] != L'\0' && wcspbrk(arg, L" \t\n\v\"") == NULL) {
		for (; *arg != L'\0'; arg++)
			if (!wbuf_put(b, *arg, 1))
				return false;
		return true;
	}
	if (!wbuf_put(b, L'"', 1))
		return false;
	for (; *arg != L'\0'; arg++) {
		if (*arg == L'\\') {
			slashes++;
			continue;
		}
		if (!wbuf_put(b, L'\\', *arg == L'"' ? slashes * 2 + 1 : slashes) ||
		    !wbuf_put(b, *arg, 1))
			return false;
		slashes = 0;
	}
	return wbuf_put(b, L'\\', slashes * 2) && wbuf_put(b, L'"', 1);
}

wchar_t *win32_build_cmdline(const char *const *argv)
{
	struct wbuf b = {NULL, 0, 0};

	for (size_t i = 0; argv[i] != NULL; i++) {
		wchar_t *w = win32_widen(argv[i]);
		bool ok = w != NULL && (i == 0 || wbuf_put(&b, L' ', 1)) && quote_arg(&b, w);

		free(w);
		if (!ok) {
			free(b.p);
			return NULL;
		}
	}
	return b.p;
}

int win32_search_path(const char *name, char *out, size_t outsz)
{
	char path[32768];
	const char *ext = strrchr(name, '.') != NULL ? "" : ".exe";

	if (win32_getenv(L"PATH", path, sizeof path) != 0)
		return -1;
	for (const char *p = path; *p != '\0';) {
		size_t n = strcspn(p, ";");
		/* PATH entries may be quoted when they contain ';'; such quotes are not part of it. */
		const char *dir = p;
		size_t dn = n;
		int len;

		if (dn >= 2 && dir[0] == '"' && dir[dn - 1] == '"') {
			dir++;
			dn -= 2;
		}
		len = snprintf(out, outsz, "%.*s\\%s%s", (int)dn, dir, name, ext);
		if (dn > 0 && len > 0 && (size_t)len < outsz && win32_file_exists(out))
			return 0;
		p += n + (p[n] == ';');
	}
	return -1;
}
