/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's decisions, driven through its io seam (src/session/io.h) by a script: events
 * in, commands and questions out (tests/lib/session_io_script.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "exit_codes.h"
#include "mgmt/conn.h"
#include "session/session.h"
#include "../lib/session_bed.h"

#define PIN_NEED ">PASSWORD:Need 'Anna token' password\n"
#define PIN_TAKEN "SUCCESS: 'Anna token' password entered, but not yet verified\n"
#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define RELEASED "SUCCESS: hold release succeeded\n"
#define HOLD_RELEASED "SUCCESS: hold release succeeded\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define ID_REQUEST ">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify the id\n"
#define NEEDSTR_OK "SUCCESS: needstr command succeeded\n"
#define ENTER "ENTER PASSWORD:" SCRIPT_NEXT
#define ENTRY(i, id) ">PKCS11ID-ENTRY:'" i "', ID:'" id "', BLOB:'MIIC'\n"

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	return 0;
}

/* ---- the certificate choice ---- */

/*
 * Two real certificates (self-signed, CN=alpha and CN=beta, for TLS clients, valid 2020-2120;
 * their keys were thrown away) with their SHA-256 fingerprints: what a remembered choice is.
 */
#define ALPHA_BLOB \
	"MIIBUjCB+aADAgECAgIQADAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVhbHBoYTAgFw0yMDAxMDEwMDAwMDBaGA8y" \
	"MTIwMDEwMTAwMDAwMFowEDEOMAwGA1UEAwwFYWxwaGEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATgMiFMYo6b" \
	"9988BZjlsBv3tCdIY7H2lLj8fD3Tgc+j8nbbwfnMmgOwRJ8ZuEAhQW6PtaFslCJchRi415WA9omjo0EwPzAJBgNV" \
	"HRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQWBBQMb5VHFMaxRHtjfJ1W5oWnP6NRZjAKBggqhkjO" \
	"PQQDAgNIADBFAiBIcEUXDUkzyLKNRubbzUFjWtW7R7suHGW+809U+x33rwIhALx2e84a3atMbM1NNxoaeRxK27+e" \
	"Jm6SEdV2cMN6YE04"
#define ALPHA_SHA256 "66a6edcf6a6b813078c0de1dc81b8b8952a6054c4237f953d0cece26cdb6c358"
#define BETA_BLOB \
	"MIIBUDCB96ADAgECAgIQATAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARiZXRhMCAXDTIwMDEwMTAwMDAwMFoYDzIx" \
	"MjAwMTAxMDAwMDAwWjAPMQ0wCwYDVQQDDARiZXRhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/DR3VgZysLtW" \
	"qgTMYeTm+GiQptTAxTaWShWFl68UFFLv1xb/cF3IBeBkjh3o5cQoCB9bciQ1kRDrM8ukoNVlf6NBMD8wCQYDVR0T" \
	"BAIwADATBgNVHSUEDDAKBggrBgEFBQcDAjAdBgNVHQ4EFgQU3ljOJQPQMwK8PwfUwzPjW1rW790wCgYIKoZIzj0E" \
	"AwIDSAAwRQIgKUxOY7bK+Nhbqk+ajsIBZXvj7YBBi8JGIgJoUuNzNXICIQCK8VfxvuHPXZnQVb+0iwm755uVBigq" \
	"RlWbg8VC9avWTQ=="
#define BETA_SHA256 "8edb0a2c8c8e132e19bdf653beb76b2bfeb7c17732512bfb870291e6abb8549d"
#define NAMED_ENTRY(i, id, blob) ">PKCS11ID-ENTRY:'" i "', ID:'" id "', BLOB:'" blob "'\n"
static const char alpha_and_beta[] = ID_REQUEST ">PKCS11ID-COUNT:2\n"
    NAMED_ENTRY("0", "tok/alpha", ALPHA_BLOB) NAMED_ENTRY("1", "tok/beta", BETA_BLOB) NEEDSTR_OK;

static const char two_certs[] = ID_REQUEST ">PKCS11ID-COUNT:2\n" ENTRY("0", "tok/1")
    ENTRY("1", "tok/2") NEEDSTR_OK;

static void one_certificate_is_chosen_by_itself(void **state)
{
	(void)state;
	new_session(false);
	assert_int_equal(run_with(ID_REQUEST ">PKCS11ID-COUNT:1\n" ENTRY("0", "tok/1") NEEDSTR_OK,
	                          NULL),
	                 EXIT_MGMT_FAILED); /* the script then closes the connection */
	assert_logged("> pkcs11-id-count\n", 1);
	assert_logged("> pkcs11-id-get \"0\"\n", 1);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/1\"\n", 1);
	assert_logged("? ", 0);
}

static void cert_option_picks_the_match(void **state)
{
	(void)state;
	opts.cert_pattern = "tok/2";
	new_session(false);
	run_with(two_certs, NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/2\"\n", 1);
	assert_logged("? ", 0);
}

static void cert_option_matching_two_ends_with_7(void **state)
{
	(void)state;
	opts.cert_pattern = "tok";
	new_session(false);
	assert_int_equal(run_with(two_certs, NULL), EXIT_NO_CERTIFICATE);
	assert_logged("> needstr", 0);
}

static void several_certificates_show_a_menu(void **state)
{
	static const char *const answers[] = {"7", "2", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	run_with(two_certs, answers);
	assert_logged("? Choose a certificate [1-2]: \n", 2); /* 7 is no choice: asked again */
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/2\"\n", 1);
}

