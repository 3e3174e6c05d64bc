/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The external key's decisions (src/session/xkey.c): NEED-CERTIFICATE and PK_SIGN through the
 * scripted io, whose signer logs "# select", "# login PIN", "# sign" (tests/lib/session_io_script.h).
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

#define GREETING ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\n"
#define STATE_OK "SUCCESS: real-time state notification set to ON\n"
#define NEED_CERT ">NEED-CERTIFICATE:ovpn-token\n"
#define CERT_OK "SUCCESS: certificate command succeeded\n"
#define PK_SIGN ">PK_SIGN:AAAA,ECDSA,hashalg=SHA256,data=message\n"
#define SIG_OK "SUCCESS: pk-sig command succeeded\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define HOLD_RELEASED "SUCCESS: hold release succeeded\n"
/* The certificate, then one signature. */
#define HANDSHAKE NEED_CERT CERT_OK PK_SIGN SIG_OK

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	opts.key_mode = SESSION_KEY_EXTERNAL;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 1;
	sc.xkey_pin = "1234";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	return 0;
}

static const char *const right_pin[] = {"1234", NULL};

static void version_3_follows_the_greeting_and_awaits_nothing(void **state)
{
	(void)state;
	new_session(true);
	run_with(GREETING STATE_OK, NULL);
	assert_logged("> version 3\n> state \"on\"\n", 1);
}

static void without_external_key_no_version_is_announced(void **state)
{
	(void)state;
	opts.key_mode = SESSION_KEY_OPENVPN;
	new_session(true);
	run_with(GREETING STATE_OK, NULL);
	assert_logged("> version", 0);
}

static void attach_announces_version_3_at_need_certificate(void **state)
{
	(void)state;
	opts.key_mode = SESSION_KEY_AS_ASKED; /* attach: openvpn was started elsewhere */
	new_session(false);
	run_with(NEED_CERT CERT_OK, NULL);
	assert_logged("> version 3\n# select\n> certificate\n", 1);
}

/*
 * A key under another CKA_ID: our signer pairs it by its public key, so a certificate request
 * (the external key's, whoever started openvpn) offers it: attach, and connect.
 */
static void attach_offers_a_key_under_another_id(void **state)
{
	(void)state;
	opts.key_mode = SESSION_KEY_AS_ASKED;
	opts.batch = true;
	sc.other_id_cert = 1;
	new_session(false);
	run_with(NEED_CERT CERT_OK, NULL);
	assert_logged("# select\n> certificate\n", 1);
}

static void connect_offers_a_key_under_another_id(void **state)
{
	(void)state;
	opts.batch = true;
	sc.other_id_cert = 1;
	new_session(false);
	run_with(NEED_CERT CERT_OK, NULL);
	assert_logged("# select\n> certificate\n", 1);
}

/*
 * start chose the external key by itself (OpenSC): it offers what openvpn's own login would,
 * so the key under another CKA_ID is left out and the other certificate is the only one; the
 * same token with --external-key offers both.
 */
static void chosen_external_key_offers_as_openvpn(void **state)
{
	(void)state;
	opts.batch = true;
	opts.openvpn_cert_rule = true;
	sc.certs_on_token = 2;
	sc.other_id_cert = 1;
	new_session(true);
	run_with(NEED_CERT CERT_OK, NULL);
	assert_logged("# select\n> certificate\n", 1);
}

static void asked_external_key_offers_the_key_under_another_id(void **state)
{
	(void)state;
	opts.batch = true;
	sc.certs_on_token = 2;
	sc.other_id_cert = 1;
	new_session(true);
	assert_int_equal(run_with(NEED_CERT, NULL), EXIT_NO_CERTIFICATE);
	assert_logged("> certificate", 0);
}

static void the_only_certificate_goes_as_pem(void **state)
{
	(void)state;
	new_session(true);
	run_with(NEED_CERT CERT_OK, NULL);
	assert_logged("> certificate\n> -----BEGIN CERTIFICATE-----\n> QUJD\n"
	              "> -----END CERTIFICATE-----\n> END\n", 1);
	assert_logged("> needstr", 0);
	assert_logged("? ", 0);
}

static void several_certificates_in_batch_end_with_7(void **state)
{
	(void)state;
	sc.certs_on_token = 2;
	opts.batch = true;
	new_session(true);
	assert_int_equal(run_with(NEED_CERT, NULL), EXIT_NO_CERTIFICATE);
	assert_logged("> certificate", 0);
}

