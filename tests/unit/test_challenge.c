/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two-factor challenges: the forms seen on the wire (doc/protocol.md), hostile variants, answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/base64.h"
#include "mgmt/challenge.h"
#include "ui/sanitize.h"

static void test_base64_round_trip(void **state)
{
	char enc[64];
	unsigned char dec[64];
	size_t n;
	static const char *const vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "alice", "YWxpY2U=" }, { "s3cret pass", "czNjcmV0IHBhc3M=" },
		{ "424242", "NDI0MjQy" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		assert_int_equal(b64_encode((const unsigned char *)vec[i][0], strlen(vec[i][0]), enc,
		                            sizeof enc), (int)strlen(vec[i][1]));
		assert_string_equal(enc, vec[i][1]);
		assert_int_equal(b64_decode(vec[i][1], strlen(vec[i][1]), dec, sizeof dec, &n), 0);
		assert_int_equal(n, strlen(vec[i][0]));
		assert_memory_equal(dec, vec[i][0], n);
	}
}

static void test_base64_refuses(void **state)
{
	unsigned char dec[16];
	char enc[8];
	size_t n = 99;

	(void)state;
	assert_int_equal(b64_decode("Zg=", 3, dec, sizeof dec, &n), -1);
	assert_int_equal(n, 0);
	assert_int_equal(b64_decode("Z g=", 4, dec, sizeof dec, &n), -1);
	assert_int_equal(b64_decode("Z=g=", 4, dec, sizeof dec, &n), -1);
	assert_int_equal(b64_decode("Zm9v\n", 5, dec, sizeof dec, &n), -1);
	assert_int_equal(b64_decode("Zm9vZm9vZm9vZm9vZm9vZm9v", 24, dec, sizeof dec, &n), -1); /* 18 bytes */
	assert_int_equal(b64_decode("Zm9vZm9vZm9vZm9v", 16, dec, 12, &n), -1);  /* no room for NUL */
	/* out too small: wiped, -1 */
	assert_int_equal(b64_encode((const unsigned char *)"foo", 3, enc, 4), -1);
	assert_string_equal(enc, "");
	assert_int_equal(b64_encode((const unsigned char *)"foo", 3, enc, 5), 4);
}

static void test_static_wire_forms(void **state)
{
	struct challenge_static sc;

	(void)state;
	/* 2.6.14: static-challenge "Enter OTP" 1 / 0; 2.7.6: ... 1 concat -> SC:3 */
	assert_int_equal(challenge_parse_static("1,Enter OTP", &sc), CHALLENGE_OK);
	assert_true(sc.echo);
	assert_false(sc.concat);
	assert_string_equal(sc.text, "Enter OTP");
	assert_int_equal(challenge_parse_static("0,Enter OTP", &sc), CHALLENGE_OK);
	assert_false(sc.echo);
	assert_int_equal(challenge_parse_static("3,Enter OTP", &sc), CHALLENGE_OK);
	assert_true(sc.echo);
	assert_true(sc.concat);
	assert_int_equal(challenge_parse_static("2,a,b:c", &sc), CHALLENGE_OK);
	assert_false(sc.echo);
	assert_true(sc.concat);
	assert_string_equal(sc.text, "a,b:c");
	assert_int_equal(challenge_parse_static("1,", &sc), CHALLENGE_OK);
	assert_string_equal(sc.text, "");
	assert_int_equal(challenge_parse_static("", &sc), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_static("x,t", &sc), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_static("1t", &sc), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_static("-1,t", &sc), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_static("99999999999999999999,t", &sc), CHALLENGE_MALFORMED);
}

/*
 * Texts are kept as the server sent them: the one sanitizer (ui/sanitize.h) makes them safe on
 * their way to the terminal, which is where a challenge could move the cursor or fake a prompt.
 */
