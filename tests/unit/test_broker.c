/* SPDX-License-Identifier: GPL-3.0-or-later */
/* serve's broker and its allow-list (served/broker.h, served/allow.h), without sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "served/allow.h"
#include "served/broker.h"

struct wire {
	char openvpn[4096], member[4096], refused[512], said[512];
};

static void put(char *buf, size_t sz, const char *text, size_t len)
{
	size_t n = strlen(buf);

	if (n + len < sz) {
		memcpy(buf + n, text, len);
		buf[n + len] = '\0';
	}
}

static void to_openvpn(void *ctx, const char *text, size_t len)
{
	struct wire *w = ctx;

	put(w->openvpn, sizeof w->openvpn, text, len);
}

static void to_member(void *ctx, const char *text, size_t len)
{
	struct wire *w = ctx;

	put(w->member, sizeof w->member, text, len);
}

static void refused(void *ctx, const char *verb, const char *why)
{
	struct wire *w = ctx;

	(void)why;
	put(w->refused, sizeof w->refused, verb, strlen(verb));
	put(w->refused, sizeof w->refused, ";", 1);
}

static void member_state(void *ctx, const char *const args[4])
{
	struct wire *w = ctx;

	for (int i = 0; i < 4; i++) {
		put(w->said, sizeof w->said, args[i], strlen(args[i]));
		put(w->said, sizeof w->said, "|", 1);
	}
}

static void clear(struct wire *w)
{
	memset(w, 0, sizeof *w);
}

/* A broker whose openvpn greeted it (version v) and holds. */
static void held_broker(struct broker *b, struct wire *w, int version)
{
	const struct broker_out out = {w, to_openvpn, to_member, refused, NULL, member_state};
	char greeting[128];

	clear(w);
	broker_init(b, &out);
	snprintf(greeting, sizeof greeting,
	         ">INFO:OpenVPN Management Interface Version %d -- type 'help' for more info", version);
	broker_openvpn_line(b, greeting);
	assert_false(broker_ready(b));
	broker_openvpn_line(b, ">HOLD:Waiting for hold release:0");
	assert_true(broker_ready(b));
}

static void say(struct broker *b, const char *line)
{
	assert_true(broker_member_line(b, line, strlen(line)));
}

static void test_allowed_commands(void **state)
{
	struct allow_verdict v;
	static const char *const ok[] = {
		"hold release", "hold", "hold on", "certificate", "pk-sig", "username Auth anna",
		"password \"Auth\" \"s3 cr\\\"et\"", "cr-response abc", "state on", "log on",
		"log off", "bytecount 5", "signal SIGHUP", "signal SIGUSR1", "forget-passwords",
		"version 3", "needok token-insertion-request ok", "  \"hold\"   release  ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		allow_judge(ok[i], strlen(ok[i]), 5, &v);
		if (!v.allowed)
			fail_msg("'%s' refused: %s", ok[i], v.why);
	}
	allow_judge(ok[17], strlen(ok[17]), 5, &v);
	assert_string_equal(v.line, "hold \"release\"\n");
	allow_judge(ok[6], strlen(ok[6]), 5, &v);
	assert_string_equal(v.line, "password \"Auth\" \"s3 cr\\\"et\"\n");
}

static void test_refused_commands(void **state)
{
	struct allow_verdict v;
	static const char *const no[] = {
		"signal SIGTERM", "signal SIGINT", "signal SIGUSR2", "hold off", "log all",
		"log on all", "log 100", "state", "state all", "state on all", "echo all", "echo on",
		"kill 1.2.3.4:1", "client-kill 1", "remote ACCEPT", "proxy HTTP h 8080", "exit",
		"quit", "status", "help", "pid", "version", "password \"Private Key\" x",
		"username \"HTTP Proxy\" x", "auth-retry none", "pkcs11-id-get 0", "env-filter 3",
		"bytecount x", "hold release # c", "hold;release", "hold\trelease\x01",
		"hold \"release", "load-stats", "net", "verb 9", "mute 1", "rsa-sig",
		"hold release extra",
	};

	(void)state;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		allow_judge(no[i], strlen(no[i]), 5, &v);
		if (v.allowed)
			fail_msg("'%s' allowed", no[i]);
		assert_non_null(v.why);
	}
	/* A NUL inside the line: judged as a whole, refused. */
	allow_judge("hold\0 off", 9, 5, &v);
	assert_false(v.allowed);
	/* An empty line is nothing. */
	allow_judge("   ", 3, 5, &v);
	assert_false(v.allowed);
	assert_null(v.why);
}

