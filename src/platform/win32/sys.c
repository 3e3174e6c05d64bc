/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: process hardening, console interrupts, memory for secrets, clocks and randomness. */
#include <stdio.h>
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <bcrypt.h>
#include <shellapi.h>

static volatile LONG interrupted;
static HANDLE wake_event;

void plat_harden_process(void)
{
	/*
	 * No crash dialog and no Windows Error Reporting dump: a dump of this process may hold a
	 * PIN.  (Windows has no per-process ptrace switch; other processes of the same user can
	 * read our memory, as on any desktop.  The PIN's lifetime in memory is kept short instead.)
	 */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
	/* DLLs come from the system and the exe's own directory, never the current directory. */
	SetDllDirectoryW(L"");
	SetSearchPathMode(BASE_SEARCH_PATH_ENABLE_SAFE_SEARCHMODE | BASE_SEARCH_PATH_PERMANENT);
}

/*
 * Runs on a thread the system creates for the event.  Ctrl-C and Ctrl-Break become our clean
 * stop.  For closing the window, logoff and shutdown the process is killed as soon as this
 * returns, so it waits (the system allows about 5 s) while the main thread stops openvpn; the
 * main thread's exit ends the process and this wait with it.
 */
static BOOL WINAPI on_console_event(DWORD type)
{
	InterlockedExchange(&interrupted, 1);
	if (wake_event != NULL)
		SetEvent(wake_event);
	switch (type) {
	case CTRL_C_EVENT:
	case CTRL_BREAK_EVENT:
		return TRUE;
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		Sleep(4500);
		return TRUE;
	default:
		return FALSE;
	}
}

int plat_signals_install(void)
{
	if (wake_event == NULL)
		wake_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (wake_event == NULL || !SetConsoleCtrlHandler(on_console_event, TRUE))
		return -1;
	return 0;
}

bool plat_take_interrupt(void)
{
	if (InterlockedExchange(&interrupted, 0) == 0)
		return false;
	if (wake_event != NULL)
		ResetEvent(wake_event);
	return true;
}

HANDLE win32_wake_event(void)
{
	return wake_event;
}

bool win32_interrupt_pending(void)
{
	return InterlockedCompareExchange(&interrupted, 0, 0) != 0;
}

void *plat_secure_alloc(size_t n)
{
	void *p = VirtualAlloc(NULL, n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

	/*
	 * Best effort, as on POSIX: VirtualLock keeps the pages out of the page file while the
	 * process runs (within its small default working-set quota, plenty for a PIN).
	 */
	if (p != NULL)
		(void)VirtualLock(p, n);
	return p;
}

void plat_secure_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	plat_wipe(p, n);
	VirtualUnlock(p, n);
	VirtualFree(p, 0, MEM_RELEASE);
}

void plat_wipe(void *p, size_t n)
{
	if (p != NULL)
		SecureZeroMemory(p, n);
}

long long plat_now_ms(void)
{
	return (long long)GetTickCount64();
}

int plat_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	/* BCryptGenRandom takes a ULONG count. */
	while (n > 0) {
		ULONG chunk = n > 0x10000000 ? 0x10000000 : (ULONG)n;

		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return -1;
		p += chunk;
		n -= chunk;
	}
	return 0;
}

/* The user's default browser, as Explorer would open the link; no console, no shell parsing. */
int plat_open_url(const char *url, char *err, size_t errsz)
{
	wchar_t *w = win32_widen(url);
	INT_PTR rc;

	if (w == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = (INT_PTR)ShellExecuteW(NULL, L"open", w, NULL, NULL, SW_SHOWNORMAL);
	free(w);
	if (rc <= 32) {
		snprintf(err, errsz, "the browser could not be started (ShellExecute error %ld)",
		         (long)rc);
		return -1;
	}
	return 1;
}