static void test_text_kept_and_shown_safely(void **state)
{
	static const char hostile[] = "a\033[2Jb\tc\x7f" "d\xc2\x9b" "e\xc3\xa9\xe2\x80\xae";
	struct challenge_static sc;
	struct challenge_crv1 cr;
	char sc_text[64], shown[128], big[4000];

	(void)state;
	snprintf(sc_text, sizeof sc_text, "1,%s", hostile);
	assert_int_equal(challenge_parse_static(sc_text, &sc), CHALLENGE_OK);
	assert_string_equal(sc.text, hostile);
	assert_false(sc.cut);
	/* ... and what the prompts and out_* make of it: no ESC, TAB, DEL, C1 CSI or bidi override. */
	sanitize_str(shown, sizeof shown, sc.text);
	assert_string_equal(shown, "a?[2Jb?c?d?e\xc3\xa9?");
	assert_int_equal(challenge_parse_crv1("CRV1:R,E:st:dXNlcg==:Code\033]0;pwned\a:", &cr),
	                 CHALLENGE_OK);
	assert_string_equal(cr.text, "Code\033]0;pwned\a:");
	sanitize_str(shown, sizeof shown, cr.text);
	assert_string_equal(shown, "Code?]0;pwned?:");
	/* long text: cut, never a broken UTF-8 character */
	memset(big, 'a', sizeof big);
	memcpy(big, "1,", 2);
	for (size_t i = 2; i + 1 < sizeof big; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[sizeof big - 1] = '\0';
	assert_int_equal(challenge_parse_static(big, &sc), CHALLENGE_OK);
	assert_true(sc.cut);
	assert_true(strlen(sc.text) < CHALLENGE_TEXT_MAX);
	assert_int_equal(strlen(sc.text) % 2, 0);
	/* an invalid byte sequence is kept too (the sanitizer shows it as '?') */
	assert_int_equal(challenge_parse_static("1,\x80x\xc3", &sc), CHALLENGE_OK);
	assert_string_equal(sc.text, "\x80x\xc3");
}

static void test_crv1_wire_form(void **state)
{
	struct challenge_crv1 c;

	(void)state;
	/* as 2.6.14 and 2.7.6 pass it on from `client-deny ... "CRV1:R,E:..."` */
	assert_int_equal(challenge_parse_crv1(
		"CRV1:R,E:st4te-1d:YWxpY2U=:Enter the code from your phone:", &c), CHALLENGE_OK);
	assert_true(c.echo);
	assert_true(c.response_required);
	assert_string_equal(c.state_id, "st4te-1d");
	assert_string_equal(c.username, "alice");
	assert_string_equal(c.text, "Enter the code from your phone:");
	/* management-notes' example */
	assert_int_equal(challenge_parse_crv1(
		"CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN", &c),
		CHALLENGE_OK);
	assert_string_equal(c.username, "cr1");
	assert_int_equal(challenge_parse_crv1("CRV1::s:YQ==:a:b::c", &c), CHALLENGE_OK);
	assert_false(c.echo);
	assert_false(c.response_required);
	assert_string_equal(c.text, "a:b::c");
	assert_int_equal(challenge_parse_crv1("CRV1:R:s::text", &c), CHALLENGE_OK); /* empty user */
	assert_string_equal(c.username, "");
	assert_int_equal(challenge_parse_crv1("CRV1:E,X,RR:s:YQ==:t", &c), CHALLENGE_OK);
	assert_true(c.echo);
	assert_false(c.response_required);
}

static void test_crv1_hostile(void **state)
{
	struct challenge_crv1 c;
	char big[700];

	(void)state;
	assert_int_equal(challenge_parse_crv1("CRV1:R,E:st", &c), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_crv1("CRV1:R,E:st:YQ==", &c), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_crv1("crv1:R:s:YQ==:t", &c), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_crv1("CRV1:R::YQ==:t", &c), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_crv1("CRV1:R:s:YQ=:t", &c), CHALLENGE_MALFORMED);
	/* username "a\nb" and "a\0b": never sent back */
	assert_int_equal(challenge_parse_crv1("CRV1:R:s:YQpi:t", &c), CHALLENGE_BAD_BYTE);
	assert_string_equal(c.username, "");
	assert_int_equal(challenge_parse_crv1("CRV1:R:s:YQBi:t", &c), CHALLENGE_BAD_BYTE);
	assert_int_equal(challenge_parse_crv1("CRV1:R:s\tx:YQ==:t", &c), CHALLENGE_BAD_BYTE);
	/* a state id that cannot be sent back whole is refused, not cut */
	memset(big, 's', sizeof big);
	memcpy(big, "CRV1:R:", 7);
	memcpy(big + sizeof big - 8, ":YQ==:t", 8);
	assert_int_equal(challenge_parse_crv1(big, &c), CHALLENGE_TOO_LONG);
	assert_string_equal(c.state_id, "");
	/* a username over the limit */
	memset(big, 'Q', sizeof big);
	memcpy(big, "CRV1:R:s:", 9);
	memcpy(big + 9 + 400, ":t", 3);
	assert_int_equal(challenge_parse_crv1(big, &c), CHALLENGE_TOO_LONG);
}

static void test_cr_text_and_web(void **state)
{
	struct challenge_cr_text t;
	struct challenge_web w;

	(void)state;
	assert_int_equal(challenge_parse_cr_text("CR_TEXT:R,E:Your OTP code:", &t), CHALLENGE_OK);
	assert_true(t.echo);
	assert_true(t.response_required);
	assert_string_equal(t.text, "Your OTP code:");
	assert_int_equal(challenge_parse_cr_text("CR_TEXT::Push sent\033]0;x", &t), CHALLENGE_OK);
	assert_false(t.echo);
	assert_string_equal(t.text, "Push sent\033]0;x");
	assert_int_equal(challenge_parse_cr_text("CR_TEXT:R", &t), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_cr_text("WEB_AUTH::x", &t), CHALLENGE_MALFORMED);

	assert_int_equal(challenge_parse_web("WEB_AUTH::https://sso.example.test/login?session=abc:123",
	                                     &w), CHALLENGE_OK);
	assert_false(w.open_url);
	assert_string_equal(w.flags, "");
	assert_string_equal(w.url, "https://sso.example.test/login?session=abc:123");
	assert_true(challenge_url_openable(w.url));
	assert_int_equal(challenge_parse_web("WEB_AUTH:proxy,hidden:https://a.test/", &w), CHALLENGE_OK);
	assert_string_equal(w.flags, "proxy,hidden");
	assert_int_equal(challenge_parse_web("OPEN_URL:https://sso.example.test/x:1", &w), CHALLENGE_OK);
	assert_true(w.open_url);
	assert_string_equal(w.url, "https://sso.example.test/x:1");
	assert_int_equal(challenge_parse_web("OPEN_URL:", &w), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_web("WEB_AUTH:https", &w), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_parse_web("CR_TEXT:R:x", &w), CHALLENGE_MALFORMED);

	assert_false(challenge_url_openable("file:///etc/passwd"));
	assert_false(challenge_url_openable("-https://x"));
	assert_false(challenge_url_openable("https://a b"));
	assert_false(challenge_url_openable("https://a\"b"));
	assert_false(challenge_url_openable("https://a?b\x01"));
	assert_false(challenge_url_openable("javascript:alert(1)"));
	assert_true(challenge_url_openable("http://127.0.0.1:8080/x?y=z&w=%20"));
}

static void test_web_url_too_long(void **state)
{
	static char big[CHALLENGE_URL_MAX + 40];
	struct challenge_web w;

	(void)state;
	memset(big, 'a', sizeof big - 1);
	memcpy(big, "OPEN_URL:https://", 17);
	assert_int_equal(challenge_parse_web(big, &w), CHALLENGE_TOO_LONG);
	assert_string_equal(w.url, "");
}

static void test_pending_timeout(void **state)
{
	(void)state;
	assert_int_equal(challenge_pending_timeout("timeout 60"), 60);  /* 2.6.14 and 2.7.6 */
	assert_int_equal(challenge_pending_timeout("timeout 0"), 0);
	assert_int_equal(challenge_pending_timeout(""), -1);
	assert_int_equal(challenge_pending_timeout("timeout "), -1);
	assert_int_equal(challenge_pending_timeout("timeout 6x"), -1);
	assert_int_equal(challenge_pending_timeout("timeout 99999999999999"), -1);
}

static void test_answers(void **state)
{
	char out[256];

	(void)state;
	/* exactly what 2.6.14's server got in the test bed */
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, "s3cret pass", 11, "424242", 6),
	                 CHALLENGE_OK);
	assert_string_equal(out, "SCRV1:czNjcmV0IHBhc3M=:NDI0MjQy");
	assert_int_equal(challenge_answer_concat(out, sizeof out, "s3cret pass", 11, "424242", 6),
	                 CHALLENGE_OK);
	assert_string_equal(out, "s3cret pass424242");
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "st4te-1d", "424242", 6), CHALLENGE_OK);
	assert_string_equal(out, "CRV1::st4te-1d::424242");
	assert_int_equal(challenge_answer_cr_response(out, sizeof out, "424242", 6), CHALLENGE_OK);
	assert_string_equal(out, "NDI0MjQy");
	/* empty response: still a well-formed answer */
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, "p", 1, "", 0), CHALLENGE_OK);
	assert_string_equal(out, "SCRV1:cA==:");
	/* responses with quotes, backslash, '#' go through as they are (command.c quotes them) */
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "s", "a\"b\\#", 5), CHALLENGE_OK);
	assert_string_equal(out, "CRV1::s::a\"b\\#");
}

