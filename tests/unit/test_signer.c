/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The token signer against real SoftHSM2 tokens made here (softhsm2-util, pkcs11-tool,
 * openssl): an RSA 2048 and an EC P-256 key with their certificates.  Every signature is
 * verified with OpenSSL against the certificate's public key, for every algorithm OpenVPN can
 * ask; wrong PINs give CKR_PIN_INCORRECT with the token's flags read after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkcs11/signer.h"

#define PIN "123456"
#define SOFTHSM "/usr/lib/softhsm/libsofthsm2.so"

static char dir[256];
static char rsa_id[P11_ID_MAX], ec_id[P11_ID_MAX];

__attribute__((format(printf, 1, 2)))
static void run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "failed: %s\n", cmd);
		abort();
	}
}

/* The serialized id as `ovpn-token list` would give it: token fields from the module. */
static void make_id(const char *label, const char *hexid, char *out, size_t outsz)
{
	char path[300], line[P11_ID_MAX + 40];
	FILE *f;

	snprintf(path, sizeof path, "%s/serial-%s", dir, label);
	run("softhsm2-util --show-slots | awk '/Serial number/{s=$3} /Label: *%s *$/{print s; exit}' > %s",
	    label, path);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	snprintf(out, outsz, "SoftHSM\\x20project/SoftHSM\\x20v2/%s/%s/%s", line, label, hexid);
}

static int setup(void **state)
{
	char conf[300];

	(void)state;
	snprintf(dir, sizeof dir, "%s/ovpn-token-signer.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
	run("mkdir %s/tokens && printf 'directories.tokendir = %s/tokens\\nobjectstore.backend = file\\nlog.level = ERROR\\n' > %s",
	    dir, dir, conf);
	setenv("SOFTHSM2_CONF", conf, 1);
	run("cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -subj /CN=rsa -days 2 2>/dev/null"
	    " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.crt -subj /CN=ec -days 2 2>/dev/null"
	    " && openssl pkcs8 -topk8 -nocrypt -in rsa.key -out rsa.p8 && openssl pkcs8 -topk8 -nocrypt -in ec.key -out ec.p8"
	    " && openssl x509 -in rsa.crt -outform DER -out rsa.der && openssl x509 -in ec.crt -outform DER -out ec.der", dir);
	run("cd %s && for t in rsa ec; do softhsm2-util --init-token --free --label $t --pin " PIN " --so-pin 87654321 >/dev/null"
	    " && softhsm2-util --import $t.p8 --token $t --label $t --id 45 --pin " PIN " >/dev/null"
	    " && pkcs11-tool --module " SOFTHSM " --token-label $t --login --pin " PIN
	    " --write-object $t.der --type cert --id 45 --label $t >/dev/null 2>&1; done", dir);
	make_id("rsa", "45", rsa_id, sizeof rsa_id);
	make_id("ec", "45", ec_id, sizeof ec_id);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (getenv("KEEP") == NULL) run("rm -rf %s", dir);
	return 0;
}

static EVP_PKEY *cert_key(const char *name)
{
	char path[300];
	FILE *f;
	X509 *x;
	EVP_PKEY *k;

	snprintf(path, sizeof path, "%s/%s.crt", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	k = X509_get_pubkey(x);
	X509_free(x);
	return k;
}

static struct p11_signer *open_logged_in(const char *id)
{
	char err[256];
	struct p11_login_report rep;
	struct p11_signer *s = p11_signer_open(SOFTHSM, err, sizeof err);

	assert_non_null(s);
	if (p11_signer_select(s, id, err, sizeof err) != P11_SELECT_OK)
		fail_msg("select %s: %s", id, err);
	assert_true(p11_signer_login_needed(s));
	assert_int_equal(p11_signer_login(s, PIN, &rep), P11_LOGIN_OK);
	assert_false(p11_signer_login_needed(s));
	return s;
}

static const EVP_MD *md_by(enum pk_hash h)
{
	return EVP_get_digestbyname(pk_hash_name(h));
}

/* Signs msg as alg_text asks (pre-digesting it unless data=message) and verifies. */
static void sign_and_verify(struct p11_signer *s, EVP_PKEY *pub, const char *alg_text)
{
	static const unsigned char msg[] = "TLS 1.3, client CertificateVerify: the transcript";
	unsigned char in[600], sig[P11_SIG_MAX];
	size_t inlen = 0, siglen = 0;
	unsigned int dlen;
	char err[256];
	struct pk_alg alg;
	EVP_PKEY_CTX *vctx;
	const EVP_MD *md;
	int ok;

	assert_true(pk_alg_parse(alg_text, &alg));
	md = alg.hash != PK_HASH_NONE ? md_by(alg.hash) : EVP_sha256();
	if (alg.message) {
		memcpy(in, msg, sizeof msg);
		inlen = sizeof msg;
	} else {
		EVP_Digest(msg, sizeof msg, in, &dlen, md, NULL);
		inlen = dlen;
	}
	if (alg.padding == PK_PAD_PKCS1 && alg.hash == PK_HASH_NONE) {
		/* OpenVPN sends the DigestInfo: let OpenSSL build one to compare against. */
		static const unsigned char di256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
			0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
		memmove(in + sizeof di256, in, inlen);
		memcpy(in, di256, sizeof di256);
		inlen += sizeof di256;
	}
	if (alg.padding == PK_PAD_NONE) {
		/* A PKCS#1 block built by hand, signed raw: verifies as PKCS#1 SHA256. */
		static const unsigned char di256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86,
			0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
		size_t k = (size_t)EVP_PKEY_get_size(pub), t = sizeof di256 + 32;
		unsigned char dg[32];

		memcpy(dg, in, 32);
		in[0] = 0;
		in[1] = 1;
		memset(in + 2, 0xff, k - t - 3);
		in[k - t - 1] = 0;
		memcpy(in + k - t, di256, sizeof di256);
		memcpy(in + k - 32, dg, 32);
		inlen = k;
	}
	assert_int_equal(p11_signer_sign(s, &alg, in, inlen, sig, sizeof sig, &siglen, err,
	                                 sizeof err), P11_SIGN_OK);
	assert_true(siglen > 0);

	vctx = EVP_PKEY_CTX_new(pub, NULL);
	assert_non_null(vctx);
	assert_int_equal(EVP_PKEY_verify_init(vctx), 1);
	if (EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA) {
		int pad = alg.padding == PK_PAD_PSS ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;

		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(vctx, pad), 1);
		assert_int_equal(EVP_PKEY_CTX_set_signature_md(vctx, md), 1);
		if (pad == RSA_PKCS1_PSS_PADDING)
			assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(vctx,
			        alg.saltlen == PK_SALT_DIGEST ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO), 1);
	}
	{
		unsigned char dg[EVP_MAX_MD_SIZE];

		EVP_Digest(msg, sizeof msg, dg, &dlen, md, NULL);
		ok = EVP_PKEY_verify(vctx, sig, siglen, dg, dlen);
	}
	EVP_PKEY_CTX_free(vctx);
	if (ok != 1)
		fail_msg("%s: signature does not verify", alg_text);
	/* PSS with saltlen=max: the salt fills the block (2048 bits, SHA256: 222 bytes). */
}

