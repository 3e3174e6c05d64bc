/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mgmt/command.h"

#include <stdbool.h>
#include <string.h>

/* OpenVPN's lexer takes at most this many words per line, the verb's own words included. */
#define MGMT_MAX_PARAMS 16

/* The buffer may hold a PIN: a plain memset before "" could be optimised away. */
static void wipe(char *out, size_t outsz)
{
	volatile char *p = out;
	size_t i;

	for (i = 0; i < outsz; i++)
		p[i] = '\0';
}

static enum mgmt_cmd_status check_bytes(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			return MGMT_CMD_NEWLINE;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return MGMT_CMD_BAD_BYTE;
	}
	return MGMT_CMD_OK;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	bool in_word = false;

	for (; *s != '\0'; s++) {
		bool space = *s == ' ';

		if (!space && !in_word)
			n++;
		in_word = !space;
	}
	return n;
}

/* Content errors first, so a value with a newline is reported as such even when long. */
static enum mgmt_cmd_status check_args(const char *verb, const char *const *argv)
{
	enum mgmt_cmd_status st = check_bytes(verb);
	size_t words = count_words(verb);
	size_t i;

	for (i = 0; st == MGMT_CMD_OK && argv != NULL && argv[i] != NULL; i++)
		st = check_bytes(argv[i]);
	if (st != MGMT_CMD_OK)
		return st;
	for (i = 0; argv != NULL && argv[i] != NULL; i++) {
		/* OpenVPN keeps 256 bytes per parameter, its NUL included. */
		if (strlen(argv[i]) >= MGMT_PARAM_MAX)
			return MGMT_CMD_TOO_LONG;
		words++;
	}
	return words > MGMT_MAX_PARAMS ? MGMT_CMD_TOO_LONG : MGMT_CMD_OK;
}

struct writer {
	char *out;
	size_t cap; /* bytes usable before the NUL */
	size_t len;
	bool full;
};

static void put(struct writer *w, char ch)
{
	if (w->len >= w->cap) {
		w->full = true;
		return;
	}
	w->out[w->len++] = ch;
}

static void put_str(struct writer *w, const char *s)
{
	for (; *s != '\0'; s++)
		put(w, *s);
}

static void put_quoted(struct writer *w, const char *s)
{
	put(w, '"');
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			put(w, '\\');
		put(w, *s);
	}
	put(w, '"');
}

static enum mgmt_cmd_status fail(char *out, size_t outsz, size_t *outlen,
                                enum mgmt_cmd_status st)
{
	if (out != NULL)
		wipe(out, outsz);
	if (outlen != NULL)
		*outlen = 0;
	return st;
}

enum mgmt_cmd_status mgmt_command_build(char *out, size_t outsz, size_t *outlen,
                                       const char *verb, const char *const *argv)
{
	struct writer w;
	enum mgmt_cmd_status st;
	size_t i;

	if (out == NULL || outsz == 0)
		return fail(NULL, 0, outlen, MGMT_CMD_TOO_LONG);
	st = check_args(verb, argv);
	if (st != MGMT_CMD_OK)
		return fail(out, outsz, outlen, st);
	/* The line, "\n" included, must fit OpenVPN's 1024-byte buffer with its NUL. */
	w.out = out;
	w.cap = outsz - 1 < MGMT_COMMAND_MAX - 1 ? outsz - 1 : MGMT_COMMAND_MAX - 1;
	w.len = 0;
	w.full = false;
	put_str(&w, verb);
	for (i = 0; argv != NULL && argv[i] != NULL; i++) {
		put(&w, ' ');
		put_quoted(&w, argv[i]);
	}
	put(&w, '\n');
	if (w.full)
		return fail(out, outsz, outlen, MGMT_CMD_TOO_LONG);
	out[w.len] = '\0';
	if (outlen != NULL)
		*outlen = w.len;
	return MGMT_CMD_OK;
}

const char *mgmt_command_status_text(enum mgmt_cmd_status st)
{
	switch (st) {
	case MGMT_CMD_OK: return "ok";
	case MGMT_CMD_NEWLINE: return "the value contains a line break, which cannot be sent";
	case MGMT_CMD_TOO_LONG: return "the value or the command is too long for OpenVPN";
	case MGMT_CMD_BAD_BYTE: return "the value contains a control character";
	case MGMT_CMD_QUEUE_FULL: return "too many commands await OpenVPN's answer";
	case MGMT_CMD_WRITE_FAILED: return "cannot write to the management interface";
	}
	return "unknown error";
}
