/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's decisions about the server's own login and its second factors (session/auth.c),
 * driven through the scripted io (tests/lib/session_io_script.h): events in, commands and
 * questions out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "session/session.h"
#include "../lib/session_bed.h"

#define AUTH_NEED ">PASSWORD:Need 'Auth' username/password\n"
#define USER_TAKEN "SUCCESS: 'Auth' username entered, but not yet verified\n"
#define PASS_TAKEN "SUCCESS: 'Auth' password entered, but not yet verified\n"
#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define HOLD_RELEASED "SUCCESS: hold release succeeded\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define CRV1_FAILED \
	">PASSWORD:Verification Failed: 'Auth' ['CRV1:R,E:st4te:Ym9i:Code from your phone:']\n"
#define PENDING ">STATE:1700000000,AUTH_PENDING,timeout 60,,,,,\n"

static char auth_file[64];

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	auth_file[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	if (auth_file[0] != '\0')
		unlink(auth_file);
	return 0;
}

/* --auth-user-pass-file with text, private as it must be. */
static void use_auth_file(const char *text)
{
	int fd;

	snprintf(auth_file, sizeof auth_file, "/tmp/test-session-auth.XXXXXX");
	fd = mkstemp(auth_file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	opts.auth_user_pass_file = auth_file;
}

/* ---- username and password ---- */

static void username_and_password_are_asked_and_sent(void **state)
{
	static const char *const answers[] = {"alice", "pw", NULL};

	(void)state;
	new_session(false);
	run_with(AUTH_NEED USER_TAKEN PASS_TAKEN, answers);
	assert_logged("? Username (Auth): \n", 1);
	assert_logged("? Password (Auth): \n", 1);
	assert_logged("> username \"Auth\" \"alice\"\n", 1);
	assert_logged("> password \"Auth\" \"pw\"\n", 1);
	/* Both went out through the one send, and were wiped by the next wait (run_with). */
	assert_int_equal(sc.secrets_sent, 2);
}

static void batch_without_a_file_ends_with_9(void **state)
{
	(void)state;
	opts.batch = true;
	new_session(false);
	assert_int_equal(run_with(AUTH_NEED, NULL), EXIT_NEEDS_INPUT);
	assert_logged("> username", 0);
	assert_logged("? ", 0);
}

static void the_file_answers_without_a_question(void **state)
{
	(void)state;
	opts.batch = true;
	use_auth_file("carol\nfile pass\n");
	new_session(false);
	run_with(AUTH_NEED USER_TAKEN PASS_TAKEN, NULL);
	assert_logged("? ", 0);
	assert_logged("> username \"Auth\" \"carol\"\n", 1);
	assert_logged("> password \"Auth\" \"file pass\"\n", 1);
}

static void username_only_sends_no_password(void **state)
{
	static const char *const answers[] = {"alice", NULL};

	(void)state;
	new_session(false);
	run_with(">PASSWORD:Need 'Auth' username\n" USER_TAKEN, answers);
	assert_logged("? Username (Auth): \n", 1);
	assert_logged("? Password", 0);
	assert_logged("> username \"Auth\" \"alice\"\n", 1);
	assert_logged("> password", 0);
}

/* 2.7 asks `Need 'Auth' username` only of a client that said version 4; 2.6 would not reply. */
static void version_4_only_to_management_version_6(void **state)
{
	(void)state;
	new_session(false);
	run_with(">INFO:OpenVPN Management Interface Version 6 -- type 'help' for more info\n", NULL);
	assert_logged("> version \"4\"\n", 1);
	session_free(s);
	new_session(false);
	run_with(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\n", NULL);
	assert_logged("> version", 0);
}

/* ---- static challenge ---- */

static void static_challenge_sends_scrv1(void **state)
{
	static const char *const answers[] = {"alice", "pw", "424242", NULL};

	(void)state;
	new_session(false);
	run_with(">PASSWORD:Need 'Auth' username/password SC:1,Enter OTP\n" USER_TAKEN PASS_TAKEN,
	         answers);
	assert_logged("? Enter OTP \n", 1);
	assert_logged("> username \"Auth\" \"alice\"\n", 1);
	assert_logged("> password \"Auth\" \"SCRV1:cHc=:NDI0MjQy\"\n", 1);
	/* The username too is wiped once sent, not kept while the response is asked. */
	assert_int_equal(sc.secrets_sent, 2);
}

static void static_challenge_concat_glues_the_response(void **state)
{
	static const char *const answers[] = {"alice", "pw", "424242", NULL};

	(void)state;
	new_session(false);
	run_with(">PASSWORD:Need 'Auth' username/password SC:3,Enter OTP\n" USER_TAKEN PASS_TAKEN,
	         answers);
	assert_logged("> password \"Auth\" \"pw424242\"\n", 1);
}

static void static_challenge_in_batch_ends_with_9_before_sending(void **state)
{
	(void)state;
	opts.batch = true;
	use_auth_file("carol\nfile pass\n");
	new_session(false);
	assert_int_equal(run_with(">PASSWORD:Need 'Auth' username/password SC:0,Enter OTP\n", NULL),
	                 EXIT_NEEDS_INPUT);
	assert_logged("> ", 0);
}

/* ---- dynamic challenge (CRV1) ---- */

static void crv1_response_goes_with_the_next_request(void **state)
{
	static const char *const answers[] = {"alice", "pw", "123456", NULL};

	(void)state;
	new_session(false);
	run_with(AUTH_NEED USER_TAKEN PASS_TAKEN CRV1_FAILED HOLD0 HOLD_RELEASED AUTH_NEED USER_TAKEN
	         PASS_TAKEN CONNECTED,
	         answers);
	assert_logged("? Code from your phone: \n", 1);
	assert_logged("? Username", 1);
	assert_logged("> username \"Auth\" \"bob\"\n", 1);
	assert_logged("> password \"Auth\" \"CRV1::st4te::123456\"\n", 1);
	assert_logged("> password", 2);
}

static void crv1_in_batch_ends_with_9(void **state)
{
	(void)state;
	opts.batch = true;
	use_auth_file("carol\nfile pass\n");
	new_session(false);
	assert_int_equal(run_with(AUTH_NEED USER_TAKEN PASS_TAKEN CRV1_FAILED HOLD0 AUTH_NEED, NULL),
	                 EXIT_NEEDS_INPUT);
	assert_logged("> password", 1);
	assert_logged("? ", 0);
}

/* A required response left empty is asked again, not sent. */
static void crv1_required_response_is_not_sent_empty(void **state)
{
	static const char *const answers[] = {"alice", "pw", "", "", "", NULL};

	(void)state;
	new_session(false);
	assert_int_equal(run_with(AUTH_NEED USER_TAKEN PASS_TAKEN CRV1_FAILED HOLD0, answers),
	                 EXIT_CANCELLED);
	assert_logged("? Code from your phone: \n", 3);
	assert_logged("> password", 1);
}

/* ---- a refused login ---- */

static void a_refused_login_ends_and_is_not_answered_again(void **state)
{
	(void)state;
	opts.batch = true;
	use_auth_file("carol\nfile pass\n");
	new_session(false);
	assert_int_equal(run_with(AUTH_NEED USER_TAKEN PASS_TAKEN
	                          ">PASSWORD:Verification Failed: 'Auth' ['wrong OTP']\n" HOLD0
	                          AUTH_NEED,
	                          NULL),
	                 EXIT_AUTH_REFUSED);
	assert_logged("> password", 1);
	assert_logged("> hold release", 0);
}

/* ---- pending auth ---- */

static void cr_text_is_answered_with_cr_response(void **state)
{
	static const char *const answers[] = {"424242", NULL};

	(void)state;
	new_session(false);
	run_with(PENDING ">INFOMSG:CR_TEXT:R,E:Your OTP code:\n"
	         "SUCCESS: command succeeded\n",
	         answers);
	assert_logged("? Your OTP code: \n", 1);
	assert_logged("> cr-response \"NDI0MjQy\"\n", 1);
	assert_int_equal(sc.secrets_sent, 1);
}

static void cr_text_in_batch_ends_with_9(void **state)
{
	(void)state;
	opts.batch = true;
	new_session(false);
	assert_int_equal(run_with(PENDING ">INFOMSG:CR_TEXT:R,E:Your OTP code:\n", NULL),
	                 EXIT_NEEDS_INPUT);
	assert_logged("> cr-response", 0);
}

#define WEB_AUTH ">INFOMSG:WEB_AUTH::https://sso.example.test/login?s=1\n"

static void web_auth_opens_only_for_a_person_at_a_desktop(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.desktop = true;
	new_session(false);
	run_with(PENDING WEB_AUTH, NULL);
	assert_logged("@ https://sso.example.test/login?s=1\n", 1);
	session_free(s);

	sc.interactive = false;
	new_session(false);
	run_with(PENDING WEB_AUTH, NULL);
	assert_logged("@ ", 0);
	session_free(s);

	sc.interactive = true;
	sc.desktop = true;
	new_session(false);
	run_with(PENDING ">INFOMSG:OPEN_URL:file:///etc/passwd\n", NULL);
	assert_logged("@ ", 0);
}

static void web_auth_in_batch_ends_with_9(void **state)
{
	(void)state;
	opts.batch = true;
	sc.interactive = true;
	sc.desktop = true;
	new_session(false);
	assert_int_equal(run_with(PENDING WEB_AUTH, NULL), EXIT_NEEDS_INPUT);
	assert_logged("@ ", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(username_and_password_are_asked_and_sent),
		T(batch_without_a_file_ends_with_9),
		T(the_file_answers_without_a_question),
		T(username_only_sends_no_password),
		T(version_4_only_to_management_version_6),
		T(static_challenge_sends_scrv1),
		T(static_challenge_concat_glues_the_response),
		T(static_challenge_in_batch_ends_with_9_before_sending),
		T(crv1_response_goes_with_the_next_request),
		T(crv1_in_batch_ends_with_9),
		T(crv1_required_response_is_not_sent_empty),
		T(a_refused_login_ends_and_is_not_answered_again),
		T(cr_text_is_answered_with_cr_response),
		T(cr_text_in_batch_ends_with_9),
		T(web_auth_opens_only_for_a_person_at_a_desktop),
		T(web_auth_in_batch_ends_with_9),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