static void several_certificates_show_the_menu(void **state)
{
	static const char *const answers[] = {"2", NULL};

	(void)state;
	sc.certs_on_token = 2;
	sc.interactive = true;
	new_session(true);
	run_with(NEED_CERT CERT_OK, answers);
	assert_logged("? Choose a certificate [1-2]: \n", 1);
	assert_logged("> certificate\n", 1);
}

static void a_signature_logs_in_once_and_answers(void **state)
{
	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(HANDSHAKE PK_SIGN SIG_OK, right_pin);
	assert_logged("? PIN for token 'Anna': \n", 1);
	assert_logged("# login 1234\n", 1);
	assert_logged("# sign\n", 2);
	assert_logged("> pk-sig\n> U0lHIQ==\n> END\n", 2);
}

static void an_unsupported_algorithm_gets_the_empty_refusal(void **state)
{
	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(NEED_CERT CERT_OK ">PK_SIGN:AAAA,RSA_PKCS1_OAEP_PADDING\n" SIG_OK, right_pin);
	assert_logged("> pk-sig\n> END\n", 1);
	assert_logged("# sign", 0);
	assert_logged("? ", 0);
}

static void a_signature_before_the_certificate_is_refused(void **state)
{
	(void)state;
	new_session(true);
	run_with(PK_SIGN SIG_OK, right_pin);
	assert_logged("> pk-sig\n> END\n", 1);
	assert_logged("# ", 0);
}

static void a_wrong_pin_is_dropped_and_asked_again(void **state)
{
	static const char *const answers[] = {"9999", "1234", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(HANDSHAKE, answers);
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("# login 9999\n? PIN for token 'Anna': \n# login 1234\n# sign\n", 1);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 1);
}

static void a_wrong_pin_in_batch_ends_with_6(void **state)
{
	static const char *const answers[] = {"9999", NULL};

	(void)state;
	sc.interactive = true;
	opts.batch = true;
	new_session(true);
	/* --batch asks nobody: the PIN must come from a source; without one it ends with 9. */
	assert_int_equal(run_with(HANDSHAKE, answers), EXIT_NEEDS_INPUT);
	assert_logged("# login", 0);
}

/* A card that says a wrong PIN with another error (CAC: CKR_GENERAL_ERROR): a PIN failure. */
static void a_login_error_is_a_pin_failure_not_a_provider_one(void **state)
{
	static const char *const answers[] = {"9999", "1234", NULL};
	static char path[] = "/tmp/test_xkey_pin_XXXXXX";
	int fd;

	(void)state;
	sc.interactive = true;
	sc.xkey_wrong_ckr = 0x5; /* CKR_GENERAL_ERROR */
	new_session(true);
	run_with(HANDSHAKE, answers);
	assert_logged("# login 9999\n? PIN for token 'Anna': \n# login 1234\n# sign\n", 1);
	session_free(s);
	s = NULL;

	/* --batch with the PIN from a file: that one try, then 6 (never 12). */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "9999\n", 5), 5);
	close(fd);
	opts.batch = true;
	opts.pin_file = path;
	new_session(true);
	assert_int_equal(run_with(HANDSHAKE, NULL), EXIT_PIN_REJECTED);
	assert_logged("# login 9999", 1);
	unlink(path);
}

/* A PIN pad: the login goes without a PIN, nobody is asked here; a wrong one gives up. */
static void a_pin_pad_takes_the_pin_itself(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.xkey_pad_pin = "1234";
	new_session(true);
	run_with(HANDSHAKE, NULL);
	assert_logged("? ", 0);
	assert_logged("# login on the pad\n# sign\n", 1);
	session_free(s);
	s = NULL;

	/* Wrong on the pad in --batch: that one try, then 6. */
	sc.xkey_pad_pin = "9999";
	opts.batch = true;
	new_session(true);
	assert_int_equal(run_with(HANDSHAKE, NULL), EXIT_PIN_REJECTED);
	assert_logged("# login on the pad", 1);
	assert_logged("# sign", 0);
}

