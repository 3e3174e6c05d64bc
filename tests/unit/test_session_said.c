/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session as a user meets it: the certificate choice (the remembered one's renewal, the same
 * certificate on two tokens, a file not to be trusted, --cert sha256:, what --batch and the menu
 * say) and the messages of a token without a certificate, a removal and a fatal cause.  Driven
 * in the scripted world's bed (tests/lib/session_bed.h); what the user reads on stdout and
 * stderr is captured and asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cert/cert_info.h"
#include "exit_codes.h"
#include "cli/options.h"
#include "cli/parse.h"
#include "cmd/chosen_cert.h"
#include "session/session.h"
#include "ui/output.h"
#include "../lib/session_bed.h"

#define ID_REQUEST ">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify the id\n"
#define NEEDSTR_OK "SUCCESS: needstr command succeeded\n"
#define ENTRY(i, id) ">PKCS11ID-ENTRY:'" i "', ID:'" id "', BLOB:'MIIC'\n"
#define PIN_NEED ">PASSWORD:Need 'Anna token' password\n"
#define PIN_TAKEN "SUCCESS: 'Anna token' password entered, but not yet verified\n"
#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define NAMED_ENTRY(i, id, blob) ">PKCS11ID-ENTRY:'" i "', ID:'" id "', BLOB:'" blob "'\n"

/* Self-signed, CN=alpha / CN=beta, for TLS clients, their keys thrown away (as test_session.c). */
#define ALPHA_BLOB \
	"MIIBUjCB+aADAgECAgIQADAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVhbHBoYTAgFw0yMDAxMDEwMDAwMDBaGA8y" \
	"MTIwMDEwMTAwMDAwMFowEDEOMAwGA1UEAwwFYWxwaGEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATgMiFMYo6b" \
	"9988BZjlsBv3tCdIY7H2lLj8fD3Tgc+j8nbbwfnMmgOwRJ8ZuEAhQW6PtaFslCJchRi415WA9omjo0EwPzAJBgNV" \
	"HRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQWBBQMb5VHFMaxRHtjfJ1W5oWnP6NRZjAKBggqhkjO" \
	"PQQDAgNIADBFAiBIcEUXDUkzyLKNRubbzUFjWtW7R7suHGW+809U+x33rwIhALx2e84a3atMbM1NNxoaeRxK27+e" \
	"Jm6SEdV2cMN6YE04"
#define ALPHA_SHA256 "66a6edcf6a6b813078c0de1dc81b8b8952a6054c4237f953d0cece26cdb6c358"
#define ALPHA_NOT_BEFORE 1577836800LL /* 2020-01-01 */
/* alpha renewed: the same subject and issuer, a new key, valid from 2021-01-01 to 2120. */
#define ALPHA_RENEWED_BLOB \
	"MIIBUTCB+aADAgECAgIQAjAKBggqhkjOPQQDAjAQMQ4wDAYDVQQDDAVhbHBoYTAgFw0yMTAxMDEwMDAwMDBaGA8y" \
	"MTIwMDEwMTAwMDAwMFowEDEOMAwGA1UEAwwFYWxwaGEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASqtcps8obM" \
	"ixvIgWfgjmMIV0kUpJVrvy+2p2KxbwhzAYvd76fgssPIo09vKgqkQ5WS22NonVJ7ME1W9zkIcuq7o0EwPzAJBgNV" \
	"HRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUFBwMCMB0GA1UdDgQWBBR4x5hzNiX+jEB1TiUL3H8USNq2vzAKBggqhkjO" \
	"PQQDAgNHADBEAiBGHNE8CpYR3hPsHQ2FYA3SPx9JdztrC0RxCLmKqmJYeQIgFwlwvN42RTHv5vV4VBU99eftBsPj" \
	"EoLNMUZ/ZWjTxi0="
#define ALPHA_RENEWED_SHA256 "314ce333eca38a6c68b14650ffbfb23e4c9be2010d3887bfacef1787f0348685"
#define BETA_BLOB \
	"MIIBUDCB96ADAgECAgIQATAKBggqhkjOPQQDAjAPMQ0wCwYDVQQDDARiZXRhMCAXDTIwMDEwMTAwMDAwMFoYDzIx" \
	"MjAwMTAxMDAwMDAwWjAPMQ0wCwYDVQQDDARiZXRhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/DR3VgZysLtW" \
	"qgTMYeTm+GiQptTAxTaWShWFl68UFFLv1xb/cF3IBeBkjh3o5cQoCB9bciQ1kRDrM8ukoNVlf6NBMD8wCQYDVR0T" \
	"BAIwADATBgNVHSUEDDAKBggrBgEFBQcDAjAdBgNVHQ4EFgQU3ljOJQPQMwK8PwfUwzPjW1rW790wCgYIKoZIzj0E" \
	"AwIDSAAwRQIgKUxOY7bK+Nhbqk+ajsIBZXvj7YBBi8JGIgJoUuNzNXICIQCK8VfxvuHPXZnQVb+0iwm755uVBigq" \
	"RlWbg8VC9avWTQ=="
