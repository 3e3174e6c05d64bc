/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A PKCS#11 module for tests: forwards every call to a real module (FLAG_SHIM_MODULE, e.g.
 * SoftHSM2) and adds token flags read from FLAG_SHIM_FILE (one hexadecimal number) to what
 * C_GetTokenInfo returns.  SoftHSM2 never reports CKF_USER_PIN_FINAL_TRY or _LOCKED, so this is
 * how the tests show ovpn-token a token in those states.  Built as a .so on Linux and, with
 * mingw-w64, as a DLL for the tests under wine (FLAG_SHIM_MODULE then a Windows path).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
/* Windows PKCS#11 modules pack their structures to 1 byte (CK_FUNCTION_LIST among them). */
#pragma pack(push, cryptoki, 1)
#define CRYPTOKI_EXPORTS	/* the header then declares our C_GetFunctionList as exported */
#include <p11-kit/pkcs11.h>
#pragma pack(pop, cryptoki)
/* Its own DLLs beside it (softhsm2.dll: the mingw runtime), as Windows does not look there. */
static void *open_module(const char *path)
{
	return (void *)LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}
static void *module_symbol(void *lib, const char *name)
{
	return (void *)GetProcAddress((HMODULE)lib, name);
}
#else
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
static void *open_module(const char *path) { return dlopen(path, RTLD_NOW); }
static void *module_symbol(void *lib, const char *name) { return dlsym(lib, name); }
#endif

static CK_FUNCTION_LIST shim;
static CK_FUNCTION_LIST_PTR real;

static unsigned long extra_flags(void)
{
	const char *path = getenv("FLAG_SHIM_FILE");
	unsigned long flags = 0;
	FILE *f = path != NULL ? fopen(path, "r") : NULL;

	if (f != NULL) {
		if (fscanf(f, "%lx", &flags) != 1)
			flags = 0;
		fclose(f);
	}
	return flags;
}

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = real->C_GetTokenInfo(slot, info);

	if (rv == CKR_OK)
		info->flags |= extra_flags();
	return rv;
}

static CK_RV load_real(void)
{
	const char *path = getenv("FLAG_SHIM_MODULE");
	void *lib;
	CK_C_GetFunctionList get;

	if (real != NULL)
		return CKR_OK;
	lib = open_module(path != NULL ? path : "/usr/lib/softhsm/libsofthsm2.so");
	if (lib == NULL)
		return CKR_GENERAL_ERROR;
	get = (CK_C_GetFunctionList)module_symbol(lib, "C_GetFunctionList");
	if (get == NULL || get(&real) != CKR_OK)
		return CKR_GENERAL_ERROR;
	shim = *real;
	shim.C_GetTokenInfo = shim_get_token_info;
	return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	CK_RV rv = load_real();

	if (rv == CKR_OK)
		*list = &shim;
	return rv;
}