static void a_wrong_pin_from_the_cache_is_not_sent_again(void **state)
{
	static const char *const first[] = {"1234", NULL};
	static const char *const later[] = {"5678", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(HANDSHAKE CONNECTED, first);
	/* The PIN was changed meanwhile: the kept one fails once, then a person is asked. */
	sc.xkey_pin = "5678";
	run_with(HANDSHAKE, later);
	assert_logged("# login 1234\n? PIN for token 'Anna': \n# login 5678\n# sign\n", 1);
}

static void a_locked_token_gets_no_pin_and_ends_with_10(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.xkey_state = P11_PIN_LOCKED;
	new_session(true);
	assert_int_equal(run_with(HANDSHAKE, right_pin), EXIT_TOKEN_LOCKED);
	assert_logged("# login", 0);
	assert_logged("? ", 0);
}

static void a_pin_that_locks_the_token_ends_with_10(void **state)
{
	static const char *const answers[] = {"9999", "1234", NULL};

	(void)state;
	sc.interactive = true;
	sc.xkey_wrong_locks = true;
	new_session(true);
	assert_int_equal(run_with(HANDSHAKE, answers), EXIT_TOKEN_LOCKED);
	assert_logged("# login", 1);
	assert_logged("? PIN", 1);
}

static void the_final_try_needs_a_person(void **state)
{
	static const char *const answers[] = {"n", NULL};

	(void)state;
	sc.interactive = true;
	sc.xkey_state = P11_PIN_FINAL_TRY;
	new_session(true);
	assert_int_equal(run_with(HANDSHAKE, answers), EXIT_CANCELLED);
	assert_logged("? Final try: one more wrong PIN locks token 'Anna'. Continue? [y/N] \n", 1);
	assert_logged("# login", 0);
}

static void a_lost_login_is_renewed_from_the_cache(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.xkey_sign[sc.xkey_nsign++] = P11_SIGN_OK;
	sc.xkey_sign[sc.xkey_nsign++] = P11_SIGN_NOT_LOGGED_IN;
	new_session(true);
	run_with(HANDSHAKE PK_SIGN SIG_OK, right_pin);
	assert_logged("? PIN", 1);
	assert_logged("# login 1234\n", 2);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 2);
}

static void a_removed_token_is_selected_again_and_logged_in_from_the_cache(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.xkey_sign[sc.xkey_nsign++] = P11_SIGN_TOKEN_ABSENT;
	new_session(true);
	run_with(HANDSHAKE, right_pin);
	assert_logged("# login 1234\n# sign\n# select\n# login 1234\n# sign\n", 1);
	assert_logged("? PIN", 1);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 1);
}

static void an_absent_token_is_waited_for_in_batch(void **state)
{
	(void)state;
	opts.batch = true;
	opts.pin_file = NULL;
	sc.xkey_absent_selects = 3; /* the certificate's select, then two looks of the wait */
	new_session(true);
	/* Nobody to ask for the PIN, no source: the wait ends with the token, then 9. */
	assert_int_equal(run_with(HANDSHAKE, NULL), EXIT_NEEDS_INPUT);
	assert_logged("# reload\n# select\n", 3);
	assert_logged("> certificate\n", 1);
}

static void an_absent_token_can_be_waited_for_with_a_prompt(void **state)
{
	static const char *const answers[] = {ANSWER_WATCH, "1234", NULL};

	(void)state;
	sc.interactive = true;
	sc.xkey_absent_selects = 2;
	new_session(true);
	run_with(HANDSHAKE, answers);
	assert_logged("? Please insert token '': Press Enter", 0);
	assert_logged("Press Enter to continue, Ctrl-C to cancel: \n", 1);
	assert_logged("> certificate\n", 1);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 1);
}

static void a_reconnect_signs_again_without_a_prompt(void **state)
{
	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(HOLD0 HOLD_RELEASED HANDSHAKE CONNECTED HOLD0 HOLD_RELEASED HANDSHAKE CONNECTED,
	         right_pin);
	assert_logged("? ", 1);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 2);
}

/* ---- reconnects: the signer and its login kept while the token stays ---- */

#define RECONNECT HOLD0 HOLD_RELEASED HANDSHAKE CONNECTED
#define TUNNEL_DOWN_REPLIES                                                                   \
	"SUCCESS: forget-passwords command succeeded\nSUCCESS: hold flag set to ON\n"          \
	"SUCCESS: signal SIGUSR1 thrown\n"

/*
 * OpenVPN asks for the certificate after every restart: the one chosen, still selected in the
 * open signer, goes from there; the certificates are listed (the module loaded) once, the
 * signer opened once, the token logged in once, for the first connection and two reconnects.
 */