static void test_answers_refused(void **state)
{
	char out[256], big[300];

	(void)state;
	memset(big, 'x', sizeof big);
	/* over one management parameter (255 bytes): refused and wiped */
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, big, 190, "1", 1), CHALLENGE_TOO_LONG);
	assert_int_equal(out[0], 0);
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, big, 90, big, 99), CHALLENGE_TOO_LONG);
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, big, 90, big, 92), CHALLENGE_OK);
	assert_int_equal(strlen(out), 6 + 120 + 1 + 124);
	assert_int_equal(challenge_answer_concat(out, sizeof out, big, 200, big, 56), CHALLENGE_TOO_LONG);
	assert_int_equal(challenge_answer_concat(out, sizeof out, big, 200, big, 55), CHALLENGE_OK);
	assert_int_equal(strlen(out), 255);
	assert_int_equal(challenge_answer_concat(out, 10, "abcd", 4, "efghi", 5), CHALLENGE_OK);
	assert_int_equal(challenge_answer_concat(out, 10, "abcd", 4, "efghij", 6), CHALLENGE_TOO_LONG);
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "s", big, 246), CHALLENGE_OK);
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "s", big, 247), CHALLENGE_TOO_LONG);
	assert_int_equal(challenge_answer_cr_response(out, sizeof out, big, 189), CHALLENGE_OK);
	assert_int_equal(challenge_answer_cr_response(out, sizeof out, big, 192), CHALLENGE_TOO_LONG);
	/* a line break in a raw answer could end the command: refused */
	assert_int_equal(challenge_answer_concat(out, sizeof out, "pw", 2, "1\n2", 3), CHALLENGE_BAD_BYTE);
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "s", "1\r", 2), CHALLENGE_BAD_BYTE);
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "a:b", "1", 1), CHALLENGE_MALFORMED);
	assert_int_equal(challenge_answer_crv1(out, sizeof out, "", "1", 1), CHALLENGE_MALFORMED);
	/* base64 carries anything: a newline in a password is fine in SCRV1 */
	assert_int_equal(challenge_answer_scrv1(out, sizeof out, "a\nb", 3, "1", 1), CHALLENGE_OK);
	assert_string_equal(out, "SCRV1:YQpi:MQ==");
	assert_string_equal(challenge_status_text(CHALLENGE_TOO_LONG), "too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_base64_refuses),
		cmocka_unit_test(test_static_wire_forms),
		cmocka_unit_test(test_text_kept_and_shown_safely),
		cmocka_unit_test(test_crv1_wire_form),
		cmocka_unit_test(test_crv1_hostile),
		cmocka_unit_test(test_cr_text_and_web),
		cmocka_unit_test(test_web_url_too_long),
		cmocka_unit_test(test_pending_timeout),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_answers_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
