/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32 entry point: the program's main() expects UTF-8 arguments and prints UTF-8, as on POSIX.
 *
 * Windows hands main() its arguments in the ANSI code page, which cannot hold every file name
 * or certificate pattern; linked with -municode the C runtime calls wmain() instead, which
 * converts the UTF-16 arguments (refusing one that is not valid UTF-16) and then calls the
 * ordinary main() of src/main.c.  The console
 * is switched to UTF-8 output for our lifetime (and restored: it belongs to the user's shell).
 */
#include <stdio.h>
#include <stdlib.h>

#include "exit_codes.h"
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
		return EXIT_INTERNAL;
	for (int i = 0; i < argc; i++) {
		argv[i] = win32_narrow_alloc(wargv[i]);
		/*
		 * Only a lone surrogate (half of a UTF-16 pair) fails: it names no character, and
		 * turned into U+FFFD it would name another file or pattern than the one given.
		 */
		if (argv[i] == NULL) {
			fprintf(stderr, "ovpn-token: argument %d is not valid Unicode text (it holds "
			        "half of a UTF-16 surrogate pair); refusing it rather than changing it\n",
			        i);
			return EXIT_USAGE;
		}
	}
	saved_output_cp = GetConsoleOutputCP();
	if (saved_output_cp != 0 && SetConsoleOutputCP(CP_UTF8))
		atexit(restore_console_cp);
	/* argv stays allocated: main() and what it stores may point into it until exit. */
	return main(argc, argv);
}
