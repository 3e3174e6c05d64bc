/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * send_ctrl_break NAME.exe: press Ctrl-Break in the console of the running process NAME.exe.
 *
 * A terminal has no key that wine's console turns into Ctrl-Break (only ^C becomes a control
 * event), so the tests under wine deliver it the way Windows does for the key: attach to that
 * console and raise CTRL_BREAK_EVENT for every process in it.  Exit 0 when it was sent.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>

/* We join that console, so we get the event too: it must not end us before we report. */
static BOOL WINAPI ignore_event(DWORD type)
{
	(void)type;
	return TRUE;
}

static DWORD find_process(const char *name)
{
	PROCESSENTRY32 pe;
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	DWORD pid = 0;

	if (snap == INVALID_HANDLE_VALUE)
		return 0;
	pe.dwSize = sizeof pe;
	for (BOOL more = Process32First(snap, &pe); more; more = Process32Next(snap, &pe)) {
		if (_stricmp(pe.szExeFile, name) == 0) {
			pid = pe.th32ProcessID;
			break;
		}
	}
	CloseHandle(snap);
	return pid;
}

int main(int argc, char **argv)
{
	DWORD pid;

	if (argc != 2) {
		fprintf(stderr, "usage: send_ctrl_break NAME.exe\n");
		return 2;
	}
	pid = find_process(argv[1]);
	if (pid == 0) {
		fprintf(stderr, "send_ctrl_break: no process %s\n", argv[1]);
		return 1;
	}
	FreeConsole();
	if (!AttachConsole(pid)) {
		fprintf(stderr, "send_ctrl_break: AttachConsole(%lu) failed: %lu\n", pid, GetLastError());
		return 1;
	}
	SetConsoleCtrlHandler(ignore_event, TRUE);
	if (!GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0)) {
		DWORD e = GetLastError();
		FreeConsole();
		fprintf(stderr, "send_ctrl_break: GenerateConsoleCtrlEvent failed: %lu\n", e);
		return 1;
	}
	FreeConsole();
	return 0;
}