#define BETA_SHA256 "8edb0a2c8c8e132e19bdf653beb76b2bfeb7c17732512bfb870291e6abb8549d"

static char said[16384]; /* what the run wrote to stdout and stderr */
static struct cert_memory remembered;
static int choices;

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	memset(&remembered, 0, sizeof remembered);
	choices = 0;
	said[0] = '\0';
	out_set_verbosity(VERBOSITY_NORMAL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	return 0;
}

static void remember(void *arg, const struct cert_memory *chosen)
{
	(void)arg;
	remembered = *chosen;
	choices++;
}

/* attach, with the certificate remembered before (NULL: none); a choice lands in remembered. */
static void new_session_with_memory(const struct cert_memory *memory)
{
	new_session(false);
	session_set_remembered_cert(s, memory, remember, NULL);
}

/* One run over input; what it says (status lines, errors, warnings, menus) lands in said. */
static int run_said(const char *input, const char *const *answers)
{
	return run_saying(input, answers, said, sizeof said);
}

static void assert_said(const char *text)
{
	if (strstr(said, text) == NULL)
		fail_msg("expected '%s' in what was said:\n%s", text, said);
}

static void assert_not_said(const char *text)
{
	if (strstr(said, text) != NULL)
		fail_msg("did not expect '%s' in what was said:\n%s", text, said);
}

static struct cert_memory alpha_memory(const char *id)
{
	struct cert_memory m = {.not_before = ALPHA_NOT_BEFORE};

	snprintf(m.sha256, sizeof m.sha256, "%s", ALPHA_SHA256);
	snprintf(m.id, sizeof m.id, "%s", id);
	snprintf(m.subject, sizeof m.subject, "CN=alpha");
	snprintf(m.issuer, sizeof m.issuer, "CN=alpha");
	return m;
}

/* 1. Renewed on the card (same subject, issuer and id, newer, new key): taken, and remembered. */
static void a_renewed_certificate_is_used_and_remembered(void **state)
{
	struct cert_memory m = alpha_memory("tok/alpha");

	(void)state;
	opts.batch = true;
	new_session_with_memory(&m);
	run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n" NAMED_ENTRY("0", "tok/alpha", ALPHA_RENEWED_BLOB)
	             NAMED_ENTRY("1", "tok/beta", BETA_BLOB) NEEDSTR_OK,
	         NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"tok/alpha\"\n", 1);
	assert_string_equal(remembered.sha256, ALPHA_RENEWED_SHA256);
	assert_string_equal(remembered.id, "tok/alpha");
}

/* 1. A newer one elsewhere (another id) is no renewal: the choice gone is said, with the list. */
static void a_remembered_certificate_gone_is_said_in_batch(void **state)
{
	struct cert_memory m = alpha_memory("tok/old");

	(void)state;
	opts.batch = true;
	new_session_with_memory(&m);
	assert_int_equal(run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n"
	                              NAMED_ENTRY("0", "tok/alpha", ALPHA_RENEWED_BLOB)
	                                  NAMED_ENTRY("1", "tok/beta", BETA_BLOB),
	                          NULL),
	                 EXIT_NO_CERTIFICATE);
	assert_logged("> needstr", 0);
	assert_said("the certificate chosen before, CN=alpha (sha256 66a6edcf6a6b8130...), is no "
	            "longer on the token");
	assert_said("tok/alpha");
	assert_said("tok/beta");
	assert_int_equal(choices, 0);
}

/* 2. The same certificate on a main and a backup token: the one it was chosen on. */
static void the_same_certificate_on_two_tokens_takes_the_remembered_token(void **state)
{
	struct cert_memory m = alpha_memory("backup/alpha");

	(void)state;
	opts.batch = true;
	new_session_with_memory(&m);
	run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n" NAMED_ENTRY("0", "main/alpha", ALPHA_BLOB)
	             NAMED_ENTRY("1", "backup/alpha", ALPHA_BLOB) NEEDSTR_OK,
	         NULL);
	assert_logged("> needstr \"pkcs11-id-request\" \"backup/alpha\"\n", 1);
}

