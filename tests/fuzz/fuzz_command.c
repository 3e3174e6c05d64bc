/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: building commands and reading them back as OpenVPN would.
 *
 * The input picks a verb from the ones ovpn-token sends and gives the arguments (NUL-separated).
 * When mgmt_command_build accepts them, the line must be one line ("\n" once, at the end, no CR
 * or other control byte), fit OpenVPN's buffers, and read back, parameter by parameter, with an
 * OpenVPN-style lexer written here from its rules (independent of mgmt_unquote_param), to exactly
 * the arguments given: a PIN with quotes, backslashes, '#' or spaces arrives whole.  The same
 * words are also read back with mgmt_unquote_param, which must agree.  When it refuses, the
 * reason must be the right one and the output buffer must be all zeros (it may have held a PIN).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/command.h"

#include "fuzz_common.h"
#include "../lib/mgmt_probe.h"

#define MAX_ARGS 20

static const char *const verbs[] = {
	"password", "username", "needstr", "needok", "pkcs11-id-get", "signal", "hold release",
	"state", "log",
};

static bool lex_space(char c)
{
	/* OpenVPN's space(): NUL or isspace() in the C locale. */
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * OpenVPN's parse_line() rules: blanks separate; "..." with \\ \" and \<blank> escapes; '...'
 * with none; a bare word with the same escapes; any other escape, a missing closing quote or a
 * word starting with '#' or ';' fails the line.  Words are at most 256 bytes.  Returns the
 * number of words, -1 when OpenVPN would reject the line.
 */
static int lex(const char *line, char words[][260], int maxw)
{
	enum { INIT, DQ, BARE, SQ } st = INIT;
	int n = 0;
	size_t len = 0;
	bool bs = false;
	const char *c = line;

	for (;; c++) {
		char in = *c, out = 0;
		bool done = false;

		if (!bs && in == '\\' && st != SQ) {
			bs = true;
			continue;
		}
		if (st == INIT) {
			if (!lex_space(in)) {
				if (in == ';' || in == '#')
					break;
				if (!bs && in == '"')
					st = DQ;
				else if (!bs && in == '\'')
					st = SQ;
				else {
					out = in;
					st = BARE;
				}
			}
		} else if (st == BARE) {
			if (!bs && lex_space(in))
				done = true;
			else
				out = in;
		} else if (st == DQ) {
			if (!bs && in == '"')
				done = true;
			else
				out = in;
		} else {
			if (in == '\'')
				done = true;
			else
				out = in;
		}
		if (bs && out && !(out == '\\' || out == '"' || lex_space(out)))
			return -1;
		bs = false;
		if (out) {
			if (len >= 256)
				return -1;
			words[n][len++] = out;
		}
		if (done) {
			words[n][len] = '\0';
			n++;
			len = 0;
			st = INIT;
			if (n >= maxw)
				break;
		}
		if (in == '\0')
			break;
	}
	if (st != INIT)
		return -1;
	return n;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	bool in = false;

	for (; *s != '\0'; s++) {
		if (*s != ' ' && !in)
			n++;
		in = *s != ' ';
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char words[40][260];
	char *copy, *p;
	const char *argv[MAX_ARGS + 1];
	const char *verb;
	char out[MGMT_COMMAND_MAX + 64];
	size_t outsz, outlen = 12345, nargs = 0, i;
	enum mgmt_cmd_status st;
	bool any_nl = false, any_ctl = false, any_long = false;

	if (size < 2)
		return 0;
	verb = verbs[data[0] % (sizeof verbs / sizeof verbs[0])];
	/* Also try output buffers smaller than a command line. */
	outsz = data[1] & 1 ? sizeof out : 1 + data[1] % 200;
	copy = malloc(size - 1);
	CHECK(copy != NULL);
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	for (p = copy; nargs < MAX_ARGS && p <= copy + (size - 2); p += strlen(p) + 1) {
		argv[nargs++] = p;
		if (p == copy + (size - 2))
			break;
	}
	argv[nargs] = NULL;
	for (i = 0; i < nargs; i++) {
		for (const unsigned char *b = (const unsigned char *)argv[i]; *b; b++) {
			bool nl = *b == '\r' || *b == '\n';

			any_nl |= nl;
			any_ctl |= !nl && (*b < 0x20 || *b == 0x7f);
		}
		any_long |= strlen(argv[i]) >= MGMT_PARAM_MAX;
	}

	memset(out, 'X', sizeof out);
	st = mgmt_command_build(out, outsz, &outlen, verb, argv);
	if (st != MGMT_CMD_OK) {
		/*
		 * Content before length: a line break or a control byte is reported as such even in a
		 * long value (which of the two when different arguments hold each is not specified).
		 */
		if (any_nl || any_ctl)
			CHECK((st == MGMT_CMD_NEWLINE && any_nl) || (st == MGMT_CMD_BAD_BYTE && any_ctl));
		else
			CHECK(st == MGMT_CMD_TOO_LONG);
		CHECK(outlen == 0);
		for (i = 0; i < outsz; i++)
			CHECK(out[i] == '\0');
		/* Nothing past the buffer it was given. */
		for (i = outsz; i < sizeof out; i++)
			CHECK(out[i] == 'X');
		free(copy);
		return 0;
	}
	CHECK(!any_nl && !any_ctl && !any_long);
	CHECK(count_words(verb) + nargs <= 16);
	CHECK(outlen == strlen(out) && outlen + 1 <= outsz && outlen < MGMT_COMMAND_MAX);
	CHECK(outlen > 0 && out[outlen - 1] == '\n');
	CHECK(memchr(out, '\n', outlen - 1) == NULL && memchr(out, '\r', outlen) == NULL);
	for (i = outsz; i < sizeof out; i++)
		CHECK(out[i] == 'X');
	/* OpenVPN reads the line without its "\n". */
	out[outlen - 1] = '\0';
	{
		int n = lex(out, words, 40);
		size_t vw = count_words(verb);

		CHECK(n >= 0 && (size_t)n == vw + nargs);
		for (i = 0; i < nargs; i++)
			CHECK(strcmp(words[vw + i], argv[i]) == 0);
	}
	/* mgmt_unquote_param (what the unit tests use) must read the same words. */
	{
		const char *q = out + strlen(verb);
		char word[300];

		for (i = 0; i < nargs; i++) {
			int used = mgmt_unquote_param(q, word, sizeof word);

			CHECK(used > 0);
			CHECK(strcmp(word, argv[i]) == 0);
			q += used;
		}
		CHECK(*q == '\0');
	}
	free(copy);
	return 0;
}
