/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Everything ovpn-token tells the user goes through here. */
#ifndef OVPN_TOKEN_OUTPUT_H
#define OVPN_TOKEN_OUTPUT_H

/* mk/windows.mk sets gnu_printf: mingw's "printf" checks Microsoft's rules (no %zu). */
#ifndef PRINTF_ARCHETYPE
#define PRINTF_ARCHETYPE printf
#endif

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(PRINTF_ARCHETYPE, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif
/* For functions that take a va_list: the format is checked where the arguments are. */
#define VPRINTF_LIKE(f) PRINTF_LIKE(f, 0)

/* How much goes to stdout: -q shows errors and prompts only, -v also openvpn's log lines. */
enum verbosity { VERBOSITY_QUIET = -1, VERBOSITY_NORMAL = 0, VERBOSITY_VERBOSE = 1 };

void out_set_verbosity(enum verbosity v);
/* Progress and state lines on stdout; silent with -q. */
void out_status(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Only with -v. */
void out_verbose(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Lines that belong to a question (a menu, the candidates of --cert) on stderr, always. */
void out_menu(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "ovpn-token: ..." on stderr, always. */
void out_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "ovpn-token: warning: ..." on stderr, at every verbosity: -q never hides a warning. */
void out_warning(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* The last lines of text (LF or CRLF lines) on stderr, each after prefix. */
void out_tail(const char *text, int lines, const char *prefix);

/*
 * Text that came from the peer or a certificate may hold terminal escapes: every output
 * function passes what it prints through ui/sanitize.h (one line each: no format here may
 * hold a line end).
 */

#endif