/* 2. Remembered by fingerprint only (an older file): it cannot tell the tokens apart, it asks. */
static void the_fingerprint_alone_on_two_tokens_asks(void **state)
{
	static const char *const answers[] = {"2", NULL};
	struct cert_memory m = {.sha256 = ALPHA_SHA256};

	(void)state;
	sc.interactive = true;
	new_session_with_memory(&m);
	run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n" NAMED_ENTRY("0", "main/alpha", ALPHA_BLOB)
	             NAMED_ENTRY("1", "backup/alpha", ALPHA_BLOB) NEEDSTR_OK,
	         answers);
	assert_logged("? Choose a certificate [1-2]: \n", 1);
	assert_logged("> needstr \"pkcs11-id-request\" \"backup/alpha\"\n", 1);
	assert_said("is on 2 tokens");
	assert_string_equal(remembered.id, "backup/alpha"); /* the token is remembered now */
}

/* 3. A remembered-choice file that others may write to, or another user's, is not trusted. */
static void a_choice_file_open_to_others_is_ignored(void **state)
{
	char dir[] = "/tmp/test_cert_choice_XXXXXX";
	struct chosen_cert cc;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cc.path, sizeof cc.path, "%s/office.cert", dir);
	f = fopen(cc.path, "w");
	assert_non_null(f);
	fprintf(f, "sha256 %s\nid tok/alpha\n", ALPHA_SHA256);
	fclose(f);
	chmod(cc.path, 0600);
	chosen_cert_read(&cc);
	assert_string_equal(cc.memory.sha256, ALPHA_SHA256); /* the user's own: trusted */
	assert_string_equal(cc.memory.id, "tok/alpha");
	chmod(cc.path, 0622);
	chosen_cert_read(&cc);
	assert_string_equal(cc.memory.sha256, "");
	if (getuid() == 0) {
		chmod(cc.path, 0600);
		assert_int_equal(chown(cc.path, 4242, 4242), 0);
		chosen_cert_read(&cc);
		assert_string_equal(cc.memory.sha256, "");
	}
	unlink(cc.path);
	rmdir(dir);
}

/* 4. --cert SHA256:AB:CD... as openssl prints it; fewer than 8 digits is a usage error. */
static void cert_sha256_takes_openssls_spelling(void **state)
{
	struct cert_info ci;

	(void)state;
	assert_int_equal(cert_info_from_base64(ALPHA_BLOB, &ci), 0);
	assert_true(cert_info_matches(&ci, NULL, "sha256:66a6edcf"));
	assert_true(cert_info_matches(&ci, NULL, "SHA256:66:A6:ED:CF:6A"));
	assert_true(cert_info_matches(&ci, NULL, "sha256 Fingerprint=66:A6:ED:CF:6A:6B"));
	assert_false(cert_info_matches(&ci, NULL, "SHA256:66:A6:ED:CF:6B"));
}

static void cert_sha256_with_7_digits_is_refused(void **state)
{
	char *argv[] = {"ovpn-token", "start", "--cert", "sha256:66a6edc", "office.ovpn", NULL};
	char *bad[] = {"ovpn-token", "start", "--cert", "SHA256:66a6edcz", "office.ovpn", NULL};
	char *good[] = {"ovpn-token", "start", "--cert", "SHA256:66:A6:ED:CF", "office.ovpn", NULL};
	struct options parsed;
	char err[512];

	(void)state;
	assert_int_equal(options_parse(5, argv, &parsed, err, sizeof err), -1);
	assert_non_null(strstr(err, "at least 8 hex digits"));
	assert_int_equal(options_parse(5, bad, &parsed, err, sizeof err), -1);
	assert_non_null(strstr(err, "hex digits"));
	assert_int_equal(options_parse(5, good, &parsed, err, sizeof err), 0);
}

/* 5. --batch with several: each is named, with what --cert can take of it. */
static void batch_with_several_lists_them(void **state)
{
	(void)state;
	opts.batch = true;
	new_session_with_memory(NULL);
	assert_int_equal(run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n" NAMED_ENTRY("0", "tok/alpha", ALPHA_BLOB)
	                              NAMED_ENTRY("1", "tok/beta", BETA_BLOB),
	                          NULL),
	                 EXIT_NO_CERTIFICATE);
	assert_said("choose one with --cert");
	assert_said("  alpha (");
	assert_said("      tok/alpha");
	assert_said("      sha256:" BETA_SHA256);
}

/* 7. Certificates from two tokens in two readers: the menu does not say "on the token". */
static void the_menu_names_tokens_when_there_are_two(void **state)
{
	static const char *const answers[] = {"1", NULL};

	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 2;
	sc.backup_from = 2;
	new_session_with_memory(NULL);
	run_said(ID_REQUEST ">PKCS11ID-COUNT:2\n" ENTRY("0", "Token/Serial/1")
	             ENTRY("1", "Token/Serial/2") NEEDSTR_OK,
	         answers);
	assert_logged("> needstr \"pkcs11-id-request\" \"Token/Serial/1\"\n", 1);
	assert_said("Certificates on the tokens:");
	assert_said("on token 'Backup' in 'Reader 1'");
}

