/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PC/SC calls ovpn-token makes, from winscard.dll loaded at run time (scard_dll.c).
 * The variable OVPN_TOKEN_TEST_WINSCARD names another DLL of the same calls instead: only the
 * wine tests set it (their test reader, tests/win32/winscard_vpcd.c; wine 8's own winscard.dll
 * is stubs).  OpenSC is pointed at the same DLL through its own opensc.conf.
 */
#ifndef OVPN_TOKEN_WIN32_SCARD_DLL_H
#define OVPN_TOKEN_WIN32_SCARD_DLL_H

#include <winscard.h>

struct scard_dll {
	LONG (WINAPI *establish_context)(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx);
	LONG (WINAPI *release_context)(SCARDCONTEXT ctx);
	LONG (WINAPI *cancel)(SCARDCONTEXT ctx);
	LONG (WINAPI *list_readers)(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len);
	LONG (WINAPI *get_status_change)(SCARDCONTEXT ctx, DWORD timeout,
	                                 LPSCARD_READERSTATEA states, DWORD n);
};

/* The calls (loaded once); when the DLL cannot be loaded, calls that answer SCARD_E_NO_SERVICE. */
const struct scard_dll *scard_dll(void);

#endif