static void batch_with_several_certificates_ends_with_7(void **state)
{
	(void)state;
	sc.interactive = true;
	opts.batch = true;
	new_session(false);
	assert_int_equal(run_with(two_certs, NULL), EXIT_NO_CERTIFICATE);
	assert_logged("? ", 0);
	assert_logged("> needstr", 0);
}

static void the_choice_survives_a_restart(void **state)
{
	static const char *const answers[] = {"2", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(two_certs, answers);
	run_with(two_certs, NULL);
	assert_logged("? Choose", 0);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/2\"\n", 1);
}

/*
 * OpenVPN lists two ids; the token view sees no key for the first: it is never offered, and
 * the other is the only choice (no menu, no --cert needed).
 */
static void a_certificate_without_a_key_is_not_offered(void **state)
{
	(void)state;
	opts.batch = true;
	sc.provider = true;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 2;
	sc.keyless_cert = 1;
	new_session(false);
	run_with(ID_REQUEST ">PKCS11ID-COUNT:2\n" ENTRY("0", "Token/Serial/1")
	             ENTRY("1", "Token/Serial/2") NEEDSTR_OK,
	         NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"Token/Serial/2\"\n", 1);
	assert_logged("Token/Serial/1\"\n", 0);
	assert_logged("? Choose", 0);
}

/* OpenVPN's PKCS#11 support cannot pair a key under another CKA_ID: the same as no key. */
static void a_key_under_another_id_is_not_offered_to_pkcs11(void **state)
{
	(void)state;
	opts.batch = true;
	sc.provider = true;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 2;
	sc.other_id_cert = 1;
	new_session(false);
	run_with(ID_REQUEST ">PKCS11ID-COUNT:2\n" ENTRY("0", "Token/Serial/1")
	             ENTRY("1", "Token/Serial/2") NEEDSTR_OK,
	         NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"Token/Serial/2\"\n", 1);
	assert_logged("Token/Serial/1\"\n", 0);
}

/* The only certificate has no key: no id is sent, the cause is said, exit 7. */
static void only_a_keyless_certificate_ends_with_7(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 1;
	sc.keyless_cert = 1;
	new_session(false);
	assert_int_equal(run_with(ID_REQUEST ">PKCS11ID-COUNT:1\n" ENTRY("0", "Token/Serial/1"),
	                          NULL),
	                 EXIT_NO_CERTIFICATE);
	assert_logged("> needstr", 0);
	assert_logged("? Choose", 0);
}

/* pkcs11-cert-private: the PIN asked in the middle of pkcs11-id-count gets no answer, exit 7. */
static void a_pin_asked_while_listing_is_not_answered(void **state)
{
	static const char *const answers[] = {"123456", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	assert_int_equal(run_with(ID_REQUEST ">PASSWORD:Need 'Priv token' password\n", answers),
	                 EXIT_NO_CERTIFICATE);
	assert_logged("> pkcs11-id-count\n", 1);
	assert_logged("> password", 0);
	assert_logged("? PIN", 0);
}

static char remembered[65];
static struct cert_memory remembered_all;

static void remember(void *arg, const struct cert_memory *chosen)
{
	(void)arg;
	snprintf(remembered, sizeof remembered, "%s", chosen->sha256);
	remembered_all = *chosen;
}

/* What an older version remembered: the fingerprint alone. */
static const struct cert_memory *memory_of(const char *sha256)
{
	static struct cert_memory m;

	memset(&m, 0, sizeof m);
	snprintf(m.sha256, sizeof m.sha256, "%s", sha256);
	return &m;
}

/* The menu's choice is told to be remembered; the next run uses it by itself, no menu. */
static void a_choice_is_remembered_for_the_next_run(void **state)
{
	static const char *const answers[] = {"2", NULL};

	(void)state;
	sc.interactive = true;
	remembered[0] = '\0';
	new_session(false);
	session_set_remembered_cert(s, NULL, remember, NULL);
	run_with(alpha_and_beta, answers);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/beta\"\n", 1);
	assert_string_equal(remembered, BETA_SHA256);

	remembered[0] = '\0';
	session_free(s);
	new_session(false);
	session_set_remembered_cert(s, memory_of(BETA_SHA256), remember, NULL);
	run_with(alpha_and_beta, NULL);
	assert_logged("? Choose", 0);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/beta\"\n", 1);
	assert_string_equal(remembered, ""); /* nobody chose: nothing new to remember */
}

/* --cert wins over the remembered choice, and becomes the one remembered. */
static void cert_option_wins_over_the_remembered_choice(void **state)
{
	(void)state;
	opts.batch = true;
	opts.cert_pattern = "alpha";
	new_session(false);
	session_set_remembered_cert(s, memory_of(BETA_SHA256), remember, NULL);
	run_with(alpha_and_beta, NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/alpha\"\n", 1);
	assert_string_equal(remembered, ALPHA_SHA256);
}

