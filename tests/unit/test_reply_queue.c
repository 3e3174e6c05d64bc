/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mgmt/reply_queue.h"
#include "../lib/mgmt_probe.h"

static struct mgmt_reply_queue q;
static struct pending_command done;

/* Runs one wire line through the real parser, as the client will. */
static enum reply_match feed(const char *line)
{
	char buf[512];
	struct mgmt_event ev;

	snprintf(buf, sizeof buf, "%s", line);
	mgmt_parse_line(buf, &ev);
	done.kind = (enum reply_kind)-1;
	done.tag = -1;
	return mgmt_reply_queue_match(&q, &ev, &done);
}

static void assert_done(const char *line, enum reply_kind kind, int tag)
{
	assert_int_equal(feed(line), REPLY_DONE);
	assert_int_equal(done.kind, kind);
	assert_int_equal(done.tag, tag);
}

static int setup(void **state)
{
	(void)state;
	mgmt_reply_queue_init(&q);
	return 0;
}

static void test_status_fifo(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_empty(&q));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "hold", "release"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 2, "signal", "SIGUSR1"));
	assert_false(mgmt_reply_queue_empty(&q));
	assert_done("SUCCESS: hold release succeeded", REPLY_STATUS, 1);
	assert_done("ERROR: signal 'SIGUSR1' is currently ignored", REPLY_STATUS, 2);
	assert_true(mgmt_reply_queue_empty(&q));
}

static void test_notifications_between(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 7, "password", "Test Token token"));
	assert_int_equal(feed(">HOLD:Waiting for hold release:0"), REPLY_NOT_REPLY);
	assert_int_equal(feed(">PASSWORD:Need 'Test Token token' password"), REPLY_NOT_REPLY);
	assert_int_equal(feed(">STATE:1,WAIT,,,,,,"), REPLY_NOT_REPLY);
	assert_int_equal(feed(">FOO:bar"), REPLY_NOT_REPLY);
	assert_int_equal(feed(">PKCS11ID-COUNT:x"), REPLY_NOT_REPLY);
	assert_int_equal(feed("ENTER PASSWORD:"), REPLY_NOT_REPLY);
	assert_false(mgmt_reply_queue_empty(&q));
	assert_done("SUCCESS: 'Test Token token' password entered, but not yet verified", REPLY_STATUS, 7);
}

/* OpenVPN issues #1030/#1031: the PIN request can come before the count. */
static void test_password_before_count(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 10, NULL, NULL));
	assert_int_equal(feed(">PASSWORD:Need 'Test Token token' password"), REPLY_NOT_REPLY);
	/* Our answer to the PIN request is queued behind the count. */
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 11, "password", "Test Token token"));
	assert_done(">PKCS11ID-COUNT:1", REPLY_PKCS11ID_COUNT, 10);
	assert_done("SUCCESS: 'Test Token token' password entered, but not yet verified", REPLY_STATUS, 11);
	assert_true(mgmt_reply_queue_empty(&q));
}

static void test_entry_replies(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, 0, "pkcs11-id-get", "0"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, 1, "pkcs11-id-get", "1"));
	assert_int_equal(feed(">NEED-STR:Need 'pkcs11-id-request' string MSG:x"), REPLY_NOT_REPLY);
	assert_done(">PKCS11ID-ENTRY:'0', ID:'a/45', BLOB:'MIIC'", REPLY_PKCS11ID_ENTRY, 0);
	assert_done(">PKCS11ID-ENTRY:'1'", REPLY_PKCS11ID_ENTRY, 1);
	assert_true(mgmt_reply_queue_empty(&q));
	/* They name their index: another index is no answer; a later one drops the earlier get. */
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, 10, "pkcs11-id-get", "0"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, 11, "pkcs11-id-get", "1"));
	assert_int_equal(feed(">PKCS11ID-ENTRY:'7'"), REPLY_NOT_REPLY);
	assert_done(">PKCS11ID-ENTRY:'1', ID:'a/46', BLOB:'MIIC'", REPLY_PKCS11ID_ENTRY, 11);
	assert_true(mgmt_reply_queue_empty(&q));
	assert_int_equal(q.dropped, 1);
}

static void test_pkcs11_not_waited_for(void **state)
{
	(void)state;
	assert_int_equal(feed(">PKCS11ID-COUNT:1"), REPLY_NOT_REPLY);
	assert_int_equal(feed(">PKCS11ID-ENTRY:'0'"), REPLY_NOT_REPLY);
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 3, NULL, NULL));
	assert_int_equal(feed(">PKCS11ID-ENTRY:'0'"), REPLY_NOT_REPLY);
	assert_false(mgmt_reply_queue_empty(&q));
	mgmt_reply_queue_init(&q);
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 3, NULL, NULL));
	assert_int_equal(feed(">PKCS11ID-COUNT:1"), REPLY_NOT_REPLY);
	assert_done("SUCCESS: x", REPLY_STATUS, 3);
}

