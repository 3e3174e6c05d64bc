/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scard_dll.h: winscard.dll from the system folder, or the test reader's DLL. */
#include <windows.h>

#include "scard_dll.h"

#define TEST_VARIABLE L"OVPN_TOKEN_TEST_WINSCARD"

static LONG WINAPI no_establish(DWORD scope, LPCVOID r1, LPCVOID r2, LPSCARDCONTEXT ctx)
{
	(void)scope, (void)r1, (void)r2, (void)ctx;
	return SCARD_E_NO_SERVICE;
}

static LONG WINAPI no_context(SCARDCONTEXT ctx)
{
	(void)ctx;
	return SCARD_E_INVALID_HANDLE;
}

static LONG WINAPI no_list(SCARDCONTEXT ctx, LPCSTR groups, LPSTR readers, LPDWORD len)
{
	(void)ctx, (void)groups, (void)readers, (void)len;
	return SCARD_E_NO_SERVICE;
}

static LONG WINAPI no_change(SCARDCONTEXT ctx, DWORD timeout, LPSCARD_READERSTATEA states, DWORD n)
{
	(void)ctx, (void)timeout, (void)states, (void)n;
	return SCARD_E_NO_SERVICE;
}

static struct scard_dll calls = {
	no_establish, no_context, no_context, no_list, no_change,
};
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static HMODULE load(void)
{
	WCHAR path[MAX_PATH];
	DWORD n = GetEnvironmentVariableW(TEST_VARIABLE, path, MAX_PATH);

	if (n > 0 && n < MAX_PATH)
		return LoadLibraryExW(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	/* Only the system's own: never a winscard.dll planted beside the exe or on PATH. */
	return LoadLibraryExW(L"winscard.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
}

static BOOL CALLBACK load_once(PINIT_ONCE o, void *param, void **ctx)
{
	HMODULE dll = load();
	struct scard_dll got;

	(void)o, (void)param, (void)ctx;
	if (dll == NULL)
		return TRUE;
	/* Casts through FARPROC: GetProcAddress's one type for every function. */
	got.establish_context = (LONG (WINAPI *)(DWORD, LPCVOID, LPCVOID, LPSCARDCONTEXT))
		(void (*)(void))GetProcAddress(dll, "SCardEstablishContext");
	got.release_context = (LONG (WINAPI *)(SCARDCONTEXT))
		(void (*)(void))GetProcAddress(dll, "SCardReleaseContext");
	got.cancel = (LONG (WINAPI *)(SCARDCONTEXT))(void (*)(void))GetProcAddress(dll, "SCardCancel");
	got.list_readers = (LONG (WINAPI *)(SCARDCONTEXT, LPCSTR, LPSTR, LPDWORD))
		(void (*)(void))GetProcAddress(dll, "SCardListReadersA");
	got.get_status_change = (LONG (WINAPI *)(SCARDCONTEXT, DWORD, LPSCARD_READERSTATEA, DWORD))
		(void (*)(void))GetProcAddress(dll, "SCardGetStatusChangeA");
	if (got.establish_context != NULL && got.release_context != NULL && got.cancel != NULL &&
	    got.list_readers != NULL && got.get_status_change != NULL)
		calls = got;
	return TRUE;
}

const struct scard_dll *scard_dll(void)
{
	InitOnceExecuteOnce(&once, load_once, NULL, NULL);
	return &calls;
}
