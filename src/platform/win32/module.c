/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PKCS#11 module loaded for our own calls (platform.h: plat_module_open). */
#include <stdio.h>
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

struct plat_module {
	HMODULE lib;
};

struct plat_module *plat_module_open(const char *path, char *err, size_t errsz)
{
	struct plat_module *m = calloc(1, sizeof *m);
	wchar_t *w = win32_widen(path);
	char text[256];

	if (m == NULL || w == NULL) {
		snprintf(err, errsz, "out of memory or bad characters in the module's path");
		free(m);
		free(w);
		return NULL;
	}
	plat_preload_pkcs11_module(path); /* its own DLLs from its folder */
	m->lib = LoadLibraryW(w);
	free(w);
	if (m->lib == NULL) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot load %s: %s", path, text);
		free(m);
		return NULL;
	}
	return m;
}

void *plat_module_symbol(struct plat_module *m, const char *name)
{
	return m != NULL ? (void *)GetProcAddress(m->lib, name) : NULL;
}

void plat_module_close(struct plat_module *m)
{
	/*
	 * The library stays loaded for the rest of the process: after C_Finalize a module may still
	 * have its own handlers and memory pointed to from its data (pkcs11-spy's, OpenSC's), which
	 * an unload would pull from under them.
	 */
	free(m);
}