static void test_multiline_version(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_MULTILINE, 5, NULL, NULL));
	assert_int_equal(feed("OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu"), REPLY_PART);
	assert_int_equal(feed(">LOG:1,I,in between"), REPLY_NOT_REPLY);
	assert_int_equal(feed("Management Interface Version: 5"), REPLY_PART);
	assert_done("END", REPLY_MULTILINE, 5);
	assert_true(mgmt_reply_queue_empty(&q));
}

static void test_multiline_error(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_MULTILINE, 6, NULL, NULL));
	assert_done("ERROR: unknown command, enter 'help' for more options", REPLY_MULTILINE, 6);
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 8, NULL, NULL));
	assert_done("ERROR: command not allowed", REPLY_PKCS11ID_COUNT, 8);
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, 9, NULL, NULL));
	assert_done("ERROR: command not allowed", REPLY_PKCS11ID_ENTRY, 9);
}

static void test_unexpected(void **state)
{
	(void)state;
	assert_int_equal(feed("SUCCESS: x"), REPLY_UNEXPECTED);
	assert_int_equal(feed("ERROR: x"), REPLY_UNEXPECTED);
	assert_int_equal(feed("END"), REPLY_UNEXPECTED);
	assert_int_equal(feed("stray text"), REPLY_UNEXPECTED);

	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, NULL, NULL));
	assert_int_equal(feed("END"), REPLY_UNEXPECTED);
	assert_int_equal(feed("stray text"), REPLY_UNEXPECTED);
	/* Unexpected lines leave the waiting command in place. */
	assert_done("SUCCESS: ok", REPLY_STATUS, 1);

	assert_true(mgmt_reply_queue_push(&q, REPLY_MULTILINE, 2, NULL, NULL));
	assert_int_equal(feed("SUCCESS: x"), REPLY_UNEXPECTED);
	mgmt_reply_queue_init(&q);
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 3, NULL, NULL));
	assert_int_equal(feed("SUCCESS: x"), REPLY_UNEXPECTED);
	assert_int_equal(feed("END"), REPLY_UNEXPECTED);
	assert_int_equal(feed("text"), REPLY_UNEXPECTED);
	assert_false(mgmt_reply_queue_empty(&q));
}

static void test_full_and_wrap(void **state)
{
	int i, round;

	(void)state;
	for (round = 0; round < 3; round++) {
		for (i = 0; i < MGMT_REPLY_QUEUE_MAX; i++)
			assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, round * 100 + i, NULL, NULL));
		assert_false(mgmt_reply_queue_push(&q, REPLY_STATUS, -5, NULL, NULL));
		/* Pop half so the ring's head moves past the end on the next round. */
		for (i = 0; i < MGMT_REPLY_QUEUE_MAX / 2 + round; i++)
			assert_done("SUCCESS: x", REPLY_STATUS, round * 100 + i);
		while (!mgmt_reply_queue_empty(&q))
			assert_int_equal(feed("ERROR: x"), REPLY_DONE);
	}
}

static void test_null_done(void **state)
{
	struct mgmt_event ev;
	char line[] = "SUCCESS: x";

	(void)state;
	mgmt_parse_line(line, &ev);
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, NULL, NULL));
	assert_int_equal(mgmt_reply_queue_match(&q, &ev, NULL), REPLY_DONE);
	assert_true(mgmt_reply_queue_empty(&q));
}


/*
 * Issue 18.2: a `hold release` OpenVPN never ran (Windows) is sent again; the one answer goes
 * to the first, and the count that follows must not wait behind the second.
 */
static void test_lost_hold_release(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "state", "on"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 2, "log", "on"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 3, "hold", "release"));
	assert_done("SUCCESS: real-time state notification set to ON", REPLY_STATUS, 1);
	assert_done("SUCCESS: real-time log notification set to ON", REPLY_STATUS, 2);
	/* The release is lost; the resend: */
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 4, "hold", "release"));
	assert_done("SUCCESS: hold release succeeded", REPLY_STATUS, 3);
	assert_int_equal(feed(">NEED-STR:Need 'pkcs11-id-request' string MSG:x"), REPLY_NOT_REPLY);
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 5, "pkcs11-id-count", NULL));
	assert_done(">PKCS11ID-COUNT:1", REPLY_PKCS11ID_COUNT, 5);
	/* The second release can never be answered now: gone, and counted. */
	assert_true(mgmt_reply_queue_empty(&q));
	assert_int_equal(q.dropped, 1);
}

