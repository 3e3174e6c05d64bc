/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: "Connect NAME (token)" Shell links, made through the Shell's own IShellLinkW and
 * saved with IPersistFile, so no PowerShell (often blocked by execution policy) is needed.
 *
 * The link opens a console: its target is the ovpn-token.cmd launcher beside the program when
 * there is one (it keeps the window open after a failure), else cmd.exe /k running the program.
 * Both go through cmd.exe, whose own rules change %VAR%, ! and quotes inside arguments: such
 * characters are refused rather than passed on changed.
 */
#define COBJMACROS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <objbase.h>
#include <shlobj.h>
#include <shobjidl.h>
#include <knownfolders.h>

/* Characters a file name cannot hold, for the link's title. */
#define NOT_IN_FILE_NAMES "\\/:*?\"<>|"

struct link_spec {
	wchar_t *target, *args, *workdir, *icon, *description;
};

static void spec_free(struct link_spec *s)
{
	free(s->target);
	free(s->args);
	free(s->workdir);
	free(s->icon);
	free(s->description);
}

static enum plat_shortcut_result check_args(const struct plat_shortcut *sc, char *err,
                                            size_t errsz)
{
	for (size_t i = 0; sc->args[i] != NULL; i++) {
		for (const unsigned char *p = (const unsigned char *)sc->args[i]; *p != '\0'; p++) {
			if (*p < 0x20 || strchr("\"%!^&|<>", *p) != NULL) {
				snprintf(err, errsz, "'%s' has a character the console (cmd.exe) would "
				         "change or act on (\" %% ! ^ & | < > or a control character)",
				         sc->args[i]);
				return PLAT_SHORTCUT_UNFIT;
			}
		}
	}
	if (sc->title[0] == '\0' || strpbrk(sc->title, NOT_IN_FILE_NAMES) != NULL) {
		snprintf(err, errsz, "'%s' cannot be part of a file name", sc->title);
		return PLAT_SHORTCUT_UNFIT;
	}
	return PLAT_SHORTCUT_MADE;
}

/* args as one command line, each quoted for the C runtime's rules. */
static wchar_t *command_line(const char *const *args)
{
	const char *all[16];
	size_t n = 0;
	wchar_t *w;

	all[n++] = "x"; /* win32_build_cmdline's program name: a placeholder, dropped below */
	for (size_t i = 0; args[i] != NULL && n < sizeof all / sizeof all[0] - 1; i++)
		all[n++] = args[i];
	all[n] = NULL;
	w = win32_build_cmdline(all);
	if (w != NULL)
		memmove(w, w + 2, (wcslen(w + 2) + 1) * sizeof *w);
	return w;
}

/*
 * /k ""<exe>" args": with more than two quotes cmd.exe strips exactly the outer pair, so the
 * rest arrives as written whatever the exe's path and the arguments hold.
 */
static wchar_t *cmd_k_arguments(const wchar_t *exe, const wchar_t *args)
{
	size_t n = wcslen(exe) + wcslen(args) + 12;
	wchar_t *w = malloc(n * sizeof *w);

	if (w != NULL)
		swprintf(w, n, L"/k \"\"%ls\" %ls\"", exe, args);
	return w;
}

static int describe_link(const struct plat_shortcut *sc, struct link_spec *s, char *err,
                         size_t errsz)
{
	wchar_t exe[MAX_PATH], dir[MAX_PATH], launcher[MAX_PATH], sysdir[MAX_PATH];
	wchar_t *slash, *line;
	DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);

	memset(s, 0, sizeof *s);
	if (n == 0 || n >= MAX_PATH) {
		snprintf(err, errsz, "cannot tell where ovpn-token.exe is");
		return -1;
	}
	wcscpy(dir, exe);
	slash = wcsrchr(dir, L'\\');
	if (slash == NULL) {
		snprintf(err, errsz, "cannot tell where ovpn-token.exe is");
		return -1;
	}
	*slash = L'\0';
	swprintf(launcher, MAX_PATH, L"%ls\\ovpn-token.cmd", dir);
	if (GetFileAttributesW(launcher) != INVALID_FILE_ATTRIBUTES) {
		s->target = _wcsdup(launcher);
		s->args = command_line(sc->args);
	} else {
		UINT len = GetSystemDirectoryW(sysdir, MAX_PATH);

		if (len == 0 || len + 10 >= MAX_PATH) {
			snprintf(err, errsz, "cannot find cmd.exe");
			return -1;
		}
		wcscat(sysdir, L"\\cmd.exe");
		s->target = _wcsdup(sysdir);
		line = command_line(sc->args);
		s->args = line != NULL ? cmd_k_arguments(exe, line) : NULL;
		free(line);
	}
	s->workdir = _wcsdup(dir);
	s->icon = _wcsdup(exe);
	s->description = win32_widen(sc->description);
	if (s->target == NULL || s->args == NULL || s->workdir == NULL || s->icon == NULL ||
	    s->description == NULL) {
		snprintf(err, errsz, "out of memory");
		spec_free(s);
		return -1;
	}
	return 0;
}

