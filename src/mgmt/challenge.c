/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Parsing what a two-factor server asks and building what we answer (challenge.h).  The peer is
 * hostile by assumption: every copy is bounded, and the fields that go back to OpenVPN are
 * refused rather than altered when they could not be sent intact.  The texts are kept as sent:
 * they reach the terminal only through ui/ (out_*, the prompts), whose one sanitizer keeps a
 * challenge from moving the cursor or faking a prompt.
 */
#include "mgmt/challenge.h"

#include <stdint.h>
#include <string.h>

#include "codec/base64.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Copies src[0..len) as it is, cut to fit at a character's start (a UTF-8 sequence is never
 * split).  Returns true when it had to cut.  Not made safe here: everything shown goes through
 * the one sanitizer on its way to the terminal (ui/sanitize.h, through out_* and the prompts).
 */
static bool copy_text(char *dst, size_t dstsz, const char *src, size_t len)
{
	size_t n = len < dstsz ? len : dstsz - 1;

	if (n < len)
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n < len;
}

/* A field that goes back to OpenVPN: exact copy, no control bytes, must fit. */
static enum challenge_status copy_exact(char *dst, size_t dstsz, const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c < 0x20 || c == 0x7F) {
			memset(dst, 0, dstsz);
			return CHALLENGE_BAD_BYTE;
		}
	}
	if (len >= dstsz) {
		memset(dst, 0, dstsz);
		return CHALLENGE_TOO_LONG;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return CHALLENGE_OK;
}

/* "R,E" style flags in s[0..len): E echo, R response required; others are ignored. */
static void parse_flags(const char *s, size_t len, bool *echo, bool *required)
{
	size_t i = 0;

	*echo = false;
	*required = false;
	while (i < len) {
		size_t j = i;

		while (j < len && s[j] != ',')
			j++;
		if (j - i == 1 && s[i] == 'E')
			*echo = true;
		if (j - i == 1 && s[i] == 'R')
			*required = true;
		i = j + 1;
	}
}

enum challenge_status challenge_parse_static(const char *sc, struct challenge_static *out)
{
	unsigned long flag = 0;
	const char *p = sc;

	memset(out, 0, sizeof *out);
	if (*p < '0' || *p > '9')
		return CHALLENGE_MALFORMED;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (flag > 0xFFFF)
			return CHALLENGE_MALFORMED;
		flag = flag * 10 + (unsigned long)(*p - '0');
	}
	if (*p != ',')
		return CHALLENGE_MALFORMED;
	p++;
	out->echo = (flag & CHALLENGE_SC_ECHO) != 0;
	out->concat = (flag & CHALLENGE_SC_CONCAT) != 0;
	out->cut = copy_text(out->text, sizeof out->text, p, strlen(p));
	return CHALLENGE_OK;
}

enum challenge_status challenge_parse_crv1(const char *s, struct challenge_crv1 *out)
{
	const char *flags, *state, *user, *text;
	unsigned char name[CHALLENGE_FIELD_MAX];
	size_t name_len = 0;
	enum challenge_status st;

	memset(out, 0, sizeof *out);
	if (!starts_with(s, "CRV1:"))
		return CHALLENGE_MALFORMED;
	flags = s + 5;
	state = strchr(flags, ':');
	if (state == NULL)
		return CHALLENGE_MALFORMED;
	state++;
	user = strchr(state, ':');
	if (user == NULL)
		return CHALLENGE_MALFORMED;
	user++;
	text = strchr(user, ':');
	if (text == NULL)
		return CHALLENGE_MALFORMED;
	text++;
	/* The state id is echoed back between "CRV1::" and "::": it must not be empty either. */
	if (user - state - 1 == 0)
		return CHALLENGE_MALFORMED;
	parse_flags(flags, (size_t)(state - flags - 1), &out->echo, &out->response_required);
	st = copy_exact(out->state_id, sizeof out->state_id, state, (size_t)(user - state - 1));
	if (st != CHALLENGE_OK)
		goto fail;
	if (b64_decode(user, (size_t)(text - user - 1), name, sizeof name, &name_len) != 0) {
		st = (size_t)(text - user - 1) / 4 * 3 >= sizeof name ? CHALLENGE_TOO_LONG
		                                                        : CHALLENGE_MALFORMED;
		goto fail;
	}
	st = copy_exact(out->username, sizeof out->username, (const char *)name, name_len);
	memset(name, 0, sizeof name);
	if (st != CHALLENGE_OK)
		goto fail;
	out->cut = copy_text(out->text, sizeof out->text, text, strlen(text));
	return CHALLENGE_OK;
fail:
	memset(out, 0, sizeof *out);
	return st;
}

enum challenge_status challenge_parse_cr_text(const char *s, struct challenge_cr_text *out)
{
	const char *flags, *text;

	memset(out, 0, sizeof *out);
	if (!starts_with(s, "CR_TEXT:"))
		return CHALLENGE_MALFORMED;
	flags = s + 8;
	text = strchr(flags, ':');
	if (text == NULL)
		return CHALLENGE_MALFORMED;
	text++;
	parse_flags(flags, (size_t)(text - flags - 1), &out->echo, &out->response_required);
	out->cut = copy_text(out->text, sizeof out->text, text, strlen(text));
	return CHALLENGE_OK;
}

