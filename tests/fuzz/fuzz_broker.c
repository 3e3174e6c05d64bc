/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: serve's broker reading what a member sends (served/broker.h, allow.h), the
 * untrusted input of a root process.
 *
 * The input is lines: one starting with \x01 is openvpn's (the rest of it), \x02 makes the member
 * leave and, after openvpn's hold, a member join again; every other line is the member's, as
 * it is (NULs, control bytes, quotes).  Checked on every step: what goes to openvpn is whole
 * lines without a control byte; outside a certificate/pk-sig block each one's first word is on
 * the allow-list and sent on (serve's own ovpn-token-state never is) (or serve's own forget-passwords/signal SIGHUP when a member left), and a
 * "signal" is never anything but SIGHUP or SIGUSR1, a "hold" never "off"; what goes to the
 * member is whole lines; the broker never awaits more than BROKER_PENDING_MAX replies.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "served/allow.h"
#include "served/broker.h"

#include "fuzz_common.h"

struct wire {
	char line[2 * 1024 + 64]; /* what openvpn got of the line being written */
	size_t len;
	bool in_block;
	bool member_line_open;
};

static const char *const allowed[] = {
	"hold", "certificate", "pk-sig", "username", "password", "cr-response", "needok",
	"needstr", "state", "log", "bytecount", "signal", "forget-passwords", "version",
};

static bool verb_allowed(const char *line)
{
	size_t n = strcspn(line, " \n");

	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		if (strlen(allowed[i]) == n && strncmp(line, allowed[i], n) == 0)
			return true;
	}
	return false;
}

/* One whole line openvpn got ("\n" included). */
static void openvpn_line(struct wire *w)
{
	const char *l = w->line;

	for (size_t i = 0; i + 1 < w->len; i++)
		CHECK((unsigned char)l[i] >= 0x20 && (unsigned char)l[i] != 0x7f);
	if (w->in_block) {
		if (strcmp(l, "END\n") == 0)
			w->in_block = false;
		return;
	}
	CHECK(verb_allowed(l));
	if (strncmp(l, "signal ", 7) == 0)
		CHECK(strcmp(l, "signal \"SIGHUP\"\n") == 0 || strcmp(l, "signal \"SIGUSR1\"\n") == 0 ||
		      strcmp(l, "signal SIGHUP\n") == 0);
	CHECK(strncmp(l, "hold \"off\"", 10) != 0);
	if (strcmp(l, "certificate\n") == 0 || strcmp(l, "pk-sig\n") == 0)
		w->in_block = true;
}

static void to_openvpn(void *ctx, const char *text, size_t len)
{
	struct wire *w = ctx;

	for (size_t i = 0; i < len; i++) {
		CHECK(w->len + 1 < sizeof w->line);
		w->line[w->len++] = text[i];
		if (text[i] == '\n') {
			w->line[w->len] = '\0';
			openvpn_line(w);
			w->len = 0;
		}
	}
}

static void to_member(void *ctx, const char *text, size_t len)
{
	struct wire *w = ctx;

	CHECK(len > 0);
	w->member_line_open = text[len - 1] != '\n';
}

static void refused(void *ctx, const char *verb, const char *why)
{
	(void)ctx;
	CHECK(why != NULL && why[0] != '\0');
	CHECK(strlen(verb) < 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct broker b;
	struct wire w = {.len = 0};
	const struct broker_out out = {&w, to_openvpn, to_member, refused, NULL, NULL};
	const char *p = (const char *)data, *end = p + size;
	char line[2048];

	broker_init(&b, &out);
	broker_openvpn_line(&b, ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for "
	                        "more info");
	broker_openvpn_line(&b, ">HOLD:Waiting for hold release:0");
	CHECK(broker_ready(&b));
	broker_member_join(&b);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl != NULL ? nl + 1 : end;
		if (n > 0 && line[0] == '\x01') {
			broker_openvpn_line(&b, line + 1);
		} else if (n > 0 && line[0] == '\x02') {
			broker_member_leave(&b);
			CHECK(!b.in_block);
			broker_openvpn_line(&b, ">HOLD:Waiting for hold release:0");
			if (broker_ready(&b))
				broker_member_join(&b);
		} else if (b.member && !broker_member_line(&b, line, n)) {
			broker_member_leave(&b);
		}
		CHECK(b.npending <= BROKER_PENDING_MAX);
		CHECK(!w.member_line_open);
	}
	broker_member_leave(&b);
	CHECK(w.len == 0);
	return 0;
}