/* A remembered certificate no longer on the token: the menu, as without memory. */
static void a_remembered_certificate_gone_brings_the_menu(void **state)
{
	static const char *const answers[] = {"1", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	session_set_remembered_cert(
	    s, memory_of("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
	    remember, NULL);
	run_with(alpha_and_beta, answers);
	assert_logged("? Choose", 1);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/alpha\"\n", 1);
}

static void a_token_inserted_late_is_seen_without_spinning(void **state)
{
	/* OpenVPN lists nothing; meanwhile it floods log lines, each arriving on its own. */
	static char input[8192];
	size_t n;

	(void)state;
	opts.batch = true;
	sc.provider = true;
	sc.certs_from_listing = 3;
	sc.certs_on_token = 1;
	n = (size_t)snprintf(input, sizeof input, "%s", ID_REQUEST ">PKCS11ID-COUNT:0\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(input + n, sizeof input - n, ">LOG:1,I,line %d\n" SCRIPT_NEXT, i);
	new_session(false);
	run_with(input, NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"Token/Serial/1\"\n", 1);
	/* One look per second of (scripted) time, not one per line that arrived. */
	assert_int_equal(sc.listings, 3);
	assert_int_equal(sc.clock, 2000);
}

/*
 * While the session waits for the token, OpenVPN's further lines wait too (even an over-long
 * one): nothing is read, nothing spins, the token is looked at once a second until Ctrl-C.
 */
static void a_token_wait_reads_nothing_until_it_ends(void **state)
{
	static char input[MGMT_LINE_MAX + 200];
	size_t n;

	(void)state;
	opts.batch = true;
	sc.provider = true; /* the token never arrives */
	n = (size_t)snprintf(input, sizeof input, "%s",
	                     ID_REQUEST ">PKCS11ID-COUNT:0\n" SCRIPT_NEXT);
	memset(input + n, 'x', MGMT_LINE_MAX + 10);
	input[n + MGMT_LINE_MAX + 10] = '\0';
	new_session(false);
	assert_int_equal(run_with(input, NULL), EXIT_OK); /* Ctrl-C: attach detaches */
	assert_int_equal(sc.listings, 1 + (int)(sc.clock / 1000));
	assert_true(sc.reader.len < MGMT_LINE_MAX);
}

/* pcscd not running: no reader can be seen, so "insert the token" would send the person astray. */
static void no_smartcard_service_is_named_instead_of_the_token(void **state)
{
	static const char *const cancel[] = {ANSWER_CTRL_C, NULL};

	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.no_service = true;
	new_session(true);
	assert_int_equal(run_with(ID_REQUEST ">PKCS11ID-COUNT:0\n", cancel), EXIT_CANCELLED);
	assert_logged("? No certificate found. Start pcscd (Enter: look again, Ctrl-C: quit): \n", 1);
	assert_logged("Insert", 0);
	session_free(s);

	new_session(true);
	assert_int_equal(run_with(">NEED-OK:Need 'token-insertion-request' confirmation MSG:Please "
	                          "insert Anna token\n",
	                          cancel),
	                 EXIT_CANCELLED);
	assert_logged("? pcscd is not running; start it. Press Enter to continue, Ctrl-C to cancel: \n",
	              1);
	assert_logged("> needok \"token-insertion-request\" \"cancel\"\n", 1);
}

/* ---- the PIN: rejection, restart, the cache ---- */

static void a_second_request_without_restart_means_rejected(void **state)
{
	static const char *const answers[] = {"1111", "2222", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN PIN_NEED PIN_TAKEN, answers);
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	assert_logged("> password \"Anna token\" \"2222\"\n", 1);
}

/*
 * pkcs11-pin-cache N or a CKA_ALWAYS_AUTHENTICATE key: OpenVPN asks again in the middle of the
 * session.  A request a while after the answer (a refused PIN is asked again at once), or after
 * the log told of a finished handshake, is a new login: the PIN goes again, nobody is asked.
 */
static void a_request_after_a_login_that_went_through_is_a_new_login(void **state)
{
	static const char *const answers[] = {"1111", NULL};
	static const char *const inputs[] = {
		PIN_NEED PIN_TAKEN SCRIPT_LATER PIN_NEED PIN_TAKEN SCRIPT_LATER PIN_NEED PIN_TAKEN,
		PIN_NEED PIN_TAKEN ">LOG:1700000000,,Control Channel: TLSv1.3, cipher TLSv1.3\n"
		PIN_NEED PIN_TAKEN,
	};

	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		sc.interactive = true;
		new_session(false);
		run_with(inputs[i], answers);
		assert_logged("? PIN for token 'Anna': \n", 1);
		assert_logged("> password \"Anna token\" \"1111\"\n", i == 0 ? 3 : 2);
		session_free(s);
		s = NULL;
	}
}

static void a_rejected_pin_in_batch_ends_with_6(void **state)
{
	static char path[] = "/tmp/test_session_pin_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1111\n", 5), 5);
	close(fd);
	opts.batch = true;
	opts.pin_file = path;
	new_session(false);
	assert_int_equal(run_with(PIN_NEED PIN_TAKEN PIN_NEED, NULL), EXIT_PIN_REJECTED);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);

	/* A restart between the two: the same PIN again, from the cache (a script's one try). */
	session_free(s);
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN HOLD0 HOLD_RELEASED PIN_NEED PIN_TAKEN, NULL);
	assert_logged("> password \"Anna token\" \"1111\"\n", 2);
	unlink(path);
}

/*
 * Some tokens answer a wrong PIN so that OpenVPN restarts instead of asking again (OpenSC on a
 * CAC card: CKR_GENERAL_ERROR).  A PIN that went out right before a failure in the key step is
 * not sent again; only a failure that came before the key was used leaves it be.
 */