/* 2.6 never answers "version N"; 2.7 answers N > 3. */
static void test_version_replies(void **state)
{
	struct allow_verdict v;

	(void)state;
	allow_judge("version 4", 9, 5, &v);
	assert_int_equal(v.reply, ALLOW_REPLY_NONE);
	allow_judge("version 3", 9, 6, &v);
	assert_int_equal(v.reply, ALLOW_REPLY_NONE);
	allow_judge("version 4", 9, 6, &v);
	assert_int_equal(v.reply, ALLOW_REPLY_LINE);
}

/* Nothing before the member's own start; the greeting and the hold when it joins. */
static void test_join_sees_nothing_earlier(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_openvpn_line(&b, ">LOG:1700000000,,an earlier session");
	broker_openvpn_line(&b, ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,192.0.2.1,1194,,");
	assert_string_equal(w.member, "");
	broker_member_join(&b);
	assert_string_equal(w.member, ">INFO:OpenVPN Management Interface Version 5 -- type 'help' "
	                              "for more info\n>HOLD:Waiting for hold release:0\n");
	assert_false(broker_ready(&b));
}

/* A refusal comes in its turn among the replies; the journal gets the verb, never arguments. */
static void test_refusal_in_order(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	w.member[0] = '\0';
	say(&b, "state on");
	say(&b, "password \"Private Key\" secret");
	assert_string_equal(w.openvpn, "state \"on\"\n");
	assert_string_equal(w.member, "");
	assert_string_equal(w.refused, "password;");
	assert_null(strstr(w.refused, "secret"));
	broker_openvpn_line(&b, "SUCCESS: real-time state notification set to ON");
	assert_non_null(strstr(w.member, "SUCCESS: real-time state notification set to ON\n"
	                                 "ERROR: 'password' refused:"));
	/* Nothing awaited: at once. */
	w.member[0] = '\0';
	say(&b, "signal SIGTERM");
	assert_true(strncmp(w.member, "ERROR: 'signal' refused:", 24) == 0);
}

/* The leaving member: openvpn forgets the login and restarts into its hold. */
static void test_leave_returns_to_hold(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	say(&b, "hold release");
	broker_openvpn_line(&b, "SUCCESS: hold release succeeded");
	broker_openvpn_line(&b, ">NEED-CERTIFICATE:macosx-keychain:");
	say(&b, "certificate");
	say(&b, "MIIB");
	say(&b, "END");
	broker_openvpn_line(&b, "SUCCESS: certificate set");
	broker_openvpn_line(&b, ">PK_SIGN:AAAA,ECDSA");
	w.openvpn[0] = '\0';
	broker_member_leave(&b);
	assert_string_equal(w.openvpn, "forget-passwords\nsignal SIGHUP\n");
	/* Their replies are not for anyone. */
	w.member[0] = '\0';
	broker_openvpn_line(&b, "SUCCESS: forget-passwords");
	broker_openvpn_line(&b, "SUCCESS: signal SIGHUP thrown");
	broker_openvpn_line(&b, ">HOLD:Waiting for hold release:0");
	assert_string_equal(w.member, "");
	assert_true(broker_ready(&b));
	/* Left while still held: no restart needed. */
	broker_member_join(&b);
	w.openvpn[0] = '\0';
	broker_member_leave(&b);
	assert_string_equal(w.openvpn, "forget-passwords\n");
}

/*
 * Left at the certificate request, mid-block: nothing of the block reaches openvpn, which is not
 * signalled (a request ended without a certificate is fatal to it); the next member is asked.
 */
static void test_leave_at_certificate_request(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	say(&b, "hold release");
	broker_openvpn_line(&b, "SUCCESS: hold release succeeded");
	broker_openvpn_line(&b, ">NEED-CERTIFICATE:macosx-keychain:");
	say(&b, "certificate");
	say(&b, "MIIB");
	w.openvpn[0] = '\0';
	broker_member_leave(&b);
	assert_string_equal(w.openvpn, "forget-passwords\n");
	broker_openvpn_line(&b, "SUCCESS: forget-passwords");
	assert_int_equal(b.npending, 0);
	assert_true(broker_ready(&b));
	w.member[0] = '\0';
	broker_member_join(&b);
	assert_non_null(strstr(w.member, "\n>NEED-CERTIFICATE:macosx-keychain:\n"));
	assert_null(strstr(w.member, ">HOLD"));
}

/* The member's own state is serve's to keep: nothing of it reaches openvpn, nothing is replied. */
static void test_member_state_is_local(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	w.member[0] = '\0';
	say(&b, "ovpn-token-state \"TOKEN_REMOVED\" \"2031-05-06T07:12:03Z\" \"\" \"\"");
	assert_string_equal(w.said, "TOKEN_REMOVED|2031-05-06T07:12:03Z|||");
	assert_string_equal(w.openvpn, "");
	assert_string_equal(w.member, "");
	assert_int_equal(b.npending, 0);
	/* Not with other arguments. */
	say(&b, "ovpn-token-state x");
	assert_string_equal(w.refused, "ovpn-token-state;");
}

/* A block's lines are PEM or base64; anything else cuts the member off. */
static void test_block_lines(void **state)
{
	struct broker b;
	struct wire w;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	say(&b, "pk-sig");
	say(&b, "AAAA+/==");
	/* Nothing until END: then the whole block. */
	assert_string_equal(w.openvpn, "");
	say(&b, "END");
	assert_string_equal(w.openvpn, "pk-sig\nAAAA+/==\nEND\n");
	say(&b, "pk-sig");
	assert_false(broker_member_line(&b, "AA\x01", 3));
}

/* A member that sends without reading is cut off before serve's memory grows. */
static void test_too_many_unanswered(void **state)
{
	struct broker b;
	struct wire w;
	int i;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	for (i = 0; i < BROKER_PENDING_MAX - 2; i++)
		say(&b, "state on");
	assert_false(broker_member_line(&b, "state on", 8));
}

/*
 * A member cut off with a full queue leaves: the forget-passwords and SIGHUP that return
 * openvpn to its hold still fit (fuzz_broker found the overflow), and nobody joins until
 * openvpn has answered.
 */
static void test_leave_with_a_full_queue(void **state)
{
	struct broker b;
	struct wire w;
	int i;

	(void)state;
	held_broker(&b, &w, 5);
	broker_member_join(&b);
	for (i = 0; i < BROKER_PENDING_MAX - 2; i++)
		say(&b, "state on");
	assert_false(broker_member_line(&b, "state on", 8));
	broker_member_leave(&b);
	assert_true(b.npending <= BROKER_PENDING_MAX);
	assert_false(broker_ready(&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_commands),
		cmocka_unit_test(test_refused_commands),
		cmocka_unit_test(test_version_replies),
		cmocka_unit_test(test_join_sees_nothing_earlier),
		cmocka_unit_test(test_refusal_in_order),
		cmocka_unit_test(test_leave_returns_to_hold),
		cmocka_unit_test(test_leave_at_certificate_request),
		cmocka_unit_test(test_member_state_is_local),
		cmocka_unit_test(test_block_lines),
		cmocka_unit_test(test_too_many_unanswered),
		cmocka_unit_test(test_leave_with_a_full_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
