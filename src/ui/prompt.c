/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/prompt.h"
#include "ui/sanitize.h"

/* Prompt text may carry a token label from the peer: it goes through ui/sanitize.h. */
static VPRINTF_LIKE(3) void format_prompt(char *buf, size_t bufsz, const char *fmt, va_list ap)
{
	char raw[512];

	if (vsnprintf(raw, sizeof raw, fmt, ap) < 0)
		raw[0] = '\0';
	sanitize_str(buf, bufsz, raw);
}

enum plat_read_result prompt_secret(struct plat_sock *watch, struct secret *out,
                                    const char *fmt, ...)
{
	char prompt[512];
	va_list ap;
	enum plat_read_result r;

	va_start(ap, fmt);
	format_prompt(prompt, sizeof prompt, fmt, ap);
	va_end(ap);
	secret_clear(out);
	r = plat_read_line(prompt, false, watch, out->data, SECRET_MAX + 1);
	if (r == PLAT_READ_OK)
		out->len = strlen(out->data);
	else
		secret_clear(out);
	return r;
}

enum plat_read_result prompt_text(struct plat_sock *watch, char *buf, size_t bufsz,
                                  const char *fmt, ...)
{
	char prompt[512];
	va_list ap;

	va_start(ap, fmt);
	format_prompt(prompt, sizeof prompt, fmt, ap);
	va_end(ap);
	return plat_read_line(prompt, true, watch, buf, bufsz);
}

enum plat_read_result prompt_text_watched(struct plat_sock *watch_sock,
                                          const struct plat_prompt_watch *watch, char *buf,
                                          size_t bufsz, const char *fmt, ...)
{
	char prompt[512];
	va_list ap;

	va_start(ap, fmt);
	format_prompt(prompt, sizeof prompt, fmt, ap);
	va_end(ap);
	return plat_read_line_watched(prompt, true, watch_sock, buf, bufsz, watch);
}

enum plat_read_result prompt_number(struct plat_sock *watch, int max, int *choice,
                                    const char *fmt, ...)
{
	char prompt[512], answer[32];
	va_list ap;

	va_start(ap, fmt);
	format_prompt(prompt, sizeof prompt, fmt, ap);
	va_end(ap);
	for (;;) {
		enum plat_read_result r = plat_read_line(prompt, true, watch, answer, sizeof answer);
		char *end;
		long n;

		if (r != PLAT_READ_OK && r != PLAT_READ_TOO_LONG)
			return r;
		n = strtol(answer, &end, 10);
		if (r == PLAT_READ_OK && end != answer && *end == '\0' && n >= 1 && n <= max) {
			*choice = (int)n;
			return PLAT_READ_OK;
		}
		fprintf(stderr, "Please answer with a number from 1 to %d.\n", max);
	}
}