#define TLS_FAILED ">LOG:1700000000,N,TLS Error: TLS handshake failed\n"
#define REFUSED ">LOG:1700000000,N,TCP: connect to [AF_INET]127.0.0.1:1194 failed: Connection refused\n"
#define RECONNECTING ">STATE:1700000000,RECONNECTING,tls-error,,,,,\n"

static void a_restart_right_after_the_pin_is_a_refusal(void **state)
{
	static char path[] = "/tmp/test_session_pin_XXXXXX";
	static const char *const person[] = {"1111", ANSWER_EOF, NULL};
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1111\n", 5), 5);
	close(fd);

	/* --batch: the PIN from the file went once, then the run ends with 6. */
	opts.batch = true;
	opts.pin_file = path;
	new_session(true);
	assert_int_equal(run_with(PIN_NEED PIN_TAKEN TLS_FAILED RECONNECTING HOLD0 HOLD_RELEASED
	                          PIN_NEED, NULL),
	                 EXIT_PIN_REJECTED);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	session_free(s);

	/* A failure before the key was used (2.7's provider tokens take the PIN at start): again. */
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN REFUSED RECONNECTING HOLD0 HOLD_RELEASED PIN_NEED PIN_TAKEN, NULL);
	assert_logged("> password \"Anna token\" \"1111\"\n", 2);
	session_free(s);
	unlink(path);

	/* A person is asked again; with no answer, no other PIN can come: 6, not "cancelled". */
	opts.batch = false;
	opts.pin_file = NULL;
	sc.interactive = true;
	new_session(true);
	assert_int_equal(run_with(PIN_NEED PIN_TAKEN TLS_FAILED RECONNECTING HOLD0 HOLD_RELEASED
	                          PIN_NEED, person),
	                 EXIT_PIN_REJECTED);
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
}

/*
 * The same restart with the token out of its reader (pulled at the prompt or during the
 * handshake): nothing the token did says anything of the PIN.  --batch goes on with the PIN
 * from its source once OpenVPN asks again; it never ends with 6 (issue 25, seam 1).
 */
static void a_restart_with_the_token_out_is_no_refusal(void **state)
{
	static char path[] = "/tmp/test_session_pin_XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1111\n", 5), 5);
	close(fd);
	opts.batch = true;
	opts.pin_file = path;
	sc.provider = true; /* the token view can see, and the token is not there */
	new_session(true);
	assert_int_not_equal(run_with(PIN_NEED PIN_TAKEN TLS_FAILED RECONNECTING HOLD0
	                              HOLD_RELEASED PIN_NEED PIN_TAKEN, NULL),
	                     EXIT_PIN_REJECTED);
	assert_logged("> password \"Anna token\" \"1111\"\n", 2);
	unlink(path);
}

/*
 * The only certificate expired and the server refuses it: over TCP OpenVPN sees only its
 * connection reset, but it warned when it loaded the certificate.  The certificate is blamed,
 * not the PIN, and the run ends with 7 instead of trying for ever (issue 25, seam 7).
 */
#define CERT_EXPIRED ">LOG:1700000000,W,WARNING: Your certificate has expired!\n"
#define RESET ">LOG:1700000000,N,Connection reset, restarting [0]\n"

static void a_refused_expired_certificate_is_named(void **state)
{
	static const char *const person[] = {"1111", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	assert_int_equal(run_with(CERT_EXPIRED PIN_NEED PIN_TAKEN RESET
	                          ">STATE:1700000000,RECONNECTING,connection-reset,,,,,\n" HOLD0,
	                          person),
	                 EXIT_NO_CERTIFICATE);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	assert_logged("? PIN for token 'Anna': \n", 1);
}

/* OpenVPN logs in through a PIN pad (nothing on the wire): in --batch one failure ends it. */
static void a_pin_pad_failure_in_batch_ends_with_6(void **state)
{
	(void)state;
	sc.provider = true;
	sc.pinpad = true;
	opts.batch = true;
	new_session(true);
	session_set_config_id(s, "SoftHSM/SoftHSM\\x20v2/1/Anna/45");
	assert_int_equal(run_with(">STATE:1700000000,AUTH,,,,,,\n" TLS_FAILED RECONNECTING HOLD0,
	                          NULL),
	                 EXIT_PIN_REJECTED);
	assert_logged("> password", 0);
	session_free(s);

	/* The handshake went through: no failure later counts against the pad. */
	new_session(true);
	session_set_config_id(s, "SoftHSM/SoftHSM\\x20v2/1/Anna/45");
	assert_int_equal(run_with(">STATE:1700000000,AUTH,,,,,,\n" CONNECTED TLS_FAILED
	                          RECONNECTING HOLD0 HOLD_RELEASED,
	                          NULL),
	                 EXIT_OPENVPN_FAILED);
}

static void an_unconfirmed_pin_is_asked_again_after_a_restart(void **state)
{
	static const char *const answers[] = {"1111", "1111", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN HOLD0 HOLD_RELEASED PIN_NEED PIN_TAKEN, answers);
	assert_logged("? PIN for token 'Anna': \n", 2);
}

static void a_confirmed_pin_is_sent_again_by_itself(void **state)
{
	static const char *const answers[] = {"1111", NULL};
	static const char *const confirming[] = {
		">STATE:1700000000,GET_CONFIG,,,,,,\n", CONNECTED,
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char input[1024];

		snprintf(input, sizeof input, "%s%s%s%s%s%s", PIN_NEED, PIN_TAKEN, confirming[i],
		         HOLD0 HOLD_RELEASED, PIN_NEED, PIN_TAKEN);
		sc.interactive = true;
		new_session(false);
		run_with(input, answers);
		assert_logged("? PIN for token 'Anna': \n", 1);
		assert_logged("> password \"Anna token\" \"1111\"\n", 2);
		session_free(s);
		s = NULL;
	}
}

static void the_cache_survives_a_new_openvpn_only_when_confirmed(void **state)
{
	static const char *const answers[] = {"1111", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN CONNECTED, answers);
	run_with(PIN_NEED PIN_TAKEN, NULL);
	assert_logged("? PIN", 0);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
}

static void no_cache_asks_every_time(void **state)
{
	static const char *const answers[] = {"1111", "1111", NULL};

	(void)state;
	sc.interactive = true;
	opts.no_cache = true;
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN CONNECTED HOLD0 HOLD_RELEASED PIN_NEED PIN_TAKEN, answers);
	assert_logged("? PIN for token 'Anna': \n", 2);
}