static void hresult_text(const char *what, HRESULT hr, char *err, size_t errsz)
{
	char text[256];

	win32_error_text((DWORD)hr, text, sizeof text);
	snprintf(err, errsz, "%s: %s (0x%08lx)", what, text, (unsigned long)hr);
}

static int save_link(const struct link_spec *s, const wchar_t *path, char *err, size_t errsz)
{
	IShellLinkW *link = NULL;
	IPersistFile *file = NULL;
	HRESULT hr;

	hr = CoCreateInstance(&CLSID_ShellLink, NULL, CLSCTX_INPROC_SERVER, &IID_IShellLinkW,
	                      (void **)&link);
	if (FAILED(hr)) {
		hresult_text("the Shell cannot make a shortcut", hr, err, errsz);
		return -1;
	}
	hr = IShellLinkW_SetPath(link, s->target);
	if (SUCCEEDED(hr))
		hr = IShellLinkW_SetArguments(link, s->args);
	if (SUCCEEDED(hr))
		hr = IShellLinkW_SetWorkingDirectory(link, s->workdir);
	if (SUCCEEDED(hr))
		hr = IShellLinkW_SetIconLocation(link, s->icon, 0);
	if (SUCCEEDED(hr))
		hr = IShellLinkW_SetDescription(link, s->description);
	if (SUCCEEDED(hr))
		hr = IShellLinkW_QueryInterface(link, &IID_IPersistFile, (void **)&file);
	if (SUCCEEDED(hr))
		hr = IPersistFile_Save(file, path, TRUE);
	if (FAILED(hr))
		hresult_text("cannot save the shortcut", hr, err, errsz);
	if (file != NULL)
		IPersistFile_Release(file);
	IShellLinkW_Release(link);
	return FAILED(hr) ? -1 : 0;
}

/* folder\<title>.lnk, made and reported. */
static int link_in(REFKNOWNFOLDERID folder, const char *folder_name,
                   const struct plat_shortcut *sc, const struct link_spec *s,
                   void (*report)(const char *path), char *err, size_t errsz)
{
	wchar_t *dir = NULL, *title = win32_widen(sc->title), path[MAX_PATH * 2];
	char path8[MAX_PATH * 6];
	HRESULT hr = SHGetKnownFolderPath(folder, KF_FLAG_CREATE, NULL, &dir);
	int rc = -1;

	if (FAILED(hr)) {
		hresult_text(folder_name, hr, err, errsz);
	} else if (title == NULL ||
	           swprintf(path, sizeof path / sizeof path[0], L"%ls\\%ls.lnk", dir, title) < 0) {
		snprintf(err, errsz, "the shortcut's path is too long");
	} else if (save_link(s, path, err, errsz) == 0) {
		if (report != NULL && win32_narrow(path, -1, path8, sizeof path8) == 0)
			report(path8);
		rc = 0;
	}
	CoTaskMemFree(dir);
	free(title);
	return rc;
}

enum plat_shortcut_result plat_shortcut_create(const struct plat_shortcut *sc,
                                               void (*report)(const char *path), char *err,
                                               size_t errsz)
{
	enum plat_shortcut_result checked = check_args(sc, err, errsz);
	struct link_spec s;
	HRESULT hr;
	int rc;

	if (checked != PLAT_SHORTCUT_MADE)
		return checked;
	if (describe_link(sc, &s, err, errsz) != 0)
		return PLAT_SHORTCUT_FAILED;
	hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
	if (FAILED(hr)) {
		hresult_text("cannot start COM", hr, err, errsz);
		spec_free(&s);
		return PLAT_SHORTCUT_FAILED;
	}
	rc = link_in(&FOLDERID_Desktop, "no Desktop folder", sc, &s, report, err, errsz);
	if (rc == 0 && sc->start_menu)
		rc = link_in(&FOLDERID_Programs, "no Start menu folder", sc, &s, report, err, errsz);
	CoUninitialize();
	spec_free(&s);
	return rc == 0 ? PLAT_SHORTCUT_MADE : PLAT_SHORTCUT_FAILED;
}
