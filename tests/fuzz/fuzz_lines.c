/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: line framing + event parser.
 *
 * The input is a byte stream from a hostile management peer.  Its first 8 bytes seed how the
 * stream is cut into reads (1 byte to a whole buffer), so a line split anywhere, "\r" and "\n"
 * in separate reads and a prompt split in two are all tried.  Every line the reader returns is
 * checked against an independent model of the framing, then parsed, and the event is checked:
 * each field the type defines is non-NULL and lies inside the line, the type agrees with the
 * line's prefix, MALFORMED hands back the line byte for byte, and the fields put back together
 * give the line again (so a parser that drops or moves text is caught, not only one that
 * crashes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/event.h"
#include "mgmt/line_reader.h"

#include "fuzz_common.h"
#include "../lib/mgmt_probe.h"

static const char PROMPT[] = "ENTER PASSWORD:";
#define PROMPT_LEN (sizeof PROMPT - 1)

/* A pointer the parser handed out must be inside the parsed buffer or an empty literal. */
static void check_field(const char *f, const char *buf, size_t buflen)
{
	CHECK(f != NULL);
	if (f >= buf && f <= buf + buflen) {
		/* NUL-terminated inside the buffer: ASan would also flag a read past it. */
		CHECK(strlen(f) <= (size_t)(buf + buflen - f));
		return;
	}
	CHECK(f[0] == '\0');
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Joins parts into out; returns whether it equals want. */
static int joined_equals(const char *want, const char *const *parts, size_t n)
{
	size_t len = 0, i;
	char *out;
	int eq;

	for (i = 0; i < n; i++)
		len += strlen(parts[i]);
	out = malloc(len + 1);
	CHECK(out != NULL);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(out, parts[i]);
	eq = strcmp(out, want) == 0;
	free(out);
	return eq;
}

static void check_event(const char *orig, const char *buf, size_t n, const struct mgmt_event *ev)
{
	const char *name = mgmt_event_type_name(ev->type);

	CHECK(name != NULL && strcmp(name, "?") != 0);
	/* Replies and prompts never start with '>', notifications always do. */
	switch (ev->type) {
	case MGMT_EV_TEXT:
	case MGMT_EV_SUCCESS:
	case MGMT_EV_ERROR:
	case MGMT_EV_END:
	case MGMT_EV_ENTER_PASSWORD:
		CHECK(orig[0] != '>');
		break;
	default:
		CHECK(orig[0] == '>');
	}
	switch (ev->type) {
	case MGMT_EV_MALFORMED:
		/* The line must come back exactly as it was, from its first byte. */
		CHECK(ev->u.text.text == buf);
		CHECK(strcmp(buf, orig) == 0);
		break;
	case MGMT_EV_UNKNOWN:
		check_field(ev->u.notify.name, buf, n);
		check_field(ev->u.notify.text, buf, n);
		break;
	case MGMT_EV_TEXT:
		CHECK(ev->u.text.text == buf && strcmp(buf, orig) == 0);
		break;
	case MGMT_EV_END:
		CHECK(strcmp(orig, "END") == 0);
		break;
	case MGMT_EV_ENTER_PASSWORD:
		CHECK(strcmp(orig, PROMPT) == 0);
		break;
	case MGMT_EV_SUCCESS:
	case MGMT_EV_ERROR: {
		const char *p = ev->type == MGMT_EV_SUCCESS ? "SUCCESS:" : "ERROR:";
		check_field(ev->u.text.text, buf, n);
		CHECK(starts(orig, p));
		/* Only the prefix and one optional space are dropped. */
		CHECK(strcmp(orig + strlen(orig) - strlen(ev->u.text.text), ev->u.text.text) == 0);
		break;
	}
	case MGMT_EV_INFO:
	case MGMT_EV_FATAL:
	case MGMT_EV_INFOMSG: {
		const char *p = ev->type == MGMT_EV_INFO ? ">INFO:" :
		                ev->type == MGMT_EV_FATAL ? ">FATAL:" : ">INFOMSG:";
		const char *parts[] = {p, ev->u.text.text};
		check_field(ev->u.text.text, buf, n);
		CHECK(joined_equals(orig, parts, 2));
		break;
	}
	case MGMT_EV_HOLD: {
		char count[32];
		const char *parts[] = {">HOLD:", ev->u.hold.text, ":", count};
		check_field(ev->u.hold.text, buf, n);
		CHECK(ev->u.hold.count >= 0);
		snprintf(count, sizeof count, "%ld", ev->u.hold.count);
		/* A count with leading zeros does not print back the same: compare as numbers. */
		CHECK(starts(orig, ">HOLD:"));
		if (strchr(orig, ':') != NULL && strrchr(orig, ':')[1] != '0')
			CHECK(joined_equals(orig, parts, 4));
		break;
	}
	case MGMT_EV_PASSWORD_NEED: {
		const char *t = ev->u.password_need.type;
		check_field(t, buf, n);
		check_field(ev->u.password_need.challenge_raw, buf, n);
		if (ev->u.password_need.username_only) {
			const char *parts[] = {">PASSWORD:Need '", t, "' username"};
			CHECK(ev->u.password_need.need_username);
			CHECK(ev->u.password_need.challenge_raw[0] == '\0');
			CHECK(joined_equals(orig, parts, 3));
		} else if (!ev->u.password_need.need_username) {
			const char *parts[] = {">PASSWORD:Need '", t, "' password"};
			CHECK(ev->u.password_need.challenge_raw[0] == '\0');
			CHECK(joined_equals(orig, parts, 3));
		} else {
			const char *parts[] = {">PASSWORD:Need '", t, "' username/password"};
			const char *sc = ev->u.password_need.challenge_raw;
			if (!joined_equals(orig, parts, 3)) {
				/* The SC form: "flag,TEXT" is the tail of the line, after "SC:". */
				size_t lo = strlen(orig), ls = strlen(sc);
				CHECK(starts(orig, ">PASSWORD:Need '"));
				CHECK(strstr(orig, "' username/password SC:") != NULL);
				CHECK(ls > 0 && ls + 3 <= lo && strcmp(orig + lo - ls, sc) == 0 &&
				      strncmp(orig + lo - ls - 3, "SC:", 3) == 0);
				CHECK(strchr(sc, ',') != NULL);
			}
		}
		break;
	}
	case MGMT_EV_PASSWORD_FAILED: {
		const char *t = ev->u.password_failed.type, *crv = ev->u.password_failed.crv1;
		check_field(t, buf, n);
		check_field(crv, buf, n);
		if (crv[0] == '\0') {
			const char *parts[] = {">PASSWORD:Verification Failed: '", t, "'"};
			const char *parts2[] = {">PASSWORD:Verification Failed: '", t, "' ['", "']"};
			CHECK(joined_equals(orig, parts, 3) || joined_equals(orig, parts2, 4));
		} else {
			const char *parts[] = {">PASSWORD:Verification Failed: '", t, "' ['", crv, "']"};
			CHECK(joined_equals(orig, parts, 5));
		}
		break;
	}
	case MGMT_EV_NEED_OK:
	case MGMT_EV_NEED_STR: {
		const char *p = ev->type == MGMT_EV_NEED_OK ? ">NEED-OK:Need '" : ">NEED-STR:Need '";
		const char *w = ev->type == MGMT_EV_NEED_OK ? "' confirmation" : "' string";
		const char *parts[] = {p, ev->u.need.name, w, " MSG:", ev->u.need.msg};
		check_field(ev->u.need.name, buf, n);
		check_field(ev->u.need.msg, buf, n);
		CHECK(joined_equals(orig, parts, 5) || (ev->u.need.msg[0] == '\0' &&
		                                        joined_equals(orig, parts, 3)));
		break;
	}
	case MGMT_EV_PKCS11ID_COUNT:
		CHECK(starts(orig, ">PKCS11ID-COUNT:"));
		CHECK(ev->u.pkcs11id_count.count >= 0);
		break;
	case MGMT_EV_PKCS11ID_ENTRY: {
		const char *id = ev->u.pkcs11id_entry.id, *blob = ev->u.pkcs11id_entry.blob;
		check_field(id, buf, n);
		check_field(blob, buf, n);
		CHECK(starts(orig, ">PKCS11ID-ENTRY:'"));
		CHECK(ev->u.pkcs11id_entry.index >= 0);
		if (id[0] != '\0') {
			/* The id goes to OpenVPN inside a quoted argument: it must be what was sent. */
			CHECK(strstr(orig, id) != NULL);
			CHECK(strstr(orig, blob) != NULL);
		}
		break;
	}
	case MGMT_EV_STATE: {
		const char *f[] = {ev->u.state.name, ev->u.state.desc, ev->u.state.tun_ip,
		                   ev->u.state.remote_ip, ev->u.state.remote_port,
		                   ev->u.state.local_ip, ev->u.state.local_port,
		                   ev->u.state.tun_ipv6};
		const char *comma = strchr(orig, ',');
		const char *parts[15];
		int i, k, ok = 0;

		CHECK(starts(orig, ">STATE:") && comma != NULL);
		for (i = 0; i < 8; i++)
			check_field(f[i], buf, n);
		CHECK(f[0][0] != '\0');
		/*
		 * After the time's comma the line is the first k fields joined with commas, for some k
		 * (a 2.6 line has 7 or 8); the fields past k are "".
		 */
		for (k = 1; k <= 8 && !ok; k++) {
			int rest_empty = 1, m = 0;

			for (i = k; i < 8; i++)
				rest_empty &= f[i][0] == '\0';
			if (!rest_empty)
				continue;
			for (i = 0; i < k; i++) {
				if (i > 0)
					parts[m++] = ",";
				parts[m++] = f[i];
			}
			ok = joined_equals(comma + 1, parts, (size_t)m);
		}
		CHECK(ok);
		break;
	}
	case MGMT_EV_LOG: {
		char num[32];
		const char *parts[] = {">LOG:", num, ",", ev->u.log.flags, ",", ev->u.log.text};
		check_field(ev->u.log.flags, buf, n);
		check_field(ev->u.log.text, buf, n);
		CHECK(ev->u.log.time >= 0);
		snprintf(num, sizeof num, "%lld", ev->u.log.time);
		if (orig[5] != '0')
			CHECK(joined_equals(orig, parts, 6));
		break;
	}
	case MGMT_EV_BYTECOUNT:
		CHECK(starts(orig, ">BYTECOUNT:"));
		break;
	}
}

/* Parses one line from a private exact-size copy, so a read past its end is an ASan error. */
static void parse_and_check(const char *line, size_t len)
{
	size_t n = strlen(line); /* the parser sees the line up to its first NUL */
	char *orig = malloc(n + 1), *buf = malloc(n + 1);
	struct mgmt_event ev, ev2;

	(void)len;
	CHECK(orig != NULL && buf != NULL);
	memcpy(orig, line, n + 1);
	memcpy(buf, line, n + 1);
	mgmt_parse_line(buf, &ev);
	check_event(orig, buf, n, &ev);
	/* Same input, same answer. */
	memcpy(buf, orig, n + 1);
	mgmt_parse_line(buf, &ev2);
	CHECK(ev.type == ev2.type);
	free(orig);
	free(buf);
}

/* A small deterministic generator for the read sizes (xorshift64). */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mgmt_line_reader lr; /* 16 KB: not on the stack */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t i, pos = 0, model = 0; /* model: stream offset of the next line the reader owes */
	const char *stream;
	int mode;

	for (i = 0; i < 8 && i < size; i++)
		seed = seed * 131 + data[i] + 1;
	if (seed == 0)
		seed = 1;
	mode = size > 0 ? data[0] & 3 : 0;
	stream = (const char *)data + (size > 8 ? 8 : size);
	size -= (size_t)(stream - (const char *)data);

	mgmt_line_reader_init(&lr);
	while (pos < size) {
		/* Mostly small reads, sometimes as much as fits. */
		size_t want = (next_rand(&seed) % 4 == 0) ? size - pos : 1 + next_rand(&seed) % 64;
		size_t took;
		char *line;
		size_t len;
		enum mgmt_line_status st;

		if (want > size - pos)
			want = size - pos;
		if (mode == 0) {
			took = mgmt_line_reader_feed(&lr, stream + pos, want);
		} else {
			/* The path the connection uses: space + commit, with a fill that may be short. */
			size_t room;
			char *dst = mgmt_line_reader_space(&lr, &room);
			took = want < room ? want : room;
			memcpy(dst, stream + pos, took);
			mgmt_line_reader_commit(&lr, took);
		}
		pos += took;
		while ((st = mgmt_line_reader_next(&lr, &line, &len)) == MGMT_LINE_OK) {
			const char *nl = memchr(stream + model, '\n', pos - model);

			CHECK(line[len] == '\0');
			CHECK(memchr(line, '\n', len) == NULL);
			if (nl == NULL) {
				/* Only the bare management password prompt comes without a line end. */
				CHECK(len == PROMPT_LEN && memcmp(line, PROMPT, PROMPT_LEN) == 0);
				CHECK(pos - model == PROMPT_LEN);
				model += PROMPT_LEN;
			} else {
				size_t raw = (size_t)(nl - (stream + model));
				size_t want_len = raw > 0 && stream[model + raw - 1] == '\r' ? raw - 1 : raw;

				CHECK(len == want_len);
				CHECK(memcmp(line, stream + model, len) == 0);
				model += raw + 1;
			}
			parse_and_check(line, len);
		}
		if (st == MGMT_LINE_TOO_LONG) {
			/* Only when a whole buffer holds no line end; the caller then drops the peer. */
			CHECK(pos - model >= MGMT_LINE_MAX);
			CHECK(memchr(stream + model, '\n', MGMT_LINE_MAX) == NULL);
			return 0;
		}
		CHECK(st == MGMT_LINE_NONE);
		/* Nothing complete is left behind unread. */
		CHECK(memchr(stream + model, '\n', pos - model) == NULL);
		if (took == 0)
			break;
	}
	return 0;
}