static void no_terminal_and_no_source_ends_with_9(void **state)
{
	(void)state;
	sc.interactive = false; /* standard input at its end at once: </dev/null */
	new_session(false);
	assert_int_equal(run_with(PIN_NEED, NULL), EXIT_NEEDS_INPUT);
	assert_logged("> password", 0);
	session_free(s);

	new_session(false);
	assert_int_equal(run_with(ENTER, NULL), EXIT_NEEDS_INPUT);
	session_free(s);

	/* At a terminal, end of input is the person cancelling. */
	sc.interactive = true;
	new_session(false);
	assert_int_equal(run_with(PIN_NEED, NULL), EXIT_CANCELLED);
}

/* ---- OpenSSL-provider tokens (2.7: cert and key as pkcs11: URIs) ---- */

#define PROVIDER_NEED ">PASSWORD:Need 'PKCS#11 token' password\n"
#define PROVIDER_TAKEN "SUCCESS: 'PKCS#11 token' password entered, but not yet verified\n"
#define KEY_FATAL ">FATAL:Error: private key password verification failed\n"

static void a_provider_token_is_asked_without_a_label(void **state)
{
	static const char *const answers[] = {"1111", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	run_with(PROVIDER_NEED PROVIDER_TAKEN CONNECTED, answers);
	assert_logged("? PIN for the PKCS#11 token: \n", 1);
	assert_logged("> password \"PKCS#11 token\" \"1111\"\n", 1);
	/* Confirmed: a new openvpn gets it from the cache. */
	run_with(PROVIDER_NEED PROVIDER_TAKEN, NULL);
	assert_logged("? PIN", 0);
	assert_logged("> password \"PKCS#11 token\" \"1111\"\n", 1);
}

static void the_key_failing_right_after_our_pin_is_a_rejection(void **state)
{
	static const char *const answers[] = {"1111", "2222", NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	assert_int_equal(run_with(PROVIDER_NEED PROVIDER_TAKEN KEY_FATAL, answers),
	                 EXIT_PIN_REJECTED);
	/* --restart's next openvpn: the refused PIN is not sent again, a person is asked. */
	run_with(PROVIDER_NEED PROVIDER_TAKEN, answers + 1);
	assert_logged("? PIN for the PKCS#11 token: \n", 1);
	assert_logged("> password \"PKCS#11 token\" \"1111\"\n", 0);
	assert_logged("> password \"PKCS#11 token\" \"2222\"\n", 1);
	session_free(s);

	/* The same from a PIN file in --batch: one attempt, exit 6, the source not read again. */
	{
		static char path[] = "/tmp/test_session_pin_XXXXXX";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "1111\n", 5), 5);
		close(fd);
		opts.batch = true;
		opts.pin_file = path;
		new_session(true);
		assert_int_equal(run_with(PROVIDER_NEED PROVIDER_TAKEN KEY_FATAL, NULL),
		                 EXIT_PIN_REJECTED);
		assert_int_equal(run_with(PROVIDER_NEED, NULL), EXIT_NEEDS_INPUT);
		assert_logged("> password", 0);
		unlink(path);
	}
}

/* ---- the cause, not OpenVPN's echo ---- */

static void a_wrong_config_id_is_named_as_the_cause(void **state)
{
	(void)state;
	sc.provider = true;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 1; /* Token/Serial/1 */
	new_session(true);
	session_set_config_id(s, "Token/Serial/9");
	assert_int_equal(run_with(KEY_FATAL, NULL), EXIT_NO_CERTIFICATE);
	session_free(s);

	/* The id names the right one: OpenVPN's failure stays OpenVPN's. */
	new_session(true);
	session_set_config_id(s, "Token/Serial/1");
	assert_int_equal(run_with(KEY_FATAL, NULL), EXIT_OPENVPN_FAILED);
	session_free(s);

	/* OpenVPN asks to insert the token that is there: the id is wrong, not the token. */
	sc.interactive = true;
	sc.present_from_listing = 1;
	new_session(true);
	session_set_config_id(s, "Token/Serial/9");
	assert_int_equal(run_with(">NEED-OK:Need 'token-insertion-request' confirmation "
	                          "MSG:Please insert Anna token\n", NULL),
	                 EXIT_NO_CERTIFICATE);
	assert_logged("? ", 0);
	assert_logged("> needok", 0);
}

