/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mgmt/event.h"
#include "mgmt/challenge.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * Parsers cut the line with NULs as they go; a body that turns out bad must be handed back
 * intact as MALFORMED, so every cut is logged and undone on failure.
 */
#define MAX_CUTS 16

struct cutter {
	char *at[MAX_CUTS];
	char was[MAX_CUTS];
	int n;
};

static bool cut(struct cutter *c, char *p)
{
	if (c->n >= MAX_CUTS)
		return false;
	c->at[c->n] = p;
	c->was[c->n] = *p;
	c->n++;
	*p = '\0';
	return true;
}

static void uncut(struct cutter *c)
{
	while (c->n > 0) {
		c->n--;
		*c->at[c->n] = c->was[c->n];
	}
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* strtoll alone accepts blanks, signs and empty strings: only plain digits are numbers here. */
static bool parse_ull(const char *s, unsigned long long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool parse_ll(const char *s, long long *out)
{
	unsigned long long v;

	if (!parse_ull(s, &v) || v > (unsigned long long)LLONG_MAX)
		return false;
	*out = (long long)v;
	return true;
}

static bool parse_long(const char *s, long *out)
{
	unsigned long long v;

	if (!parse_ull(s, &v) || v > (unsigned long long)LONG_MAX)
		return false;
	*out = (long)v;
	return true;
}

static bool parse_text(char *body, struct mgmt_event *ev, struct cutter *c)
{
	(void)c;
	ev->u.text.text = body;
	return true;
}

/* "text:count": the text may hold ':' itself, the count is after the last one. */
static bool parse_hold(char *body, struct mgmt_event *ev, struct cutter *c)
{
	char *colon = strrchr(body, ':');

	if (colon == NULL || !cut(c, colon) || !parse_long(colon + 1, &ev->u.hold.count))
		return false;
	ev->u.hold.text = body;
	return true;
}

/*
 * rest is what follows "Need '".  The type may hold quotes and spaces, the challenge text
 * anything: the SC form is looked for first (its type is "Auth" in practice), and the plain
 * forms are matched against the end of the line so a quote inside the type does no harm.
 */
static bool parse_password_need(char *rest, struct mgmt_event *ev, struct cutter *c)
{
	static const char sc_tail[] = "' username/password SC:";
	static const char up_tail[] = "' username/password";
	static const char p_tail[] = "' password";
	static const char u_tail[] = "' username"; /* 2.7: auth-user-pass username-only */
	char *sc = strstr(rest, sc_tail);
	size_t len = strlen(rest);

	ev->u.password_need.type = rest;
	ev->u.password_need.challenge_raw = "";
	if (sc != NULL) {
		/* "flag,TEXT" stays whole; the flag's one reader says whether it is well formed. */
		struct challenge_static form;

		ev->u.password_need.need_username = true;
		ev->u.password_need.challenge_raw = sc + sizeof sc_tail - 1;
		return cut(c, sc) &&
		       challenge_parse_static(ev->u.password_need.challenge_raw, &form) == CHALLENGE_OK;
	}
	if (ends_with(rest, u_tail)) {
		ev->u.password_need.need_username = true;
		ev->u.password_need.username_only = true;
		return cut(c, rest + len - (sizeof u_tail - 1));
	}
	if (ends_with(rest, up_tail)) {
		ev->u.password_need.need_username = true;
		return cut(c, rest + len - (sizeof up_tail - 1));
	}
	if (ends_with(rest, p_tail)) {
		ev->u.password_need.need_username = false;
		return cut(c, rest + len - (sizeof p_tail - 1));
	}
	return false;
}

/* rest is what follows "Verification Failed: '": "TYPE'" or "TYPE' ['CRV1:...']". */
static bool parse_password_failed(char *rest, struct mgmt_event *ev, struct cutter *c)
{
	char *crv = strstr(rest, "' ['");
	size_t len = strlen(rest);

	ev->u.password_failed.type = rest;
	ev->u.password_failed.crv1 = "";
	/* The closing "']" must come after the opening "' ['", not share its quote. */
	if (crv != NULL && ends_with(rest, "']") && (size_t)(crv - rest) + 4 <= len - 2) {
		ev->u.password_failed.crv1 = crv + 4;
		return cut(c, crv) && cut(c, rest + len - 2);
	}
	if (len >= 1 && rest[len - 1] == '\'')
		return cut(c, rest + len - 1);
	return false;
}

static bool parse_password(char *body, struct mgmt_event *ev, struct cutter *c)
{
	static const char need[] = "Need '";
	static const char failed[] = "Verification Failed: '";

	if (starts_with(body, need)) {
		ev->type = MGMT_EV_PASSWORD_NEED;
		return parse_password_need(body + sizeof need - 1, ev, c);
	}
	if (starts_with(body, failed)) {
		ev->type = MGMT_EV_PASSWORD_FAILED;
		return parse_password_failed(body + sizeof failed - 1, ev, c);
	}
	return false;
}

/*
 * "Need 'NAME' WORD MSG:text".  Names are OpenVPN's own identifiers, the message is free
 * text, so the first "' WORD" after the name ends it.
 */
static bool parse_need(char *body, const char *word, struct mgmt_event *ev, struct cutter *c)
{
	char *name, *end;
	size_t wlen = strlen(word);

	if (!starts_with(body, "Need '"))
		return false;
	name = body + 6;
	for (end = strstr(name, "' "); end != NULL; end = strstr(end + 1, "' ")) {
		char *after = end + 2;

		if (strncmp(after, word, wlen) != 0)
			continue;
		after += wlen;
		if (*after == '\0') {
			ev->u.need.msg = "";
		} else if (starts_with(after, " MSG:")) {
			ev->u.need.msg = after + 5;
		} else {
			continue;
		}
		ev->u.need.name = name;
		return cut(c, end);
	}
	return false;
}

static bool parse_need_ok(char *body, struct mgmt_event *ev, struct cutter *c)
{
	return parse_need(body, "confirmation", ev, c);
}

static bool parse_need_str(char *body, struct mgmt_event *ev, struct cutter *c)
{
	return parse_need(body, "string", ev, c);
}

static bool parse_pkcs11id_count(char *body, struct mgmt_event *ev, struct cutter *c)
{
	(void)c;
	return parse_long(body, &ev->u.pkcs11id_count.count);
}

/* "'I'" alone, or "'I', ID:'...', BLOB:'...'"; ids and base64 never hold a quote. */
static bool parse_pkcs11id_entry(char *body, struct mgmt_event *ev, struct cutter *c)
{
	static const char id_sep[] = "', ID:'";
	static const char blob_sep[] = "', BLOB:'";
	char *q, *blob, *last;

	if (body[0] != '\'')
		return false;
	ev->u.pkcs11id_entry.id = "";
	ev->u.pkcs11id_entry.blob = "";
	q = strchr(body + 1, '\'');
	if (q == NULL)
		return false;
	if (q[1] == '\0')
		return cut(c, q) && parse_long(body + 1, &ev->u.pkcs11id_entry.index);
	if (!starts_with(q, id_sep))
		return false;
	blob = strstr(q + sizeof id_sep - 1, blob_sep);
	last = body + strlen(body) - 1;
	if (blob == NULL || *last != '\'' || last < blob + sizeof blob_sep - 1)
		return false;
	ev->u.pkcs11id_entry.id = q + sizeof id_sep - 1;
	ev->u.pkcs11id_entry.blob = blob + sizeof blob_sep - 1;
	return cut(c, q) && cut(c, blob) && cut(c, last) &&
	       parse_long(body + 1, &ev->u.pkcs11id_entry.index);
}

/* Splits off up to n comma-separated fields; the last one keeps any further commas. */
static int split_commas(char *s, const char **fields, int n, struct cutter *c)
{
	int i = 0;

	fields[i++] = s;
	while (i < n) {
		char *comma = strchr(s, ',');

		if (comma == NULL || !cut(c, comma))
			break;
		s = comma + 1;
		fields[i++] = s;
	}
	return i;
}

static bool parse_state(char *body, struct mgmt_event *ev, struct cutter *c)
{
	const char *f[9];
	int n = split_commas(body, f, 9, c);
	int i;

	/* 2.6 sends 8 or 9 fields depending on the state; older versions fewer. */
	for (i = n; i < 9; i++)
		f[i] = "";
	if (n < 2 || f[1][0] == '\0' || !parse_ll(f[0], &ev->u.state.time))
		return false;
	ev->u.state.name = f[1];
	ev->u.state.desc = f[2];
	ev->u.state.tun_ip = f[3];
	ev->u.state.remote_ip = f[4];
	ev->u.state.remote_port = f[5];
	ev->u.state.local_ip = f[6];
	ev->u.state.local_port = f[7];
	ev->u.state.tun_ipv6 = f[8];
	return true;
}

static bool parse_log(char *body, struct mgmt_event *ev, struct cutter *c)
{
	const char *f[3];

	if (split_commas(body, f, 3, c) != 3 || !parse_ll(f[0], &ev->u.log.time))
		return false;
	ev->u.log.flags = f[1];
	ev->u.log.text = f[2];
	return true;
}

static bool parse_bytecount(char *body, struct mgmt_event *ev, struct cutter *c)
{
	const char *f[2];

	/* A third field would stay in f[1] and fail the number check. */
	return split_commas(body, f, 2, c) == 2 && parse_ull(f[0], &ev->u.bytecount.in) &&
	       parse_ull(f[1], &ev->u.bytecount.out);
}

struct notification {
	const char *name;
	enum mgmt_event_type type;
	bool (*parse)(char *body, struct mgmt_event *ev, struct cutter *c);
};

static const struct notification notifications[] = {
	{ "INFO", MGMT_EV_INFO, parse_text },
	{ "HOLD", MGMT_EV_HOLD, parse_hold },
	{ "PASSWORD", MGMT_EV_PASSWORD_NEED, parse_password },
	{ "NEED-OK", MGMT_EV_NEED_OK, parse_need_ok },
	{ "NEED-STR", MGMT_EV_NEED_STR, parse_need_str },
	{ "PKCS11ID-COUNT", MGMT_EV_PKCS11ID_COUNT, parse_pkcs11id_count },
	{ "PKCS11ID-ENTRY", MGMT_EV_PKCS11ID_ENTRY, parse_pkcs11id_entry },
	{ "STATE", MGMT_EV_STATE, parse_state },
	{ "LOG", MGMT_EV_LOG, parse_log },
	{ "FATAL", MGMT_EV_FATAL, parse_text },
	{ "INFOMSG", MGMT_EV_INFOMSG, parse_text },
	{ "BYTECOUNT", MGMT_EV_BYTECOUNT, parse_bytecount },
};

static void parse_notification(char *line, struct mgmt_event *ev)
{
	struct cutter c = { .n = 0 };
	char *colon = strchr(line, ':');
	size_t i;

	ev->type = MGMT_EV_UNKNOWN;
	ev->u.notify.name = line + 1;
	ev->u.notify.text = "";
	if (colon == NULL)
		return;
	cut(&c, colon);
	ev->u.notify.text = colon + 1;
	for (i = 0; i < sizeof notifications / sizeof notifications[0]; i++) {
		const struct notification *n = &notifications[i];

		if (strcmp(line + 1, n->name) != 0)
			continue;
		memset(&ev->u, 0, sizeof ev->u);
		ev->type = n->type;
		if (!n->parse(colon + 1, ev, &c)) {
			uncut(&c);
			memset(&ev->u, 0, sizeof ev->u);
			ev->type = MGMT_EV_MALFORMED;
			ev->u.text.text = line;
		}
		return;
	}
}

/* "SUCCESS: text"; a missing space after the colon is tolerated. */
static bool reply_line(char *line, const char *prefix, enum mgmt_event_type type,
                       struct mgmt_event *ev)
{
	char *text;

	if (!starts_with(line, prefix))
		return false;
	text = line + strlen(prefix);
	if (*text == ' ')
		text++;
	ev->type = type;
	ev->u.text.text = text;
	return true;
}

void mgmt_parse_line(char *line, struct mgmt_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (line[0] == '>') {
		parse_notification(line, ev);
		return;
	}
	if (reply_line(line, "SUCCESS:", MGMT_EV_SUCCESS, ev) ||
	    reply_line(line, "ERROR:", MGMT_EV_ERROR, ev))
		return;
	ev->u.text.text = line;
	if (strcmp(line, "END") == 0)
		ev->type = MGMT_EV_END;
	else if (strcmp(line, "ENTER PASSWORD:") == 0)
		ev->type = MGMT_EV_ENTER_PASSWORD;
	else
		ev->type = MGMT_EV_TEXT;
}

bool mgmt_token_label(const char *text, const char *prefix, char *label, size_t labelsz)
{
	static const char suffix[] = " token";
	size_t n = strlen(text), p = strlen(prefix), t = sizeof suffix - 1;

	if (n <= p + t || strncmp(text, prefix, p) != 0 || strcmp(text + n - t, suffix) != 0 ||
	    n - p - t >= labelsz)
		return false;
	memcpy(label, text + p, n - p - t);
	label[n - p - t] = '\0';
	return true;
}
