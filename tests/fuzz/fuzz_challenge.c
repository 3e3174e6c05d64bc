/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the two-factor challenge parsers and answer builders (mgmt/challenge.h).
 *
 * The input, as one string, goes to every parser (with the usual prefixes put in front too).
 * The texts they accept are kept as sent, NUL-terminated within their buffer and cut only at a
 * character's start (making them safe to print is ui/sanitize.h's job, on the way out); what
 * goes back to OpenVPN (state id, username) must hold no control byte and no ':' in the state
 * id.  The answers built from the input must be one management parameter
 * (under 256 bytes) and, for SCRV1 and cr-response, decode back to exactly the input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/base64.h"
#include "mgmt/challenge.h"

#include "fuzz_common.h"

/* A text as sent: the input's own bytes from where it starts, or a cut before a character. */
static void check_display(const char *s, size_t sz, const char *input)
{
	size_t n = strnlen(s, sz);
	bool whole_characters = false;

	CHECK(n < sz);
	if (n == 0)
		return;
	/* Somewhere in the input, and not ended inside a UTF-8 sequence (cut or not). */
	for (const char *from = strstr(input, s); from != NULL && !whole_characters;
	     from = strstr(from + 1, s))
		whole_characters = ((unsigned char)from[n] & 0xC0) != 0x80;
	CHECK(whole_characters);
}

static void check_exact(const char *s, size_t sz)
{
	size_t n = strnlen(s, sz);

	CHECK(n < sz);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7F);
}

static void parse_all(const char *s)
{
	struct challenge_static sc;
	struct challenge_crv1 cr;
	struct challenge_cr_text ct;
	struct challenge_web w;
	char ans[256];

	if (challenge_parse_static(s, &sc) == CHALLENGE_OK)
		check_display(sc.text, sizeof sc.text, s);
	if (challenge_parse_crv1(s, &cr) == CHALLENGE_OK) {
		check_display(cr.text, sizeof cr.text, s);
		check_exact(cr.state_id, sizeof cr.state_id);
		check_exact(cr.username, sizeof cr.username);
		CHECK(cr.state_id[0] != '\0' && strchr(cr.state_id, ':') == NULL);
		if (challenge_answer_crv1(ans, sizeof ans, cr.state_id, "123456", 6) == CHALLENGE_OK) {
			CHECK(strncmp(ans, "CRV1::", 6) == 0);
			CHECK(strlen(ans) < 256);
		}
	}
	if (challenge_parse_cr_text(s, &ct) == CHALLENGE_OK)
		check_display(ct.text, sizeof ct.text, s);
	if (challenge_parse_web(s, &w) == CHALLENGE_OK) {
		check_display(w.url, sizeof w.url, s);
		check_display(w.flags, sizeof w.flags, s);
		CHECK(w.url[0] != '\0');
	}
	(void)challenge_pending_timeout(s);
	if (challenge_url_openable(s)) {
		for (const char *p = s; *p; p++)
			CHECK(*p > 0x20 && *p < 0x7F && *p != '"' && *p != '\'');
	}
}

static void build_all(const char *data, size_t size)
{
	char out[256];
	unsigned char back[256];
	size_t half = size / 2, n;

	if (challenge_answer_scrv1(out, sizeof out, data, half, data + half, size - half) ==
	    CHALLENGE_OK) {
		char *colon = strchr(out + 6, ':');

		CHECK(strlen(out) < 256 && strncmp(out, "SCRV1:", 6) == 0 && colon != NULL);
		CHECK(b64_decode(out + 6, (size_t)(colon - out - 6), back, sizeof back, &n) == 0);
		CHECK(n == half && memcmp(back, data, n) == 0);
		CHECK(b64_decode(colon + 1, strlen(colon + 1), back, sizeof back, &n) == 0);
		CHECK(n == size - half && memcmp(back, data + half, n) == 0);
	} else {
		for (size_t i = 0; i < sizeof out; i++)
			CHECK(out[i] == 0);
	}
	if (challenge_answer_cr_response(out, sizeof out, data, size) == CHALLENGE_OK) {
		CHECK(b64_decode(out, strlen(out), back, sizeof back, &n) == 0);
		CHECK(n == size && memcmp(back, data, n) == 0);
	}
	if (challenge_answer_concat(out, sizeof out, data, half, data + half, size - half) ==
	    CHALLENGE_OK) {
		CHECK(strlen(out) == size && memcmp(out, data, size) == 0);
		check_exact(out, sizeof out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = { "", "CRV1:", "CR_TEXT:", "WEB_AUTH:", "OPEN_URL:",
	                                        "1,", "timeout " };
	char *s;

	if (size > 8192)
		return 0;
	s = malloc(size + 16);
	if (s == NULL)
		return 0;
	for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
		size_t plen = strlen(prefixes[p]);

		memcpy(s, prefixes[p], plen);
		memcpy(s + plen, data, size);
		s[plen + size] = '\0';   /* the line reader ends a line at NUL or a line break */
		parse_all(s);
	}
	build_all((const char *)data, size);
	free(s);
	return 0;
}
