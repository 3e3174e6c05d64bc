/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * quote_probe.exe: what openvpn.exe reads from the command lines we build.
 *
 *   quote_probe.exe args OPENVPN_EXE LOG_DIR
 *       Starts openvpn.exe through plat_spawn (win32_build_cmdline's quoting, as `start` does)
 *       once per odd argument, as its first one: openvpn.exe, unable to take it as an option,
 *       says "I'm trying to parse "ARG" as an --option parameter" with the argument as its C
 *       runtime split it off.  Prints "ok N" or "FAIL N" per argument; exit 0 when all came back.
 *   quote_probe.exe surrogate EXE OUT
 *       Starts EXE with "start" and an argument holding a lone UTF-16 surrogate (not possible
 *       from a Linux shell through wine), stdout and stderr into OUT; prints EXE's exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

static const char *const odd[] = {
	"two words",
	"a \"quoted\" word",
	"trailing backslash\\",
	"trailing backslashes \\\\",
	"\"",
	"\\\\server\\share\\",
	"50% & 100%",
	"%PATH% ^ | < > !bang!",
	"tab\there",
	"J\xc3\xbcrgen \xce\xa9 \xe6\x97\xa5\xe6\x9c\xac",
	"back\\\\\"slash \\\" quote",
	"",
};

static int probe_args(const char *openvpn, const char *log_dir)
{
	static char text[8192];
	char log[MAX_PATH * 3], err[600], want[1024];
	int failed = 0;

	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		const char *argv[] = {openvpn, odd[i], "--version", NULL};
		struct plat_child *c;
		long long deadline = plat_now_ms() + 20000;
		int status = 0;

		snprintf(log, sizeof log, "%s\\probe-%zu.log", log_dir, i);
		c = plat_spawn(argv, log, NULL, err, sizeof err);
		if (c == NULL) {
			printf("FAIL %zu: cannot start openvpn.exe: %s\n", i, err);
			return 1;
		}
		while (!plat_child_exited(c, &status) && plat_now_ms() < deadline) {
			const struct plat_wait_set set = {.child = c, .deadline_ms = deadline};
			unsigned ready;

			plat_wait(&set, &ready);
		}
		if (!plat_child_exited(c, &status))
			plat_child_kill(c);
		plat_child_free(c);
		snprintf(want, sizeof want, "I'm trying to parse \"%s\" as an --option parameter",
		         odd[i]);
		if (plat_read_file(log, text, sizeof text, err, sizeof err) < 0) {
			printf("FAIL %zu: %s\n", i, err);
			failed++;
		} else if (strstr(text, want) == NULL) {
			printf("FAIL %zu: sent [%s]; openvpn.exe said: %.*s\n", i, odd[i],
			       (int)strcspn(text, "\r\n"), text);
			failed++;
		} else {
			printf("ok %zu: [%s]\n", i, odd[i]);
		}
	}
	return failed == 0 ? 0 : 1;
}

static int probe_surrogate(const char *exe, const char *out)
{
	wchar_t *wexe = win32_widen(exe), *wout = win32_widen(out), line[MAX_PATH * 2 + 64];
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	HANDLE h;
	DWORD code = 0;

	if (wexe == NULL || wout == NULL)
		return 2;
	h = CreateFileW(wout, GENERIC_WRITE, FILE_SHARE_READ, &sa, CREATE_ALWAYS,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return 2;
	/* office<U+D800>.ovpn: half of a surrogate pair, no character at all. */
	swprintf(line, sizeof line / sizeof line[0], L"\"%ls\" start office\xd800.ovpn", wexe);
	memset(&si, 0, sizeof si);
	si.cb = sizeof si;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = h;
	si.hStdError = h;
	if (!CreateProcessW(wexe, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
		printf("cannot start %s: error %lu\n", exe, GetLastError());
		return 2;
	}
	WaitForSingleObject(pi.hProcess, 30000);
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
	CloseHandle(h);
	printf("exit code %lu\n", (unsigned long)code);
	free(wexe);
	free(wout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "args") == 0)
		return probe_args(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "surrogate") == 0)
		return probe_surrogate(argv[2], argv[3]);
	fprintf(stderr, "usage: quote_probe.exe args OPENVPN_EXE LOG_DIR | surrogate EXE OUT\n");
	return 2;
}
