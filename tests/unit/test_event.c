/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mgmt/event.h"
#include "../lib/mgmt_probe.h"

static char buf[8192];
static struct mgmt_event ev;

/* Parses a copy: the parser writes into the line. */
static enum mgmt_event_type parse(const char *line)
{
	snprintf(buf, sizeof buf, "%s", line);
	mgmt_parse_line(buf, &ev);
	return ev.type;
}

static void expect_malformed(const char *line)
{
	assert_int_equal(parse(line), MGMT_EV_MALFORMED);
	/* The raw line comes back whole, every cut undone. */
	assert_string_equal(ev.u.text.text, line);
}

static void test_info(void **state)
{
	(void)state;
	assert_int_equal(parse(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info"),
	                 MGMT_EV_INFO);
	assert_string_equal(ev.u.text.text,
	                    "OpenVPN Management Interface Version 5 -- type 'help' for more info");
	assert_int_equal(parse(">INFO:"), MGMT_EV_INFO);
	assert_string_equal(ev.u.text.text, "");
}

static void test_hold(void **state)
{
	(void)state;
	assert_int_equal(parse(">HOLD:Waiting for hold release:0"), MGMT_EV_HOLD);
	assert_string_equal(ev.u.hold.text, "Waiting for hold release");
	assert_int_equal(ev.u.hold.count, 0);
	assert_int_equal(parse(">HOLD:a:b:17"), MGMT_EV_HOLD);
	assert_string_equal(ev.u.hold.text, "a:b");
	assert_int_equal(ev.u.hold.count, 17);
	expect_malformed(">HOLD:Waiting for hold release");
	expect_malformed(">HOLD:Waiting:x");
	expect_malformed(">HOLD:Waiting:-1");
	expect_malformed(">HOLD:Waiting:");
	expect_malformed(">HOLD:Waiting:99999999999999999999999");
}

static void test_password_need_token(void **state)
{
	(void)state;
	assert_int_equal(parse(">PASSWORD:Need 'Test Token token' password"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Test Token token");
	assert_false(ev.u.password_need.need_username);
	assert_string_equal(ev.u.password_need.challenge_raw, "");

	assert_int_equal(parse(">PASSWORD:Need 'Private Key' password"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Private Key");
	assert_false(ev.u.password_need.need_username);
}

static void test_password_need_odd_type(void **state)
{
	(void)state;
	/* A token label can hold quotes, backslashes and even the words that follow it. */
	assert_int_equal(parse(">PASSWORD:Need 'it's a 'x' password \\ token' password"),
	                 MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "it's a 'x' password \\ token");
	assert_false(ev.u.password_need.need_username);
	assert_int_equal(parse(">PASSWORD:Need '' password"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "");
}

static void test_password_need_auth(void **state)
{
	(void)state;
	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Auth");
	assert_true(ev.u.password_need.need_username);
	assert_string_equal(ev.u.password_need.challenge_raw, "");

	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password SC:1,Please enter token PIN"),
	                 MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Auth");
	assert_true(ev.u.password_need.need_username);
	assert_string_equal(ev.u.password_need.challenge_raw, "1,Please enter token PIN");

	/* Challenge text that looks like the end of another form must not confuse the type. */
	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password SC:0,Enter the 'x' password"),
	                 MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Auth");
	assert_string_equal(ev.u.password_need.challenge_raw, "0,Enter the 'x' password");

	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password SC:0,"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.challenge_raw, "0,");
}

/* 2.7's `static-challenge TEXT 1 concat`: SC:3; the flag stays whole, with the text. */
static void test_password_need_sc_flags(void **state)
{
	(void)state;
	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password SC:3,Enter OTP, please"),
	                 MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.challenge_raw, "3,Enter OTP, please");
	assert_false(ev.u.password_need.username_only);

	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password SC:2,x"),
	                 MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.challenge_raw, "2,x");
}

/* 2.7's `auth-user-pass username-only`. */
static void test_password_need_username_only(void **state)
{
	(void)state;
	assert_int_equal(parse(">PASSWORD:Need 'Auth' username"), MGMT_EV_PASSWORD_NEED);
	assert_string_equal(ev.u.password_need.type, "Auth");
	assert_true(ev.u.password_need.need_username);
	assert_true(ev.u.password_need.username_only);
	assert_string_equal(ev.u.password_need.challenge_raw, "");
	assert_int_equal(parse(">PASSWORD:Need 'Auth' username/password"), MGMT_EV_PASSWORD_NEED);
	assert_false(ev.u.password_need.username_only);
}

static void test_password_failed(void **state)
{
	(void)state;
	assert_int_equal(parse(">PASSWORD:Verification Failed: 'Auth'"), MGMT_EV_PASSWORD_FAILED);
	assert_string_equal(ev.u.password_failed.type, "Auth");
	assert_string_equal(ev.u.password_failed.crv1, "");

	assert_int_equal(parse(">PASSWORD:Verification Failed: 'Auth' "
	                       "['CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN']"),
	                 MGMT_EV_PASSWORD_FAILED);
	assert_string_equal(ev.u.password_failed.type, "Auth");
	assert_string_equal(ev.u.password_failed.crv1,
	                    "CRV1:R,E:Om01u7Fh4LrGBS7uh0SWmzwabUiGiW6l:Y3Ix:Please enter token PIN");
}

static void test_password_malformed(void **state)
{
	(void)state;
	expect_malformed(">PASSWORD:Need 'Auth' something");
	expect_malformed(">PASSWORD:Need Auth password");
	expect_malformed(">PASSWORD:Need 'Auth' username/password SC:x,text");
	expect_malformed(">PASSWORD:Need 'Auth' username/password SC:1");
	expect_malformed(">PASSWORD:Verification Failed: 'Auth");
	/* Found by fuzzing: the "']" must not share its quote with the opening "' ['". */
	expect_malformed(">PASSWORD:Verification Failed: 'Auth' [']");
	expect_malformed(">PASSWORD:Auth-Token:abc");
	expect_malformed(">PASSWORD:");
}

static void test_need_ok(void **state)
{
	(void)state;
	assert_int_equal(parse(">NEED-OK:Need 'token-insertion-request' confirmation "
	                       "MSG:Please insert Test Token token"),
	                 MGMT_EV_NEED_OK);
	assert_string_equal(ev.u.need.name, "token-insertion-request");
	assert_string_equal(ev.u.need.msg, "Please insert Test Token token");
	assert_int_equal(parse(">NEED-OK:Need 'x' confirmation"), MGMT_EV_NEED_OK);
	assert_string_equal(ev.u.need.name, "x");
	assert_string_equal(ev.u.need.msg, "");
	/* A message quoting another request stays the message. */
	assert_int_equal(parse(">NEED-OK:Need 'a' confirmation MSG:see 'b' confirmation MSG:c"),
	                 MGMT_EV_NEED_OK);
	assert_string_equal(ev.u.need.name, "a");
	assert_string_equal(ev.u.need.msg, "see 'b' confirmation MSG:c");
	expect_malformed(">NEED-OK:Need 'x' string MSG:y");
	expect_malformed(">NEED-OK:Please");
}

static void test_need_str(void **state)
{
	(void)state;
	assert_int_equal(parse(">NEED-STR:Need 'pkcs11-id-request' string "
	                       "MSG:Please specify PKCS#11 id to use"),
	                 MGMT_EV_NEED_STR);
	assert_string_equal(ev.u.need.name, "pkcs11-id-request");
	assert_string_equal(ev.u.need.msg, "Please specify PKCS#11 id to use");
	expect_malformed(">NEED-STR:Need 'x' confirmation MSG:y");
	expect_malformed(">NEED-STR:Need 'x' stringMSG:y");
}

static void test_pkcs11id_count(void **state)
{
	(void)state;
	assert_int_equal(parse(">PKCS11ID-COUNT:1"), MGMT_EV_PKCS11ID_COUNT);
	assert_int_equal(ev.u.pkcs11id_count.count, 1);
	assert_int_equal(parse(">PKCS11ID-COUNT:0"), MGMT_EV_PKCS11ID_COUNT);
	assert_int_equal(ev.u.pkcs11id_count.count, 0);
	assert_int_equal(parse(">PKCS11ID-COUNT:42"), MGMT_EV_PKCS11ID_COUNT);
	assert_int_equal(ev.u.pkcs11id_count.count, 42);
	expect_malformed(">PKCS11ID-COUNT:-1");
	expect_malformed(">PKCS11ID-COUNT:+1");
	expect_malformed(">PKCS11ID-COUNT: 1");
	expect_malformed(">PKCS11ID-COUNT:abc");
	expect_malformed(">PKCS11ID-COUNT:1x");
	expect_malformed(">PKCS11ID-COUNT:");
	expect_malformed(">PKCS11ID-COUNT:99999999999999999999999");
}

static void test_pkcs11id_entry(void **state)
{
	(void)state;
	assert_int_equal(parse(">PKCS11ID-ENTRY:'0', ID:'SoftHSM\\x20project/SoftHSM\\x20v2/"
	                       "4c910ae4992abbe9/Test\\x20Token/45', BLOB:'MIIC...'"),
	                 MGMT_EV_PKCS11ID_ENTRY);
	assert_int_equal(ev.u.pkcs11id_entry.index, 0);
	assert_string_equal(ev.u.pkcs11id_entry.id,
	                    "SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45");
	assert_string_equal(ev.u.pkcs11id_entry.blob, "MIIC...");

	assert_int_equal(parse(">PKCS11ID-ENTRY:'3'"), MGMT_EV_PKCS11ID_ENTRY);
	assert_int_equal(ev.u.pkcs11id_entry.index, 3);
	assert_string_equal(ev.u.pkcs11id_entry.id, "");
	assert_string_equal(ev.u.pkcs11id_entry.blob, "");

	assert_int_equal(parse(">PKCS11ID-ENTRY:'12', ID:'a/b', BLOB:''"), MGMT_EV_PKCS11ID_ENTRY);
	assert_int_equal(ev.u.pkcs11id_entry.index, 12);
	assert_string_equal(ev.u.pkcs11id_entry.id, "a/b");
	assert_string_equal(ev.u.pkcs11id_entry.blob, "");
}

static void test_pkcs11id_entry_big_blob(void **state)
{
	static char line[6000], blob[5121];

	(void)state;
	memset(blob, 'A', sizeof blob - 1);
	blob[sizeof blob - 1] = '\0';
	snprintf(line, sizeof line, ">PKCS11ID-ENTRY:'1', ID:'x/45', BLOB:'%s'", blob);
	assert_int_equal(parse(line), MGMT_EV_PKCS11ID_ENTRY);
	assert_int_equal(ev.u.pkcs11id_entry.index, 1);
	assert_string_equal(ev.u.pkcs11id_entry.id, "x/45");
	assert_string_equal(ev.u.pkcs11id_entry.blob, blob);
}

static void test_pkcs11id_entry_malformed(void **state)
{
	(void)state;
	expect_malformed(">PKCS11ID-ENTRY:");
	expect_malformed(">PKCS11ID-ENTRY:0");
	expect_malformed(">PKCS11ID-ENTRY:''");
	expect_malformed(">PKCS11ID-ENTRY:'-1'");
	expect_malformed(">PKCS11ID-ENTRY:'x'");
	expect_malformed(">PKCS11ID-ENTRY:'0");
	expect_malformed(">PKCS11ID-ENTRY:'0', ID:'a'");
	expect_malformed(">PKCS11ID-ENTRY:'0', ID:'a', BLOB:'b");
	expect_malformed(">PKCS11ID-ENTRY:'0', ID:'a', BLOB:");
	expect_malformed(">PKCS11ID-ENTRY:'0' junk");
}

static void test_state_full(void **state)
{
	(void)state;
	assert_int_equal(parse(">STATE:1795412007,CONNECTED,SUCCESS,10.8.0.2,127.0.0.1,11940,"
	                       "127.0.0.2,51000,fd00::2"),
	                 MGMT_EV_STATE);
	assert_true(ev.u.state.time == 1795412007LL);
	assert_string_equal(ev.u.state.name, "CONNECTED");
	assert_string_equal(ev.u.state.desc, "SUCCESS");
	assert_string_equal(ev.u.state.tun_ip, "10.8.0.2");
	assert_string_equal(ev.u.state.remote_ip, "127.0.0.1");
	assert_string_equal(ev.u.state.remote_port, "11940");
	assert_string_equal(ev.u.state.local_ip, "127.0.0.2");
	assert_string_equal(ev.u.state.local_port, "51000");
	assert_string_equal(ev.u.state.tun_ipv6, "fd00::2");
}

static void test_state_seen(void **state)
{
	(void)state;
	assert_int_equal(parse(">STATE:1795412007,CONNECTED,SUCCESS,,127.0.0.1,11940,,"), MGMT_EV_STATE);
	assert_true(ev.u.state.time == 1795412007LL);
	assert_string_equal(ev.u.state.name, "CONNECTED");
	assert_string_equal(ev.u.state.desc, "SUCCESS");
	assert_string_equal(ev.u.state.tun_ip, "");
	assert_string_equal(ev.u.state.remote_ip, "127.0.0.1");
	assert_string_equal(ev.u.state.remote_port, "11940");
	assert_string_equal(ev.u.state.local_ip, "");
	assert_string_equal(ev.u.state.local_port, "");
	assert_string_equal(ev.u.state.tun_ipv6, "");
}

static void test_state_short(void **state)
{
	(void)state;
	assert_int_equal(parse(">STATE:1,WAIT"), MGMT_EV_STATE);
	assert_true(ev.u.state.time == 1LL);
	assert_string_equal(ev.u.state.name, "WAIT");
	assert_string_equal(ev.u.state.desc, "");
	assert_string_equal(ev.u.state.tun_ipv6, "");
	assert_int_equal(parse(">STATE:5,RECONNECTING,ping-restart,,,,,"), MGMT_EV_STATE);
	assert_string_equal(ev.u.state.desc, "ping-restart");
	assert_string_equal(ev.u.state.local_port, "");
	expect_malformed(">STATE:1795412007");
	expect_malformed(">STATE:x,CONNECTED");
	expect_malformed(">STATE:1,");
	expect_malformed(">STATE:");
}

static void test_log(void **state)
{
	(void)state;
	assert_int_equal(parse(">LOG:1795412007,I,some text, with commas"), MGMT_EV_LOG);
	assert_true(ev.u.log.time == 1795412007LL);
	assert_string_equal(ev.u.log.flags, "I");
	assert_string_equal(ev.u.log.text, "some text, with commas");
	assert_int_equal(parse(">LOG:0,,"), MGMT_EV_LOG);
	assert_string_equal(ev.u.log.flags, "");
	assert_string_equal(ev.u.log.text, "");
	expect_malformed(">LOG:1795412007,I");
	expect_malformed(">LOG:t,I,x");
}

static void test_plain_text_notifications(void **state)
{
	(void)state;
	assert_int_equal(parse(">FATAL:Cannot load certificate"), MGMT_EV_FATAL);
	assert_string_equal(ev.u.text.text, "Cannot load certificate");
	assert_int_equal(parse(">INFOMSG:WEB_AUTH::https://x"), MGMT_EV_INFOMSG);
	assert_string_equal(ev.u.text.text, "WEB_AUTH::https://x");
}

static void test_bytecount(void **state)
{
	(void)state;
	assert_int_equal(parse(">BYTECOUNT:123,456"), MGMT_EV_BYTECOUNT);
	assert_true(ev.u.bytecount.in == 123ULL);
	assert_true(ev.u.bytecount.out == 456ULL);
	assert_int_equal(parse(">BYTECOUNT:18446744073709551615,0"), MGMT_EV_BYTECOUNT);
	assert_true(ev.u.bytecount.in == 18446744073709551615ULL);
	assert_true(ev.u.bytecount.out == 0ULL);
	expect_malformed(">BYTECOUNT:123");
	expect_malformed(">BYTECOUNT:-1,2");
	expect_malformed(">BYTECOUNT:1,2,3");
	expect_malformed(">BYTECOUNT:18446744073709551616,0");
}

static void test_replies(void **state)
{
	(void)state;
	assert_int_equal(parse("SUCCESS: hold release succeeded"), MGMT_EV_SUCCESS);
	assert_string_equal(ev.u.text.text, "hold release succeeded");
	assert_int_equal(parse("SUCCESS:no space"), MGMT_EV_SUCCESS);
	assert_string_equal(ev.u.text.text, "no space");
	assert_int_equal(parse("SUCCESS:"), MGMT_EV_SUCCESS);
	assert_string_equal(ev.u.text.text, "");
	assert_int_equal(parse("ERROR: unknown command, enter 'help' for more options"), MGMT_EV_ERROR);
	assert_string_equal(ev.u.text.text, "unknown command, enter 'help' for more options");
	assert_int_equal(parse("END"), MGMT_EV_END);
	assert_int_equal(parse("ENTER PASSWORD:"), MGMT_EV_ENTER_PASSWORD);
}

static void test_text(void **state)
{
	(void)state;
	assert_int_equal(parse("OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu"), MGMT_EV_TEXT);
	assert_string_equal(ev.u.text.text, "OpenVPN Version: OpenVPN 2.6.14 x86_64-pc-linux-gnu");
	assert_int_equal(parse(""), MGMT_EV_TEXT);
	assert_string_equal(ev.u.text.text, "");
	assert_int_equal(parse("END "), MGMT_EV_TEXT);
	assert_string_equal(ev.u.text.text, "END ");
	assert_int_equal(parse("ENTER PASSWORD:x"), MGMT_EV_TEXT);
	assert_int_equal(parse("SUCCESSFUL"), MGMT_EV_TEXT);
	assert_string_equal(ev.u.text.text, "SUCCESSFUL");
}

static void test_unknown(void **state)
{
	(void)state;
	assert_int_equal(parse(">FOO:bar"), MGMT_EV_UNKNOWN);
	assert_string_equal(ev.u.notify.name, "FOO");
	assert_string_equal(ev.u.notify.text, "bar");
	assert_int_equal(parse(">NEED-CERTIFICATE:macosx-keychain:subject:o=OpenVPN"), MGMT_EV_UNKNOWN);
	assert_string_equal(ev.u.notify.name, "NEED-CERTIFICATE");
	assert_string_equal(ev.u.notify.text, "macosx-keychain:subject:o=OpenVPN");
	assert_int_equal(parse(">hold:x:0"), MGMT_EV_UNKNOWN);
	assert_string_equal(ev.u.notify.name, "hold");
	assert_int_equal(parse(">HOLD"), MGMT_EV_UNKNOWN);
	assert_string_equal(ev.u.notify.name, "HOLD");
	assert_string_equal(ev.u.notify.text, "");
	assert_int_equal(parse(">"), MGMT_EV_UNKNOWN);
	assert_string_equal(ev.u.notify.name, "");
	assert_string_equal(ev.u.notify.text, "");
}

static void test_nul_inside_line(void **state)
{
	static char line[] = ">PKCS11ID-COUNT:1\0junk";

	(void)state;
	/* The parser sees only the string part, as the line reader documents. */
	mgmt_parse_line(line, &ev);
	assert_int_equal(ev.type, MGMT_EV_PKCS11ID_COUNT);
	assert_int_equal(ev.u.pkcs11id_count.count, 1);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(mgmt_event_type_name(MGMT_EV_PASSWORD_NEED), "PASSWORD_NEED");
	assert_string_equal(mgmt_event_type_name(MGMT_EV_END), "END");
	assert_string_equal(mgmt_event_type_name(MGMT_EV_MALFORMED), "MALFORMED");
	assert_string_equal(mgmt_event_type_name((enum mgmt_event_type)999), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_password_need_token),
		cmocka_unit_test(test_password_need_odd_type),
		cmocka_unit_test(test_password_need_auth),
		cmocka_unit_test(test_password_need_sc_flags),
		cmocka_unit_test(test_password_need_username_only),
		cmocka_unit_test(test_password_failed),
		cmocka_unit_test(test_password_malformed),
		cmocka_unit_test(test_need_ok),
		cmocka_unit_test(test_need_str),
		cmocka_unit_test(test_pkcs11id_count),
		cmocka_unit_test(test_pkcs11id_entry),
		cmocka_unit_test(test_pkcs11id_entry_big_blob),
		cmocka_unit_test(test_pkcs11id_entry_malformed),
		cmocka_unit_test(test_state_full),
		cmocka_unit_test(test_state_seen),
		cmocka_unit_test(test_state_short),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_plain_text_notifications),
		cmocka_unit_test(test_bytecount),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_nul_inside_line),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
