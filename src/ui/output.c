/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Output with verbosity levels; every line goes through ui/sanitize.h on its way out.
 *
 * stdout is flushed where it matters, not after every line: with -v OpenVPN's log comes through
 * here line by line, and a write(2) each capped how fast it could be followed.  The one wait
 * (plat_wait) and a question (plat_prompt_open) flush it before they block, stderr's lines
 * flush it before them (the order on a terminal), and exit flushes it.  A status line goes at
 * once: the person must see it while a PKCS#11 call blocks after it (a PIN pad's C_Login waits
 * for the PIN typed on the reader; a card's module load takes seconds).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/output.h"
#include "ui/sanitize.h"

static enum verbosity level = VERBOSITY_NORMAL;

void out_set_verbosity(enum verbosity v)
{
	level = v;
}

static VPRINTF_LIKE(3) void emit(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char line[2048], shown[2048];
	int n = vsnprintf(line, sizeof line, fmt, ap);

	if (n < 0)
		return;
	sanitize_str(shown, sizeof shown, line);
	fprintf(f, "%s%s\n", prefix, shown);
}

void out_status(const char *fmt, ...)
{
	va_list ap;

	if (level < VERBOSITY_NORMAL)
		return;
	va_start(ap, fmt);
	emit(stdout, "", fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void out_verbose(const char *fmt, ...)
{
	va_list ap;

	if (level < VERBOSITY_VERBOSE)
		return;
	va_start(ap, fmt);
	emit(stdout, "", fmt, ap);
	va_end(ap);
}

void out_menu(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	emit(stderr, "", fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	emit(stderr, "ovpn-token: ", fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void out_warning(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	emit(stderr, "ovpn-token: warning: ", fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void out_tail(const char *text, int lines, const char *prefix)
{
	size_t len = strlen(text);
	const char *start;

	/* openvpn.exe writes "\r\n": the line ends are dropped either way. */
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	start = text + len;
	for (int seen = 0; start > text; start--)
		if (start[-1] == '\n' && ++seen == lines)
			break;
	fflush(stdout);
	while (start < text + len) {
		const char *end = memchr(start, '\n', (size_t)(text + len - start));
		size_t n = end != NULL ? (size_t)(end - start) : (size_t)(text + len - start);
		char shown[1024];

		/* openvpn's log holds what the peer and the token said: sanitized like the rest. */
		sanitize_text(shown, sizeof shown, start, n > 0 && start[n - 1] == '\r' ? n - 1 : n);
		fprintf(stderr, "%s%s\n", prefix, shown);
		start += n + (end != NULL);
	}
}
