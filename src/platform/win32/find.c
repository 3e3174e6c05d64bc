/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: where OpenVPN, its configs and the PKCS#11 provider are.
 *
 * The OpenVPN installer records itself under HKLM\SOFTWARE\OpenVPN: the default value is the
 * install directory, "exe_path" the full path of openvpn.exe and "config_dir" the system-wide
 * config directory.  A 32-bit installer on 64-bit Windows writes the 32-bit registry view, so
 * both views are read.  OpenVPN GUI looks for configs in %USERPROFILE%\OpenVPN\config and in
 * config_dir, each possibly in a subfolder per connection; a bare name is resolved the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

/* HKLM\SOFTWARE\OpenVPN\<value> (NULL: the default value) as UTF-8, 64-bit view first. */
static int openvpn_registry(const wchar_t *value, char *out, size_t outsz)
{
	static const REGSAM views[] = {KEY_WOW64_64KEY, KEY_WOW64_32KEY};

	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++) {
		wchar_t data[MAX_PATH * 2];
		DWORD size = sizeof data - sizeof data[0];
		HKEY key;
		LSTATUS rc;

		if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\OpenVPN", 0,
		                  KEY_QUERY_VALUE | views[i], &key) != ERROR_SUCCESS)
			continue;
		/* RRF_RT_REG_SZ also takes REG_EXPAND_SZ and expands %ProgramFiles% and the like. */
		rc = RegGetValueW(key, NULL, value, RRF_RT_REG_SZ, NULL, data, &size);
		RegCloseKey(key);
		if (rc == ERROR_SUCCESS && data[0] != L'\0' && win32_narrow(data, -1, out, outsz) == 0)
			return 0;
	}
	return -1;
}

static int join(char *out, size_t outsz, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	const char *sep = n > 0 && (dir[n - 1] == '\\' || dir[n - 1] == '/') ? "" : "\\";
	int len = snprintf(out, outsz, "%s%s%s", dir, sep, name);

	return len < 0 || (size_t)len >= outsz ? -1 : 0;
}

int plat_find_openvpn(char *out, size_t outsz)
{
	char dir[MAX_PATH * 3];

	if (openvpn_registry(L"exe_path", out, outsz) == 0 && win32_file_exists(out))
		return 0;
	if (openvpn_registry(NULL, dir, sizeof dir) == 0 &&
	    join(out, outsz, dir, "bin\\openvpn.exe") == 0 && win32_file_exists(out))
		return 0;
	if (win32_search_path("openvpn.exe", out, outsz) == 0)
		return 0;
	/* Where the installer puts it by default, for an install whose registry entry is gone. */
	if (win32_getenv(L"ProgramFiles", dir, sizeof dir) == 0 &&
	    join(out, outsz, dir, "OpenVPN\\bin\\openvpn.exe") == 0 && win32_file_exists(out))
		return 0;
	snprintf(out, outsz, "openvpn.exe");
	return -1;
}

/* dir\name.ext for the usual extensions; 0 and the path in out when one exists. */
static int try_config_in(const char *dir, const char *name, char *out, size_t outsz)
{
	static const char *const exts[] = {".ovpn", ".conf"};
	char file[MAX_PATH];

	for (size_t e = 0; e < sizeof exts / sizeof exts[0]; e++) {
		int n = snprintf(file, sizeof file, "%s%s", name, exts[e]);

		if (n > 0 && (size_t)n < sizeof file && join(out, outsz, dir, file) == 0 &&
		    win32_file_exists(out))
			return 0;
	}
	return -1;
}

/* The GUI's layout: dir\NAME.ovpn, or dir\<any folder>\NAME.ovpn (one folder per connection). */
static int find_config_under(const char *dir, const char *name, char *out, size_t outsz)
{
	char pattern[MAX_PATH * 3], sub[MAX_PATH * 3], entry[MAX_PATH * 3];
	WIN32_FIND_DATAW fd;
	wchar_t *wpattern;
	HANDLE h;
	int rc = -1;

	if (try_config_in(dir, name, out, outsz) == 0)
		return 0;
	if (join(pattern, sizeof pattern, dir, "*") != 0 || (wpattern = win32_widen(pattern)) == NULL)
		return -1;
	h = FindFirstFileW(wpattern, &fd);
	free(wpattern);
	if (h == INVALID_HANDLE_VALUE)
		return -1;
	do {
		if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || wcscmp(fd.cFileName, L".") == 0 ||
		    wcscmp(fd.cFileName, L"..") == 0)
			continue;
		if (win32_narrow(fd.cFileName, -1, entry, sizeof entry) == 0 &&
		    join(sub, sizeof sub, dir, entry) == 0 && try_config_in(sub, name, out, outsz) == 0)
			rc = 0;
	} while (rc != 0 && FindNextFileW(h, &fd));
	FindClose(h);
	return rc;
}