static void test_rsa_every_algorithm(void **state)
{
	static const char *const algs[] = {
		"RSA_PKCS1_PADDING",
		"RSA_PKCS1_PADDING,hashalg=SHA256",
		"RSA_PKCS1_PADDING,hashalg=SHA384,data=message",
		"RSA_PKCS1_PADDING,hashalg=SHA1",
		"RSA_NO_PADDING",
		"RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest",
		"RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest,data=message",
		"RSA_PKCS1_PSS_PADDING,hashalg=SHA384,saltlen=max",
		"RSA_PKCS1_PSS_PADDING,hashalg=SHA512,saltlen=max,data=message",
	};
	struct p11_signer *s = open_logged_in(rsa_id);
	EVP_PKEY *pub = cert_key("rsa");
	size_t i;

	(void)state;
	assert_string_equal(p11_signer_key_type(s), "RSA 2048");
	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		sign_and_verify(s, pub, algs[i]);
	EVP_PKEY_free(pub);
	p11_signer_close(s);
}

static void test_ec_every_algorithm(void **state)
{
	static const char *const algs[] = {
		"ECDSA",
		"ECDSA,hashalg=SHA256",
		"ECDSA,hashalg=SHA256,data=message",
		"ECDSA,hashalg=SHA384,data=message",
	};
	struct p11_signer *s = open_logged_in(ec_id);
	EVP_PKEY *pub = cert_key("ec");
	size_t i;

	(void)state;
	assert_string_equal(p11_signer_key_type(s), "EC P-256");
	for (i = 0; i < sizeof algs / sizeof algs[0]; i++)
		sign_and_verify(s, pub, algs[i]);
	EVP_PKEY_free(pub);
	p11_signer_close(s);
}

static void test_refusals(void **state)
{
	struct p11_signer *s = open_logged_in(ec_id);
	unsigned char sig[P11_SIG_MAX], in[32] = { 1 };
	size_t siglen;
	char err[256];
	struct pk_alg alg;

	(void)state;
	pk_alg_parse("RSA_PKCS1_PADDING", &alg);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_UNSUPPORTED);
	pk_alg_parse("ED25519", &alg);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_UNSUPPORTED);
	pk_alg_parse("bogus", &alg);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_UNSUPPORTED);
	pk_alg_parse("ECDSA,hashalg=SHA256", &alg); /* a 20-byte "SHA256" digest */
	assert_int_equal(p11_signer_sign(s, &alg, in, 20, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_BAD_INPUT);
	assert_int_equal(siglen, 0);
	p11_signer_close(s);

	s = open_logged_in(rsa_id);
	pk_alg_parse("ECDSA", &alg);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_UNSUPPORTED);
	pk_alg_parse("RSA_NO_PADDING", &alg); /* not a whole block */
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_BAD_INPUT);
	p11_signer_close(s);
}

