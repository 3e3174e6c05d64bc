/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32 entry point: the program's main() expects UTF-8 arguments and prints UTF-8, as on POSIX.
 *
 * Windows hands main() its arguments in the ANSI code page, which cannot hold every file name
 * or certificate pattern; linked with -municode the C runtime calls wmain() instead, which
 * converts the UTF-16 arguments and then calls the ordinary main() of src/main.c.  The console
 * is switched to UTF-8 output for our lifetime (and restored: it belongs to the user's shell).
 */
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

int main(int argc, char **argv);
int wmain(int argc, wchar_t **wargv);

static UINT saved_output_cp;

static void restore_console_cp(void)
{
	if (saved_output_cp != 0)
		SetConsoleOutputCP(saved_output_cp);
}

int wmain(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof *argv);

	if (argv == NULL)
		return 1;
	for (int i = 0; i < argc; i++) {
		int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);

		argv[i] = n > 0 ? malloc((size_t)n) : NULL;
		if (argv[i] == NULL ||
		    WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, argv[i], n, NULL, NULL) != n)
			return 1;
	}
	saved_output_cp = GetConsoleOutputCP();
	if (saved_output_cp != 0 && SetConsoleOutputCP(CP_UTF8))
		atexit(restore_console_cp);
	/* argv stays allocated: main() and what it stores may point into it until exit. */
	return main(argc, argv);
}
