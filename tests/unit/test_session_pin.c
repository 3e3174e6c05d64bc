/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PIN's life through the session (src/session/pin_supply.h): the one rule for a PIN the
 * token refused, on every road a refusal is seen by, and the PIN wiped once it went out.
 * Driven through the scripted world (tests/lib/session_bed.h).
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
#include "cli/options.h"
#include "session/session.h"
#include "../lib/session_bed.h"

#define PIN_NEED ">PASSWORD:Need 'Anna token' password\n"
#define PIN_TAKEN "SUCCESS: 'Anna token' password entered, but not yet verified\n"
#define PROVIDER_NEED ">PASSWORD:Need 'PKCS#11 token' password\n"
#define PROVIDER_TAKEN "SUCCESS: 'PKCS#11 token' password entered, but not yet verified\n"
#define KEY_FATAL ">FATAL:Error: private key password verification failed\n"
#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define HOLD_RELEASED "SUCCESS: hold release succeeded\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define TLS_FAILED ">LOG:1700000000,N,TLS Error: TLS handshake failed\n"
#define RECONNECTING ">STATE:1700000000,RECONNECTING,tls-error,,,,,\n"
#define AUTHENTICATING ">STATE:1700000000,AUTH,,,,,,\n"

#define BATCH_WORDS "not trying the PIN again (--batch)"

static char said[16384];
static char pin_file[] = "/tmp/test_session_pin_XXXXXX";

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	said[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	return 0;
}

/* opts.pin_file: a file with the PIN 1111. */
static void pin_from_file(void)
{
	int fd;

	strcpy(pin_file, "/tmp/test_session_pin_XXXXXX");
	fd = mkstemp(pin_file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1111\n", 5), 5);
	close(fd);
	opts.pin_file = pin_file;
}

/* How often text stands in what the last run said. */
static int said_times(const char *text)
{
	int n = 0;

	for (const char *p = strstr(said, text); p != NULL; p = strstr(p + 1, text))
		n++;
	return n;
}

/* ---- the refused rule: the source, the cache, --batch ---- */

/* A PIN from the file was refused: the file is never read again, a person is asked instead. */
static void a_refused_pin_from_its_source_is_not_read_again(void **state)
{
	static const char *const first[] = {"2222", NULL};
	static const char *const later[] = {"3333", NULL};

	(void)state;
	pin_from_file();
	sc.interactive = true;
	new_session(true);
	run_saying(PIN_NEED PIN_TAKEN PIN_NEED PIN_TAKEN, first, said, sizeof said);
	assert_int_equal(said_times("The PIN was rejected by token 'Anna'."), 1);
	assert_int_equal(said_times(BATCH_WORDS), 0);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	assert_logged("? PIN for token 'Anna': \n", 1);
	assert_logged("> password \"Anna token\" \"2222\"\n", 1);

	/* The next openvpn: the file still holds 1111, and it is still not read. */
	run_with(HOLD0 HOLD_RELEASED PIN_NEED PIN_TAKEN, later);
	assert_logged("> password \"Anna token\" \"1111\"\n", 0);
	assert_logged("> password \"Anna token\" \"3333\"\n", 1);
	unlink(pin_file);
}

/* A remembered PIN that worked before and is refused now (changed meanwhile): dropped. */
static void a_refused_remembered_pin_is_dropped(void **state)
{
	static const char *const first[] = {"1111", NULL};
	static const char *const changed[] = {"2222", NULL};
	static const char *const later[] = {"3333", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN CONNECTED, first);
	run_with(PIN_NEED PIN_TAKEN PIN_NEED PIN_TAKEN, changed);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1); /* from the cache, once */
	assert_logged("> password \"Anna token\" \"2222\"\n", 1);
	/* 2222 was never confirmed, and 1111 is gone: a person is asked. */
	run_with(PIN_NEED PIN_TAKEN, later);
	assert_logged("> password \"Anna token\" \"1111\"\n", 0);
	assert_logged("? PIN for token 'Anna': \n", 1);
}

/* --batch: on every road a refusal is seen by, one attempt, exit 6, said once. */
static void a_refusal_in_batch_ends_with_6_on_every_road(void **state)
{
	/* Asked again at once; a restart right after the PIN; the key failing. */
	static const char *const roads[] = {
		PIN_NEED PIN_TAKEN PIN_NEED,
		PIN_NEED PIN_TAKEN TLS_FAILED RECONNECTING HOLD0 HOLD_RELEASED PIN_NEED,
		PROVIDER_NEED PROVIDER_TAKEN KEY_FATAL,
	};

	(void)state;
	for (size_t i = 0; i < sizeof roads / sizeof roads[0]; i++) {
		session_bed_reset();
		pin_from_file();
		opts.batch = true;
		new_session(true);
		assert_int_equal(run_saying(roads[i], NULL, said, sizeof said), EXIT_PIN_REJECTED);
		if (said_times(BATCH_WORDS) != 1)
			fail_msg("road %zu: expected '" BATCH_WORDS "' once in:\n%s", i, said);
		assert_int_equal(script_count(&sc, "> password"), 1);
		/* The source gave the refused PIN: the next openvpn finds none. */
		assert_int_equal(run_with(i == 2 ? PROVIDER_NEED : PIN_NEED, NULL),
		                 EXIT_NEEDS_INPUT);
		assert_logged("> password", 0);
		session_bed_free();
		unlink(pin_file);
	}
}

/* OpenVPN's own login on a reader's PIN pad failed: --batch waits for no other PIN there. */
static void a_pin_pad_refusal_in_batch_says_the_reader(void **state)
{
	(void)state;
	sc.provider = true;
	sc.pinpad = true;
	opts.batch = true;
	new_session(true);
	session_set_config_id(s, "SoftHSM/SoftHSM\\x20v2/1/Anna/45");
	assert_int_equal(run_saying(AUTHENTICATING TLS_FAILED RECONNECTING HOLD0, NULL, said,
	                            sizeof said),
	                 EXIT_PIN_REJECTED);
	assert_int_equal(said_times("not waiting for another PIN on the reader (--batch)"), 1);
	assert_int_equal(said_times(BATCH_WORDS), 0);
}

/* ---- the PIN wiped once it went out ---- */

/*
 * Every run_with checks that each secret sent was zero by the next wait; these make sure the
 * PIN went out at all on each of its ways (typed, from a file, from the cache).
 */
static void the_pin_is_wiped_once_sent(void **state)
{
	static const char *const typed[] = {"1111", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN CONNECTED, typed);
	assert_int_equal(sc.secrets_sent, 1);
	assert_int_equal(sc.secrets_left, 0);
	run_with(PIN_NEED PIN_TAKEN, NULL); /* from the cache */
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	assert_int_equal(sc.secrets_sent, 1);
	assert_int_equal(sc.secrets_left, 0);
	session_bed_free();

	pin_from_file();
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN, NULL);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	assert_int_equal(sc.secrets_sent, 1);
	assert_int_equal(sc.secrets_left, 0);
	unlink(pin_file);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(a_refused_pin_from_its_source_is_not_read_again),
		T(a_refused_remembered_pin_is_dropped),
		T(a_refusal_in_batch_ends_with_6_on_every_road),
		T(a_pin_pad_refusal_in_batch_says_the_reader),
		T(the_pin_is_wiped_once_sent),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
