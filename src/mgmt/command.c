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

/* ---- reading back a quoted parameter (serve reads its members' lines with it) ---- */

static bool unquote_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

struct unquoter {
	char *out;
	size_t outsz, len;
};

static bool unquote_emit(struct unquoter *u, char ch)
{
	if (u->len + 1 >= u->outsz)
		return false;
	u->out[u->len++] = ch;
	return true;
}

/* OpenVPN allows a backslash only before another backslash, a '"' or a blank. */
static bool unquote_escapable(char ch)
{
	return ch == '\\' || ch == '"' || unquote_is_space(ch);
}

/* Body of a "..." or bare parameter starting at in[i]; returns the index after it or -1. */
static int unquote_escaped(const char *in, int i, bool quoted, struct unquoter *u)
{
	for (;;) {
		char ch = in[i];

		if (ch == '\0')
			return quoted ? -1 : i;
		if (ch == '\\') {
			if (!unquote_escapable(in[i + 1]) || !unquote_emit(u, in[i + 1]))
				return -1;
			i += 2;
			continue;
		}
		if (quoted && ch == '"')
			return i + 1;
		if (!quoted && unquote_is_space(ch))
			return i;
		if (!unquote_emit(u, ch))
			return -1;
		i++;
	}
}

static int unquote_single(const char *in, int i, struct unquoter *u)
{
	for (; in[i] != '\''; i++) {
		if (in[i] == '\0' || !unquote_emit(u, in[i]))
			return -1;
	}
	return i + 1;
}

/*
 * Parses one quoted parameter as OpenVPN does: the reading back of what mgmt_command_build
 * quoted.  Returns the bytes read, -1 on error.
 */
int mgmt_unquote_param(const char *in, char *out, size_t outsz)
{
	struct unquoter u = { out, outsz, 0 };
	int i = 0, end;

	if (out == NULL || outsz == 0)
		return -1;
	while (unquote_is_space(in[i]))
		i++;
	/* A parameter may not start a comment, and there must be one. */
	if (in[i] == '\0' || in[i] == '#' || in[i] == ';')
		return -1;
	if (in[i] == '"')
		end = unquote_escaped(in, i + 1, true, &u);
	else if (in[i] == '\'')
		end = unquote_single(in, i + 1, &u);
	else
		end = unquote_escaped(in, i, false, &u);
	if (end < 0) {
		out[0] = '\0';
		return -1;
	}
	out[u.len] = '\0';
	return end;
}