static void test_login_results(void **state)
{
	char err[256], pem[4096];
	struct p11_login_report rep;
	struct p11_token tok;
	struct p11_signer *s = p11_signer_open(SOFTHSM, err, sizeof err);
	unsigned char sig[P11_SIG_MAX], in[32] = { 0 };
	size_t siglen;
	struct pk_alg alg;
	char other[P11_ID_MAX];

	(void)state;
	assert_non_null(s);
	assert_int_equal(p11_signer_select(s, ec_id, err, sizeof err), P11_SELECT_OK);
	assert_int_equal(p11_signer_cert_pem(s, pem, sizeof pem), 0);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE-----\n"));
	assert_int_equal(p11_signer_token(s, &tok), 0);
	assert_string_equal(tok.label, "ec");
	assert_int_equal(tok.pin_state, P11_PIN_OK);

	/* Before login: the key is hidden, signing says so. */
	pk_alg_parse("ECDSA", &alg);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_NOT_LOGGED_IN);

	assert_int_equal(p11_signer_login(s, "", &rep), P11_LOGIN_ERROR);
	assert_int_equal(rep.ckr, 0); /* never sent */
	assert_int_equal(p11_signer_login(s, "000000", &rep), P11_LOGIN_PIN_INCORRECT);
	assert_int_equal(rep.ckr, 0xA0);
	/* SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN (see PROTOCOL.md). */
	assert_int_equal(rep.pin_state, P11_PIN_COUNT_LOW);
	assert_int_equal(p11_signer_login(s, PIN, &rep), P11_LOGIN_OK);
	assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err, sizeof err),
	                 P11_SIGN_OK);
	p11_signer_close(s);

	/* An id of a token that is not there, and of a certificate that is not on the token. */
	s = p11_signer_open(SOFTHSM, err, sizeof err);
	snprintf(other, sizeof other, "SoftHSM\\x20project/SoftHSM\\x20v2/0000000000000000/gone/45");
	assert_int_equal(p11_signer_select(s, other, err, sizeof err), P11_SELECT_TOKEN_ABSENT);
	snprintf(other, sizeof other, "%.*s46", (int)strlen(ec_id) - 2, ec_id);
	assert_int_equal(p11_signer_select(s, other, err, sizeof err), P11_SELECT_NO_KEY);
	assert_int_equal(p11_signer_select(s, "not an id", err, sizeof err), P11_SELECT_ERROR);
	p11_signer_close(s);
	assert_null(p11_signer_open("/nonexistent/module.so", err, sizeof err));
}

/*
 * One owner per module (pkcs11/module.h): looks at the tokens while the signer is logged in --
 * the removal watch's look every 2 s on a token outside pcscd, a PIN state, a provider opened
 * and closed -- never end the signer's login: a renegotiation signs without a new login.
 */
static void test_looks_keep_the_login(void **state)
{
	unsigned char sig[P11_SIG_MAX], in[32] = {0};
	struct p11_token tokens[8];
	struct pk_alg alg;
	size_t siglen;
	char err[256];

	(void)state;
	pk_alg_parse("ECDSA", &alg);
	for (int round = 0; round < 2; round++) {
		/* The certificate menu's look came first, and is closed after the login. */
		struct p11_provider *menu = p11_provider_open(SOFTHSM, err, sizeof err);
		struct p11_cert_list list = {NULL, 0};
		struct p11_signer *s;

		assert_non_null(menu);
		assert_int_equal(p11_list_certs(menu, &list, err, sizeof err), 0);
		assert_true(list.count >= 2);
		p11_cert_list_free(&list);
		s = open_logged_in(ec_id);
		p11_provider_close(menu);
		assert_false(p11_signer_login_needed(s));

		for (int look = 0; look < 3; look++) {
			struct p11_provider *p = p11_provider_open(SOFTHSM, err, sizeof err);

			assert_non_null(p);
			assert_int_equal(p11_token_present(p, "ec"), 1);
			assert_int_equal(p11_token_pin_state(p, "ec"), P11_PIN_OK);
			assert_true(p11_list_tokens(p, tokens, 8, err, sizeof err) >= 2);
			assert_true(p11_slot_count(p, err, sizeof err) >= 2);
			p11_provider_close(p);
			assert_false(p11_signer_login_needed(s));
			assert_int_equal(p11_signer_sign(s, &alg, in, 32, sig, sizeof sig, &siglen, err,
			                                 sizeof err), P11_SIGN_OK);
		}
		/* A reload while a look holds the module does not finalize it either. */
		{
			struct p11_provider *p = p11_provider_open(SOFTHSM, err, sizeof err);

			assert_int_equal(p11_signer_reload(s, err, sizeof err), 0);
			assert_int_equal(p11_signer_select(s, ec_id, err, sizeof err), P11_SELECT_OK);
			p11_provider_close(p);
		}
		p11_signer_close(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_looks_keep_the_login),
		cmocka_unit_test(test_rsa_every_algorithm),
		cmocka_unit_test(test_ec_every_algorithm),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_login_results),
	};
	if (access(SOFTHSM, R_OK) != 0) {
		printf("SKIP: %s not installed\n", SOFTHSM);
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
