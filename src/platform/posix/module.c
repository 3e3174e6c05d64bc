/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A PKCS#11 module loaded for our own calls (platform.h: plat_module_open). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "platform/platform.h"

struct plat_module {
	void *lib;
};

struct plat_module *plat_module_open(const char *path, char *err, size_t errsz)
{
	struct plat_module *m = calloc(1, sizeof *m);
	const char *why;

	if (m == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	/* The same handle libp11 gets for the same path: one module, one C_Initialize state. */
	m->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (m->lib == NULL) {
		why = dlerror();
		snprintf(err, errsz, "cannot load %s: %s", path, why != NULL ? why : "unknown error");
		free(m);
		return NULL;
	}
	return m;
}

void *plat_module_symbol(struct plat_module *m, const char *name)
{
	return m != NULL ? dlsym(m->lib, name) : NULL;
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