/* An answer naming a later command: the ones before it were lost and are dropped. */
static void test_answer_skips_lost_commands(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "needok", "token-insertion-request"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_COUNT, 2, "pkcs11-id-count", NULL));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 3, "password", "Test Token token"));
	assert_done("SUCCESS: 'Test Token token' password entered, but not yet verified",
	            REPLY_STATUS, 3);
	assert_true(mgmt_reply_queue_empty(&q));
	assert_int_equal(q.dropped, 2);
}

/* Texts that name the first argument: only a command with that argument matches. */
static void test_subjects(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "username", "Auth"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 2, "password", "Auth"));
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 3, "needstr", "pkcs11-id-request"));
	/* Not ours: another type. */
	assert_int_equal(feed("SUCCESS: 'Other' password entered, but not yet verified"),
	                 REPLY_UNEXPECTED);
	assert_done("SUCCESS: 'Auth' username entered, but not yet verified", REPLY_STATUS, 1);
	assert_done("SUCCESS: 'Auth' password entered, but not yet verified", REPLY_STATUS, 2);
	assert_done("SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified",
	            REPLY_STATUS, 3);
	/* A type with quotes and the words of the text in it, and one cut to fit. */
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 4, "password",
	                                  "a' password entered, b token"));
	assert_done("SUCCESS: 'a' password entered, b token' password entered, but not yet verified",
	            REPLY_STATUS, 4);
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 5, "password",
	                                  "0123456789012345678901234567890123456789012345678901234567"
	                                  "89xyz token"));
	assert_true(q.items[q.head].subject_cut);
	assert_done("SUCCESS: '012345678901234567890123456789012345678901234567890123456789xyz "
	            "token' password entered, but not yet verified", REPLY_STATUS, 5);
	assert_int_equal(q.dropped, 0);
}

/* A response to a challenge is a secret: the queue keeps nothing of it. */
static void test_no_secret_kept(void **state)
{
	(void)state;
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "cr-response", "NDI0MjQy"));
	assert_string_equal(q.items[q.head].subject, "");
	assert_done("SUCCESS: command succeeded", REPLY_STATUS, 1);
}

/* Each command we send, and OpenVPN's own answer to it (2.6.14 and 2.7.6). */
static void test_every_answer(void **state)
{
	static const struct {
		const char *verb, *arg, *answer;
	} cases[] = {
		{NULL, NULL, "SUCCESS: password is correct"},
		{"hold", "release", "SUCCESS: hold release succeeded"},
		{"state", "on", "SUCCESS: real-time state notification set to ON"},
		{"log", "on", "SUCCESS: real-time log notification set to ON"},
		{"signal", "SIGTERM", "SUCCESS: signal SIGTERM thrown"},
		{"version", "6", "SUCCESS: Management client version set to 6"},
		{"needok", "token-insertion-request",
		 "SUCCESS: 'token-insertion-request' needok-confirmation entered, but not yet verified"},
		{"certificate", NULL, "SUCCESS: certificate command succeeded"},
		{"pk-sig", NULL, "SUCCESS: pk-sign command succeeded"},
		{"cr-response", "eHl6", "SUCCESS: command succeeded"},
	};

	(void)state;
	/* All waiting at once, answered in reverse: each answer finds its own command. */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mgmt_reply_queue_init(&q);
		for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++)
			assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, (int)j, cases[j].verb,
			                                  cases[j].arg));
		assert_done(cases[i].answer, REPLY_STATUS, (int)i);
		assert_int_equal(q.dropped, i);
	}
}

/* A certificate listing as big as the session's limit fits with room to spare. */
static void test_room_for_a_listing(void **state)
{
	char index[16];

	(void)state;
	assert_true(MGMT_REPLY_QUEUE_MAX >= 32 + 16);
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 1, "needok", "x"));
	for (int i = 0; i < 32; i++) {
		snprintf(index, sizeof index, "%d", i);
		assert_true(mgmt_reply_queue_push(&q, REPLY_PKCS11ID_ENTRY, i, "pkcs11-id-get", index));
	}
	assert_true(mgmt_reply_queue_push(&q, REPLY_STATUS, 2, "password", "T token"));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_status_fifo),
		T(test_notifications_between),
		T(test_password_before_count),
		T(test_entry_replies),
		T(test_pkcs11_not_waited_for),
		T(test_multiline_version),
		T(test_multiline_error),
		T(test_unexpected),
		T(test_full_and_wrap),
		T(test_null_done),
		T(test_lost_hold_release),
		T(test_answer_skips_lost_commands),
		T(test_subjects),
		T(test_no_secret_kept),
		T(test_every_answer),
		T(test_room_for_a_listing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