static void after_a_cancel_the_key_failure_changes_nothing(void **state)
{
	static const char *const cancel[] = {ANSWER_CTRL_C, NULL};

	(void)state;
	sc.interactive = true;
	new_session(true);
	assert_int_equal(run_with(ID_REQUEST ">PKCS11ID-COUNT:2\n" ENTRY("0", "tok/1")
	                          ENTRY("1", "tok/2") SCRIPT_NEXT KEY_FATAL,
	                          cancel), EXIT_CANCELLED);
	assert_logged("> signal \"SIGTERM\"\n", 1);
}

/* ---- lockout ---- */

static void a_locked_token_gets_no_pin_and_ends_with_10(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.pin_state = P11_PIN_LOCKED;
	new_session(false);
	assert_int_equal(run_with(PIN_NEED, NULL), EXIT_TOKEN_LOCKED);
	assert_logged("? ", 0);
	assert_logged("> password", 0);
}

static void the_final_try_needs_a_person(void **state)
{
	static const char *const yes[] = {"y", "1111", NULL};
	static const char *const no[] = {"n", NULL};

	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.pin_state = P11_PIN_FINAL_TRY;
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN, yes);
	assert_logged("? Final try: one more wrong PIN locks token 'Anna'. Continue? [y/N] \n", 1);
	assert_logged("> password \"Anna token\" \"1111\"\n", 1);
	session_free(s);

	new_session(false);
	assert_int_equal(run_with(PIN_NEED, no), EXIT_CANCELLED);
	assert_logged("> password", 0);
	session_free(s);

	opts.batch = true;
	new_session(false);
	assert_int_equal(run_with(PIN_NEED, NULL), EXIT_TOKEN_LOCKED);
	assert_logged("? ", 0);
	session_free(s);

	opts.batch = false;
	sc.interactive = false; /* nobody to confirm */
	new_session(false);
	assert_int_equal(run_with(PIN_NEED, NULL), EXIT_TOKEN_LOCKED);
	assert_logged("> password", 0);
}

/* ---- the hold back-off ---- */

static void the_hold_waits_as_long_as_openvpn_says(void **state)
{
	(void)state;
	new_session(false);
	run_with(">HOLD:Waiting for hold release:10\n", NULL);
	assert_logged("> hold release\n", 1);
	assert_int_equal(sc.clock, 10000);
	session_free(s);

	new_session(false);
	run_with(">HOLD:Waiting for hold release:1000\n", NULL);
	assert_logged("> hold release\n", 1);
	assert_int_equal(sc.clock, 300000);
	session_free(s);

	new_session(false);
	run_with(HOLD0, NULL);
	assert_logged("> hold release\n", 1);
	assert_int_equal(sc.clock, 0);
}

/*
 * OpenVPN for Windows (seen under wine) can lose a release that arrives while it writes a
 * reply: over TCP, one that is not confirmed is sent again after 2 s, five times at the most;
 * once confirmed, never.  Over a unix socket (Linux) nothing is sent again.
 */
static void an_unconfirmed_release_is_sent_again(void **state)
{
	(void)state;
	sc.over_tcp = true;
	new_session(false);
	run_with(HOLD0, NULL);
	assert_logged("> hold release\n", 1 + 5);
	assert_int_equal(sc.clock, 6 * 2000); /* sent at 0, 2, 4, 6, 8, 10 s; given up at 12 s */
	session_free(s);

	new_session(false);
	run_with(HOLD0 RELEASED, NULL);
	assert_logged("> hold release\n", 1);
}

static void ctrl_c_during_the_hold_stops_openvpn(void **state)
{
	(void)state;
	new_session(true);
	assert_int_equal(run_with(">HOLD:Waiting for hold release:10\n" SCRIPT_CTRL_C, NULL),
	                 EXIT_OK);
	assert_logged("> signal \"SIGTERM\"\n", 1);
	assert_logged("> hold release", 0);
}

/* ---- the token taken out while connected (--on-removal) ---- */

#define CONNECTED_ANNA ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"

/*
 * Connected on token 'Anna' (its PIN asked once), then the token goes (look 2) and comes back
 * (look 4): the tunnel goes down (OpenVPN forgets its passwords, holds, restarts), the PIN is
 * wiped, the hold is kept until the token is back, and then the PIN is asked again.
 */
static void a_removed_token_takes_the_tunnel_down_until_it_is_back(void **state)
{
	static const char *const answers[] = {"1111", "2222", NULL};

	(void)state;
	sc.interactive = true;
	sc.watch_kind = IO_WATCH_POLLS;
	sc.watch_away_from = 2;
	sc.watch_back_from = 4;
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN CONNECTED_ANNA SCRIPT_LATER
	         ">STATE:1700000000,RECONNECTING,SIGUSR1,,,,,\n" HOLD0 SCRIPT_LATER
	         PIN_NEED PIN_TAKEN CONNECTED_ANNA,
	         answers);
	assert_logged("# watch Anna\n", 1);
	assert_logged("> forget-passwords\n> hold \"on\"\n> signal \"SIGUSR1\"\n", 1);
	/* Not released while the token was away; released once it was back. */
	assert_logged("> hold release\n", 1);
	assert_true(strstr(sc.log, "> signal \"SIGUSR1\"") < strstr(sc.log, "> hold release"));
	/* The PIN was wiped: the person is asked again, the new PIN goes. */
	assert_logged("? PIN for token 'Anna': \n", 2);
	assert_logged("> password \"Anna token\" \"2222\"\n", 1);
	assert_non_null(strstr(sc.log, "# watch Anna"));
}