int plat_resolve_config(const char *name, char *out, size_t outsz)
{
	char dir[MAX_PATH * 3], install[MAX_PATH * 3];

	/* A path (or a file in the current directory) is taken as it is. */
	if (win32_file_exists(name) || strpbrk(name, "\\/:") != NULL) {
		snprintf(out, outsz, "%s", name);
		return 0;
	}
	if (win32_getenv(L"USERPROFILE", dir, sizeof dir) == 0 &&
	    strlen(dir) + sizeof "\\OpenVPN\\config" <= sizeof dir) {
		strcat(dir, "\\OpenVPN\\config");
		if (find_config_under(dir, name, out, outsz) == 0)
			return 0;
	}
	if (openvpn_registry(L"config_dir", dir, sizeof dir) == 0 &&
	    find_config_under(dir, name, out, outsz) == 0)
		return 0;
	if (openvpn_registry(NULL, install, sizeof install) == 0 &&
	    join(dir, sizeof dir, install, "config") == 0 &&
	    find_config_under(dir, name, out, outsz) == 0)
		return 0;
	snprintf(out, outsz, "%s", name);
	return -1;
}

const char *const *plat_default_pkcs11_providers(void)
{
	/*
	 * OpenSC's installer puts its provider in System32 and in its own folder.  The bare name
	 * comes first: openvpn then loads it through the DLL search path, as a user who typed it
	 * into a config would expect.
	 */
	static const char *const providers[] = {
		"opensc-pkcs11.dll",
		"C:\\Windows\\System32\\opensc-pkcs11.dll",
		"C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll",
		NULL,
	};

	return providers;
}

const char *plat_pcsc_service_hint(void)
{
	return "start the Smart Card service (services.msc, \"Smart Card\", or: sc start SCardSvr)";
}

/* LOAD_WITH_ALTERED_SEARCH_PATH is defined for absolute paths only. */
static DWORD module_load_flags(const char *path)
{
	int absolute = (path[0] != '\0' && path[1] == ':' && (path[2] == '\\' || path[2] == '/')) ||
	               (path[0] == '\\' && path[1] == '\\');

	return absolute ? LOAD_WITH_ALTERED_SEARCH_PATH : 0;
}

void plat_preload_pkcs11_module(const char *path)
{
	wchar_t *w = win32_widen(path);

	/* Never freed: the reference keeps the module, which libp11 then gets by the same path. */
	if (w != NULL && module_load_flags(path) != 0)
		(void)LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	free(w);
}

int plat_check_pkcs11_module(const char *path, char *err, size_t errsz)
{
	wchar_t *w = win32_widen(path);
	HMODULE lib;
	char text[256];

	if (w == NULL) {
		snprintf(err, errsz, "bad characters in the module's path");
		return -1;
	}
	/* Resolve dependencies but run no DllMain of the module's own before we know it. */
	lib = LoadLibraryExW(w, NULL, module_load_flags(path));
	free(w);
	if (lib == NULL) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "%s", text);
		return -1;
	}
	if (GetProcAddress(lib, "C_GetFunctionList") == NULL) {
		snprintf(err, errsz, "%s is not a PKCS#11 module (no C_GetFunctionList)", path);
		FreeLibrary(lib);
		return -1;
	}
	FreeLibrary(lib);
	return 0;
}

void *plat_pkcs11_entry(const char *path, char *err, size_t errsz)
{
	wchar_t *w = win32_widen(path);
	HMODULE lib;
	FARPROC entry;
	void *out;
	char text[256];

	if (w == NULL) {
		snprintf(err, errsz, "bad characters in the module's path");
		return NULL;
	}
	/* Never freed: the module stays for the process, as its owner keeps it initialized. */
	lib = LoadLibraryExW(w, NULL, module_load_flags(path));
	free(w);
	if (lib == NULL) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "%s", text);
		return NULL;
	}
	entry = GetProcAddress(lib, "C_GetFunctionList");
	if (entry == NULL) {
		snprintf(err, errsz, "%s is not a PKCS#11 module (no C_GetFunctionList)", path);
		return NULL;
	}
	memcpy(&out, &entry, sizeof out);
	return out;
}