/* 9. The token taken out: the tunnel is down; the restart that takes it down is ours, no news. */
static void a_removal_is_not_followed_by_reconnecting(void **state)
{
	static const char *const answers[] = {"1111", "2222", NULL};

	(void)state;
	sc.interactive = true;
	sc.watch_kind = IO_WATCH_POLLS;
	sc.watch_away_from = 2;
	sc.watch_back_from = 8; /* back after OpenVPN's restart (a look every 2 s) */
	new_session(true);
	run_said(PIN_NEED PIN_TAKEN CONNECTED SCRIPT_LATER
	         ">STATE:1700000000,RECONNECTING,SIGUSR1,,,,,\n" HOLD0 SCRIPT_LATER
	         PIN_NEED PIN_TAKEN CONNECTED,
	         answers);
	assert_logged("> signal \"SIGUSR1\"\n", 1);
	assert_said("Token removed: tunnel down. Insert it to reconnect");
	assert_said("is back: reconnecting...");
	assert_not_said("Reconnecting (SIGUSR1)");
}

/* 6. The token is there with its key but no certificate: said as such; --batch ends with 7. */
static void a_token_without_a_certificate_is_named(void **state)
{
	(void)state;
	opts.batch = true;
	sc.provider = true;
	sc.present_from_listing = 1;
	new_session_with_memory(NULL);
	assert_int_equal(run_said(ID_REQUEST ">PKCS11ID-COUNT:0\n", NULL), EXIT_NO_CERTIFICATE);
	assert_said("token 'Anna' holds no certificate");
	assert_not_said("Insert the token");
	assert_not_said("waiting for a token");
}

static void a_token_without_a_certificate_is_named_at_the_prompt(void **state)
{
	(void)state;
	sc.interactive = true;
	sc.provider = true;
	sc.present_from_listing = 1;
	new_session_with_memory(NULL);
	run_said(ID_REQUEST ">PKCS11ID-COUNT:0\n", NULL);
	assert_logged("? Token 'Anna' holds no certificate. Insert the token that holds it", 1);
	assert_logged("? No certificate found. Insert the token", 0);
}

/*
 * 12. --external-key, a card in a PC/SC reader (no looks while it stays): taken out, the signer
 * ends at once (its kept PIN wiped, the module finalized), not at the next look.
 */
#define XKEY_HANDSHAKE ">NEED-CERTIFICATE:ovpn-token\nSUCCESS: certificate command succeeded\n" \
	">PK_SIGN:AAAA,ECDSA,hashalg=SHA256,data=message\nSUCCESS: pk-sig command succeeded\n"
#define XKEY_RECONNECT HOLD0 "SUCCESS: hold release succeeded\n" XKEY_HANDSHAKE CONNECTED

static void a_removal_ends_the_signer_and_its_pin(void **state)
{
	static const char *const answers[] = {"1234", "1234", NULL};

	(void)state;
	opts.key_mode = SESSION_KEY_EXTERNAL;
	sc.certs_from_listing = 1;
	sc.certs_on_token = 1;
	sc.xkey_pin = "1234";
	sc.interactive = true;
	sc.real_ids = true;
	sc.watch_kind = IO_WATCH_NEWS;
	sc.watch_news = 2;
	sc.watch_away_from = 1;
	sc.watch_back_from = 2;
	new_session(true);
	run_said(XKEY_RECONNECT SCRIPT_NEXT "SUCCESS: forget-passwords command succeeded\n"
	         "SUCCESS: hold flag set to ON\nSUCCESS: signal SIGUSR1 thrown\n" XKEY_RECONNECT,
	         answers);
	assert_logged("> signal \"SIGUSR1\"\n# close\n", 1);
	assert_logged("# close\n", 1);
	assert_logged("# login 1234\n", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_renewed_certificate_is_used_and_remembered),
		T(a_remembered_certificate_gone_is_said_in_batch),
		T(the_same_certificate_on_two_tokens_takes_the_remembered_token),
		T(the_fingerprint_alone_on_two_tokens_asks),
		T(a_choice_file_open_to_others_is_ignored),
		T(cert_sha256_takes_openssls_spelling),
		T(cert_sha256_with_7_digits_is_refused),
		T(batch_with_several_lists_them),
		T(the_menu_names_tokens_when_there_are_two),
		T(a_removal_is_not_followed_by_reconnecting),
		T(a_token_without_a_certificate_is_named),
		T(a_token_without_a_certificate_is_named_at_the_prompt),
		T(a_removal_ends_the_signer_and_its_pin),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