static void keep_leaves_the_tunnel_alone(void **state)
{
	static const char *const answers[] = {"1111", NULL};

	(void)state;
	sc.interactive = true;
	sc.watch_kind = IO_WATCH_POLLS;
	sc.watch_away_from = 1;
	opts.keep_tunnel_on_removal = true;
	new_session(true);
	run_with(PIN_NEED PIN_TAKEN CONNECTED_ANNA SCRIPT_LATER SCRIPT_LATER, answers);
	assert_logged("# watch", 0);
	assert_logged("> signal \"SIGUSR1\"", 0);
}

/* attach: the openvpn did not hold before; once the token is back it does not hold again. */
static void attach_puts_the_hold_back_as_it_was(void **state)
{
	static const char *const answers[] = {"1111", "1111", NULL};

	(void)state;
	sc.interactive = true;
	sc.watch_kind = IO_WATCH_POLLS;
	sc.watch_away_from = 2;
	sc.watch_back_from = 6; /* after OpenVPN answered "hold" */
	new_session(false);
	run_with(PIN_NEED PIN_TAKEN CONNECTED_ANNA SCRIPT_LATER
	         "SUCCESS: forget-passwords command succeeded\nSUCCESS: hold=0\n"
	         "SUCCESS: hold flag set to ON\nSUCCESS: signal SIGUSR1 thrown\n" SCRIPT_LATER
	         SCRIPT_LATER HOLD0 SCRIPT_LATER,
	         answers);
	assert_logged("> forget-passwords\n> hold\n> hold \"on\"\n> signal \"SIGUSR1\"\n", 1);
	assert_logged("> hold \"off\"\n", 1);
}

/* ---- the management password ---- */

static void a_typed_management_password_gets_three_tries(void **state)
{
	static const char *const answers[] = {"a", "b", "c", "d", NULL};

	(void)state;
	sc.interactive = true;
	new_session(false);
	assert_int_equal(run_with(ENTER ENTER ENTER ENTER, answers), EXIT_MGMT_PASSWORD);
	assert_logged("? Management password: \n", 3);
	assert_logged("> c\n", 1);
	assert_logged("> d\n", 0);
	/* Each went out through the one send, and was wiped by the next wait (run_with). */
	assert_int_equal(sc.secrets_sent, 3);
}

/* As OpenVPN does it: ERROR, ENTER PASSWORD again, and after the third it hangs up. */
#define BAD_PASSWORD "ERROR: bad password\n"

static void three_refusals_end_with_8_and_no_fourth_prompt(void **state)
{
	static const char *const answers[] = {"a", "b", "c", "d", NULL};
	static const char *const wires[] = {
		ENTER BAD_PASSWORD ENTER BAD_PASSWORD ENTER BAD_PASSWORD ENTER,
		ENTER BAD_PASSWORD ENTER BAD_PASSWORD ENTER BAD_PASSWORD,
		ENTER BAD_PASSWORD ENTER BAD_PASSWORD ENTER, /* the last ERROR lost in the hang-up */
	};

	(void)state;
	for (size_t i = 0; i < sizeof wires / sizeof wires[0]; i++) {
		sc.interactive = true;
		new_session(false);
		assert_int_equal(run_with(wires[i], answers), EXIT_MGMT_PASSWORD);
		assert_logged("? Management password: \n", 3);
		assert_logged("> d\n", 0);
		session_free(s);
		s = NULL;
	}
	/* Our own openvpn too: the password's refusal, not "openvpn failed". */
	sc.interactive = true;
	new_session(true);
	assert_int_equal(run_with(ENTER BAD_PASSWORD ENTER BAD_PASSWORD ENTER, answers),
	                 EXIT_MGMT_PASSWORD);
}

static void a_refused_password_file_ends_at_the_error(void **state)
{
	(void)state;
	new_session(false);
	assert_int_equal(session_set_mgmt_password(s, "secret"), 0);
	assert_int_equal(run_with(ENTER BAD_PASSWORD ENTER, NULL), EXIT_MGMT_PASSWORD);
	assert_logged("> secret\n", 1);
	assert_logged("? ", 0);
}

static void a_management_password_from_a_file_gets_one_try(void **state)
{
	(void)state;
	new_session(false);
	assert_int_equal(session_set_mgmt_password(s, "secret"), 0);
	assert_int_equal(run_with(ENTER ENTER, NULL), EXIT_MGMT_PASSWORD);
	assert_logged("> secret\n", 1);
	assert_logged("? ", 0);
}

/* ---- the status file ---- */

static void our_own_states_carry_the_time(void **state)
{
	unsigned y, mo, d, h, mi, se;
	const char *line;

	(void)state;
	new_session(true);
	run_with(">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n", NULL);
	/* The run's end is our own state: stamped with the (scripted) wall clock, not OpenVPN's. */
	assert_non_null(strstr(sc.status, "state=EXITED\n"));
	line = strstr(sc.status, "time=");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "time=%4u-%2u-%2uT%2u:%2u:%2uZ\n", &y, &mo, &d, &h, &mi, &se),
	                 6);
	assert_int_equal(y, 2023);
	assert_int_equal(mo, 11);
	assert_int_equal(d, 14);
	/* No certificate was chosen on this run: the file names none. */
	assert_null(strstr(sc.status, "cert_"));
}