static void a_reconnect_answers_from_the_open_signer_and_its_login(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.real_ids = true; /* the watched token's label is read from the chosen id */
	sc.watch_kind = IO_WATCH_NEWS; /* a card in a PC/SC reader: no looks while it stays */
	new_session(true);
	run_with(RECONNECT RECONNECT RECONNECT, right_pin);
	assert_logged("> certificate\n", 3);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 3);
	assert_logged("# watch Anna\n", 1);
	assert_int_equal(sc.listings, 1);
	assert_int_equal(sc.xkey_opens, 1);
	assert_logged("# select\n", 1);
	assert_logged("# login", 1);
	assert_logged("? ", 1);
}

/* Taken out and put back between two connections: all afresh, the PIN asked again. */
static void a_token_taken_out_meanwhile_is_listed_and_logged_in_afresh(void **state)
{
	static const char *const answers[] = {"1234", "1234", NULL};

	(void)state;
	sc.interactive = true;
	sc.real_ids = true; /* the watched token's label is read from the chosen id */
	sc.watch_kind = IO_WATCH_NEWS;
	sc.watch_news = 2;
	sc.watch_away_from = 1;
	sc.watch_back_from = 2;
	new_session(true);
	run_with(RECONNECT SCRIPT_NEXT TUNNEL_DOWN_REPLIES RECONNECT, answers);
	assert_logged("> forget-passwords\n> hold \"on\"\n> signal \"SIGUSR1\"\n", 1);
	assert_logged("> certificate\n", 2);
	assert_int_equal(sc.listings, 2);
	assert_int_equal(sc.xkey_opens, 2);
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("# login 1234\n", 2);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 2);
}

/* --no-cache keeps neither the PIN nor the choice: every restart asks again. */
static void no_cache_asks_again_after_a_reconnect(void **state)
{
	static const char *const answers[] = {"1234", "1234", NULL};

	(void)state;
	sc.interactive = true;
	sc.real_ids = true; /* the watched token's label is read from the chosen id */
	sc.watch_kind = IO_WATCH_NEWS;
	opts.no_cache = true;
	new_session(true);
	run_with(RECONNECT RECONNECT, answers);
	assert_int_equal(sc.listings, 2);
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 2);
}

/* A watch that looks (SoftHSM2) closes the signer: the certificate is then chosen as at first. */
static void a_signer_closed_by_a_look_is_opened_again(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.real_ids = true; /* the watched token's label is read from the chosen id */
	sc.watch_kind = IO_WATCH_POLLS;
	new_session(true);
	run_with(RECONNECT SCRIPT_LATER RECONNECT, right_pin);
	assert_logged("> certificate\n", 2);
	assert_int_equal(sc.listings, 2);
	assert_int_equal(sc.xkey_opens, 2);
	assert_logged("? ", 1);
	assert_logged("# login 1234\n", 2);
	assert_logged("> pk-sig\n> U0lHIQ==\n", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(version_3_follows_the_greeting_and_awaits_nothing),
		T(without_external_key_no_version_is_announced),
		T(attach_announces_version_3_at_need_certificate),
		T(attach_offers_a_key_under_another_id),
		T(connect_offers_a_key_under_another_id),
		T(chosen_external_key_offers_as_openvpn),
		T(asked_external_key_offers_the_key_under_another_id),
		T(the_only_certificate_goes_as_pem),
		T(several_certificates_in_batch_end_with_7),
		T(several_certificates_show_the_menu),
		T(a_signature_logs_in_once_and_answers),
		T(an_unsupported_algorithm_gets_the_empty_refusal),
		T(a_signature_before_the_certificate_is_refused),
		T(a_wrong_pin_is_dropped_and_asked_again),
		T(a_wrong_pin_in_batch_ends_with_6),
		T(a_login_error_is_a_pin_failure_not_a_provider_one),
		T(a_pin_pad_takes_the_pin_itself),
		T(a_wrong_pin_from_the_cache_is_not_sent_again),
		T(a_locked_token_gets_no_pin_and_ends_with_10),
		T(a_pin_that_locks_the_token_ends_with_10),
		T(the_final_try_needs_a_person),
		T(a_lost_login_is_renewed_from_the_cache),
		T(a_removed_token_is_selected_again_and_logged_in_from_the_cache),
		T(an_absent_token_is_waited_for_in_batch),
		T(an_absent_token_can_be_waited_for_with_a_prompt),
		T(a_reconnect_signs_again_without_a_prompt),
		T(a_reconnect_answers_from_the_open_signer_and_its_login),
		T(a_token_taken_out_meanwhile_is_listed_and_logged_in_afresh),
		T(no_cache_asks_again_after_a_reconnect),
		T(a_signer_closed_by_a_look_is_opened_again),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