enum challenge_status challenge_parse_web(const char *s, struct challenge_web *out)
{
	const char *url;
	size_t len;

	memset(out, 0, sizeof *out);
	if (starts_with(s, "OPEN_URL:")) {
		out->open_url = true;
		url = s + 9;
	} else if (starts_with(s, "WEB_AUTH:")) {
		const char *flags = s + 9;

		url = strchr(flags, ':');
		if (url == NULL)
			return CHALLENGE_MALFORMED;
		url++;
		copy_text(out->flags, sizeof out->flags, flags, (size_t)(url - flags - 1));
	} else {
		return CHALLENGE_MALFORMED;
	}
	len = strlen(url);
	if (len == 0)
		return CHALLENGE_MALFORMED;
	if (len >= sizeof out->url) {
		memset(out, 0, sizeof *out);
		return CHALLENGE_TOO_LONG;
	}
	copy_text(out->url, sizeof out->url, url, len);
	return CHALLENGE_OK;
}

long challenge_pending_timeout(const char *desc)
{
	long n = 0;
	const char *p;

	if (!starts_with(desc, "timeout "))
		return -1;
	p = desc + 8;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > 100000000L)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return *p == '\0' ? n : -1;
}

bool challenge_url_openable(const char *url)
{
	if (!starts_with(url, "https://") && !starts_with(url, "http://"))
		return false;
	for (const char *p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7F || c == '"' || c == '\'' || c == '\\' || c == '`')
			return false;
	}
	return true;
}

/* ---- answers ------------------------------------------------------------------------------ */

static enum challenge_status wipe(char *out, size_t outsz, enum challenge_status st)
{
	if (outsz > 0)
		memset(out, 0, outsz);
	return st;
}

/* out must stay one management parameter. */
static size_t param_room(size_t outsz)
{
	return outsz < CHALLENGE_FIELD_MAX ? outsz : CHALLENGE_FIELD_MAX;
}

static bool has_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7F)
			return true;
	return false;
}

enum challenge_status challenge_answer_scrv1(char *out, size_t outsz, const char *password,
                                             size_t password_len, const char *response,
                                             size_t response_len)
{
	size_t room = param_room(outsz), o;
	int n;

	if (room < 7 || b64_encoded_len(password_len) > room ||
	    b64_encoded_len(response_len) > room)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	memcpy(out, "SCRV1:", 6);
	n = b64_encode((const unsigned char *)password, password_len, out + 6, room - 6);
	if (n < 0)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	o = 6 + (size_t)n;
	if (o + 1 >= room)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	out[o++] = ':';
	n = b64_encode((const unsigned char *)response, response_len, out + o, room - o);
	if (n < 0)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	return CHALLENGE_OK;
}

enum challenge_status challenge_answer_concat(char *out, size_t outsz, const char *password,
                                              size_t password_len, const char *response,
                                              size_t response_len)
{
	size_t room = param_room(outsz);

	if (has_control(password, password_len) || has_control(response, response_len))
		return wipe(out, outsz, CHALLENGE_BAD_BYTE);
	if (password_len >= room || response_len >= room - password_len)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	memmove(out, password, password_len);
	memmove(out + password_len, response, response_len);
	out[password_len + response_len] = '\0';
	return CHALLENGE_OK;
}

enum challenge_status challenge_answer_crv1(char *out, size_t outsz, const char *state_id,
                                            const char *response, size_t response_len)
{
	size_t room = param_room(outsz), slen = strlen(state_id), o = 0;

	if (slen == 0 || strchr(state_id, ':') != NULL)
		return wipe(out, outsz, CHALLENGE_MALFORMED);
	if (has_control(state_id, slen) || has_control(response, response_len))
		return wipe(out, outsz, CHALLENGE_BAD_BYTE);
	if (slen > room || response_len > room || 6 + slen + 2 + response_len >= room)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	memcpy(out, "CRV1::", 6);
	o = 6;
	memcpy(out + o, state_id, slen);
	o += slen;
	memcpy(out + o, "::", 2);
	o += 2;
	memcpy(out + o, response, response_len);
	o += response_len;
	out[o] = '\0';
	return CHALLENGE_OK;
}

enum challenge_status challenge_answer_cr_response(char *out, size_t outsz, const char *response,
                                                   size_t response_len)
{
	size_t room = param_room(outsz);

	if (b64_encoded_len(response_len) >= room ||
	    b64_encode((const unsigned char *)response, response_len, out, room) < 0)
		return wipe(out, outsz, CHALLENGE_TOO_LONG);
	return CHALLENGE_OK;
}

const char *challenge_status_text(enum challenge_status st)
{
	switch (st) {
	case CHALLENGE_OK:
		return "ok";
	case CHALLENGE_MALFORMED:
		return "not understood";
	case CHALLENGE_TOO_LONG:
		return "too long";
	case CHALLENGE_BAD_BYTE:
		return "holds a control character";
	}
	return "?";
}