/* The chosen certificate goes into the status file: status warns from it when it ends soon. */
static void the_status_file_names_the_chosen_certificate(void **state)
{
	(void)state;
	new_session(false);
	run_with(ID_REQUEST ">PKCS11ID-COUNT:1\n"
	         NAMED_ENTRY("0", "SoftHSM\\x20project/SoftHSM\\x20v2/0123/Anna\\x20token/45",
	                     ALPHA_BLOB) NEEDSTR_OK CONNECTED,
	         NULL);
	assert_logged("> needstr \"pkcs11-id-request\"", 1);
	/* The last text (EXITED) still names it. */
	assert_non_null(strstr(sc.status, "\ncert_subject=CN=alpha\n"));
	assert_non_null(strstr(sc.status, "\ncert_not_after=2120-01-01T00:00:00Z\n"));
	/* pkcs11-helper's list names the token only in the id: its label, unescaped. */
	assert_non_null(strstr(sc.status, "\ncert_token=Anna token\n"));
	assert_non_null(
	    strstr(sc.status, "\ncert_id=SoftHSM\\x20project/SoftHSM\\x20v2/0123/Anna\\x20token/45\n"));
}

/* ---- the real connection: a full line buffer must not look readable forever ---- */

static void a_full_line_buffer_is_an_error_not_a_busy_loop(void **state)
{
	char dir[] = "/tmp/test_session_XXXXXX", junk[4096], err[256];
	struct mgmt_address addr = {.is_unix = true};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct mgmt_conn conn;
	int lfd, peer;
	long got = 1;
	int calls = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(addr.path, sizeof addr.path, "%s/s", dir);
	memcpy(sun.sun_path, addr.path, strlen(addr.path) + 1); /* about 30 bytes */
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(mgmt_conn_open(&conn, &addr, err, sizeof err), 0);
	peer = accept(lfd, NULL, NULL);
	memset(junk, 'x', sizeof junk);
	for (int i = 0; i < 5; i++)
		assert_int_equal(write(peer, junk, sizeof junk), (ssize_t)sizeof junk);
	while (got > 0 && calls++ < 100)
		got = mgmt_conn_fill(&conn, err, sizeof err);
	assert_int_equal(got, -1);
	assert_true(calls < 100);
	mgmt_conn_close(&conn);
	close(peer);
	close(lfd);
	unlink(addr.path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(one_certificate_is_chosen_by_itself),
		T(cert_option_picks_the_match),
		T(cert_option_matching_two_ends_with_7),
		T(several_certificates_show_a_menu),
		T(batch_with_several_certificates_ends_with_7),
		T(the_choice_survives_a_restart),
		T(a_certificate_without_a_key_is_not_offered),
		T(a_key_under_another_id_is_not_offered_to_pkcs11),
		T(only_a_keyless_certificate_ends_with_7),
		T(a_pin_asked_while_listing_is_not_answered),
		T(a_choice_is_remembered_for_the_next_run),
		T(cert_option_wins_over_the_remembered_choice),
		T(a_remembered_certificate_gone_brings_the_menu),
		T(a_token_inserted_late_is_seen_without_spinning),
		T(a_token_wait_reads_nothing_until_it_ends),
		T(no_smartcard_service_is_named_instead_of_the_token),
		T(a_second_request_without_restart_means_rejected),
		T(a_request_after_a_login_that_went_through_is_a_new_login),
		T(a_rejected_pin_in_batch_ends_with_6),
		T(a_restart_right_after_the_pin_is_a_refusal),
		T(a_restart_with_the_token_out_is_no_refusal),
		T(a_refused_expired_certificate_is_named),
		T(a_pin_pad_failure_in_batch_ends_with_6),
		T(an_unconfirmed_pin_is_asked_again_after_a_restart),
		T(a_confirmed_pin_is_sent_again_by_itself),
		T(the_cache_survives_a_new_openvpn_only_when_confirmed),
		T(no_cache_asks_every_time),
		T(no_terminal_and_no_source_ends_with_9),
		T(a_provider_token_is_asked_without_a_label),
		T(the_key_failing_right_after_our_pin_is_a_rejection),
		T(a_wrong_config_id_is_named_as_the_cause),
		T(after_a_cancel_the_key_failure_changes_nothing),
		T(a_locked_token_gets_no_pin_and_ends_with_10),
		T(the_final_try_needs_a_person),
		T(the_hold_waits_as_long_as_openvpn_says),
		T(an_unconfirmed_release_is_sent_again),
		T(ctrl_c_during_the_hold_stops_openvpn),
		T(a_removed_token_takes_the_tunnel_down_until_it_is_back),
		T(keep_leaves_the_tunnel_alone),
		T(attach_puts_the_hold_back_as_it_was),
		T(a_typed_management_password_gets_three_tries),
		T(a_management_password_from_a_file_gets_one_try),
		T(three_refusals_end_with_8_and_no_fourth_prompt),
		T(a_refused_password_file_ends_at_the_error),
		T(our_own_states_carry_the_time),
		T(the_status_file_names_the_chosen_certificate),
		T(a_full_line_buffer_is_an_error_not_a_busy_loop),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
