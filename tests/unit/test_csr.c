/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PKCS#10 request enroll writes: built around a public key, signed through a callback that
 * stands for the token (here an OpenSSL software key doing what CKM_RSA_PKCS / CKM_ECDSA do),
 * and the certificate read back for import.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/csr.h"

/* The token's private-key operation, in software. */
struct soft_token {
	EVP_PKEY *key;
	int calls;
	bool corrupt;       /* return a signature that does not verify */
	bool fail;
	size_t last_inlen;
};

static int soft_sign(void *ctx, const unsigned char *in, size_t inlen, unsigned char *out,
                     size_t outsz, size_t *outlen, char *err, size_t errsz)
{
	struct soft_token *t = ctx;

	t->calls++;
	t->last_inlen = inlen;
	if (t->fail) {
		snprintf(err, errsz, "C_Sign: CKR_DEVICE_ERROR");
		return -1;
	}
	if (EVP_PKEY_get_base_id(t->key) == EVP_PKEY_RSA) {
		RSA *rsa = EVP_PKEY_get1_RSA(t->key);
		int n = RSA_private_encrypt((int)inlen, in, out, rsa, RSA_PKCS1_PADDING);

		RSA_free(rsa);
		assert_true(n > 0 && (size_t)n <= outsz);
		*outlen = (size_t)n;
	} else {
		EC_KEY *ec = EVP_PKEY_get1_EC_KEY(t->key);
		ECDSA_SIG *sig = ECDSA_do_sign(in, (int)inlen, ec);
		int half = (EVP_PKEY_get_bits(t->key) + 7) / 8;

		assert_non_null(sig);
		assert_true((size_t)(2 * half) <= outsz);
		BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, half);
		BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + half, half);
		*outlen = (size_t)(2 * half);
		ECDSA_SIG_free(sig);
		EC_KEY_free(ec);
	}
	if (t->corrupt)
		out[*outlen / 2] ^= 0x01;
	return 0;
}

/* What PKCS#11 would give for the key's public half. */
static void pub_of(EVP_PKEY *k, struct csr_pubkey *pub)
{
	memset(pub, 0, sizeof *pub);
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA) {
		BIGNUM *n = NULL, *e = NULL;

		assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n), 1);
		assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		pub->modulus_len = (size_t)BN_bn2bin(n, pub->modulus);
		pub->exponent_len = (size_t)BN_bn2bin(e, pub->exponent);
		BN_free(n);
		BN_free(e);
	} else {
		char group[64];
		unsigned char *p = pub->ec_params;

		pub->ec = true;
		assert_int_equal(EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group,
		                                                sizeof group, NULL), 1);
		pub->ec_params_len = (size_t)i2d_ASN1_OBJECT(OBJ_nid2obj(OBJ_sn2nid(group)), &p);
		assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY,
		                                                 pub->ec_point, sizeof pub->ec_point,
		                                                 &pub->ec_point_len), 1);
	}
}

static X509_REQ *parse_pem(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509_REQ *req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);

	BIO_free(b);
	assert_non_null(req);
	return req;
}

/* Builds, parses, verifies; returns the request for more checks. */
static X509_REQ *build_and_verify(EVP_PKEY *key, const char *subject, int want_sig_nid)
{
	struct soft_token t = { .key = key };
	struct csr_pubkey pub;
	char err[512], *pem = NULL;
	X509_REQ *req;

	pub_of(key, &pub);
	if (csr_build(subject, NULL, 0, &pub, soft_sign, &t, &pem, err, sizeof err) != 0)
		fail_msg("csr_build: %s", err);
	assert_int_equal(t.calls, 1);
	assert_non_null(strstr(pem, "-----BEGIN CERTIFICATE REQUEST-----"));
	req = parse_pem(pem);
	free(pem);
	assert_int_equal(X509_REQ_verify(req, key), 1);
	assert_int_equal(X509_REQ_get_signature_nid(req), want_sig_nid);
	return req;
}

static void assert_client_extensions(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	int ku = X509v3_get_ext_by_NID(exts, NID_key_usage, -1);
	int eku = X509v3_get_ext_by_NID(exts, NID_ext_key_usage, -1);
	ASN1_BIT_STRING *usage;
	EXTENDED_KEY_USAGE *ext;

	assert_true(ku >= 0);
	assert_true(eku >= 0);
	assert_int_equal(X509_EXTENSION_get_critical(sk_X509_EXTENSION_value(exts, ku)), 1);
	usage = X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts, ku));
	assert_true(ASN1_BIT_STRING_get_bit(usage, 0)); /* digitalSignature */
	ext = X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts, eku));
	assert_int_equal(sk_ASN1_OBJECT_num(ext), 1);
	assert_int_equal(OBJ_obj2nid(sk_ASN1_OBJECT_value(ext, 0)), NID_client_auth);
	ASN1_BIT_STRING_free(usage);
	EXTENDED_KEY_USAGE_free(ext);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

static void test_rsa_request(void **state)
{
	EVP_PKEY *key = EVP_RSA_gen(2048);
	X509_REQ *req;
	char name[256];

	(void)state;
	req = build_and_verify(key, "/CN=alice/O=Example Org/C=DE", NID_sha256WithRSAEncryption);
	X509_NAME_oneline(X509_REQ_get_subject_name(req), name, sizeof name);
	assert_string_equal(name, "/CN=alice/O=Example Org/C=DE");
	assert_int_equal(X509_REQ_get_version(req), X509_REQ_VERSION_1);
	assert_client_extensions(req);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}

static void test_ec_requests(void **state)
{
	EVP_PKEY *p256 = EVP_EC_gen("P-256"), *p384 = EVP_EC_gen("P-384");
	X509_REQ *req;

	(void)state;
	req = build_and_verify(p256, "/CN=bob", NID_ecdsa_with_SHA256);
	assert_client_extensions(req);
	X509_REQ_free(req);
	req = build_and_verify(p384, "/CN=carol", NID_ecdsa_with_SHA384);
	X509_REQ_free(req);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
}

/* The token gets the DigestInfo (RSA, CKM_RSA_PKCS) or the bare hash (CKM_ECDSA). */
static void test_what_the_token_signs(void **state)
{
	EVP_PKEY *rsa = EVP_RSA_gen(2048), *ec = EVP_EC_gen("P-256");
	struct soft_token t = { .key = rsa };
	struct csr_pubkey pub;
	char err[256], *pem = NULL;

	(void)state;
	pub_of(rsa, &pub);
	assert_int_equal(csr_build("/CN=x", NULL, 0, &pub, soft_sign, &t, &pem, err, sizeof err), 0);
	assert_int_equal(t.last_inlen, 19 + 32);
	free(pem);
	t.key = ec;
	pub_of(ec, &pub);
	assert_int_equal(csr_build("/CN=x", NULL, 0, &pub, soft_sign, &t, &pem, err, sizeof err), 0);
	assert_int_equal(t.last_inlen, 32);
	free(pem);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

static void test_token_failures(void **state)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	struct soft_token t = { .key = key, .fail = true };
	struct csr_pubkey pub;
	char err[256], *pem = NULL;

	(void)state;
	pub_of(key, &pub);
	assert_int_equal(csr_build("/CN=x", NULL, 0, &pub, soft_sign, &t, &pem, err, sizeof err), -1);
	assert_null(pem);
	assert_string_equal(err, "C_Sign: CKR_DEVICE_ERROR");
	/* A signature that does not fit the key is caught before anyone sees the request. */
	t.fail = false;
	t.corrupt = true;
	assert_int_equal(csr_build("/CN=x", NULL, 0, &pub, soft_sign, &t, &pem, err, sizeof err), -1);
	assert_null(pem);
	assert_non_null(strstr(err, "does not verify"));
	EVP_PKEY_free(key);
}

static void test_subjects(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(csr_subject_check("/CN=alice", err, sizeof err), 0);
	assert_int_equal(csr_subject_check("/CN=a\\/b/OU=x", err, sizeof err), 0);
	assert_int_equal(csr_subject_check("CN=alice", err, sizeof err), -1);
	assert_string_equal(err, "the subject must look like \"/CN=name\" (got \"CN=alice\")");
	assert_int_equal(csr_subject_check("/CN=", err, sizeof err), -1);
	assert_string_equal(err, "subject: CN has no value");
	assert_int_equal(csr_subject_check("/XYZZY=1", err, sizeof err), -1);
	assert_string_equal(err, "subject: unknown field XYZZY (CN, O, OU, C, L, ST, ...)");
	assert_int_equal(csr_subject_check("/CN", err, sizeof err), -1);
	assert_int_equal(csr_subject_check(NULL, err, sizeof err), -1);
}

/* A self-signed certificate for key, written to path (PEM; twice with two). */
static X509 *self_signed(EVP_PKEY *key, const char *cn, bool ca)
{
	X509 *x = X509_new();
	X509_EXTENSION *bc;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	                           (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	bc = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, ca ? "CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, bc, -1);
	X509_EXTENSION_free(bc);
	X509_sign(x, key, EVP_sha256());
	return x;
}

static void test_read_certificates(void **state)
{
	EVP_PKEY *key = EVP_EC_gen("P-256"), *cakey = EVP_EC_gen("P-256");
	X509 *leaf = self_signed(key, "leaf", false), *ca = self_signed(cakey, "issuer", true);
	char path[] = "/tmp/ovpn-token-test-csr-XXXXXX", err[256];
	struct csr_pubkey pub;
	struct csr_cert c;
	FILE *f;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	PEM_write_X509(f, leaf);
	PEM_write_X509(f, ca);
	fclose(f);
	assert_int_equal(csr_cert_read(path, 0, &c, err, sizeof err), 0);
	pub_of(key, &pub);
	assert_true(csr_pubkey_equal(&c.pub, &pub));
	assert_string_equal(c.info.subject_cn, "leaf");
	assert_false(c.info.ca);
	assert_true(c.self_issued);
	assert_true(c.subject_der_len > 0 && c.issuer_der_len > 0 && c.serial_der_len > 0);
	csr_cert_free(&c);
	assert_int_equal(csr_cert_read(path, 1, &c, err, sizeof err), 0);
	assert_string_equal(c.info.subject_cn, "issuer");
	assert_true(c.info.ca);
	csr_cert_free(&c);
	/* DER is read too; a second certificate is looked for in PEM only. */
	f = fopen(path, "wb");
	i2d_X509_fp(f, leaf);
	fclose(f);
	assert_int_equal(csr_cert_read(path, 0, &c, err, sizeof err), 0);
	assert_string_equal(c.info.subject_cn, "leaf");
	csr_cert_free(&c);
	assert_int_equal(csr_cert_read(path, 1, &c, err, sizeof err), 1);
	f = fopen(path, "w");
	fputs("not a certificate\n", f);
	fclose(f);
	assert_int_equal(csr_cert_read(path, 0, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "holds no certificate"));
	unlink(path);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
}

/* A renewal: the subject comes as DER from the certificate in use. */
static void test_subject_from_der(void **state)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *old = self_signed(key, "old name", false);
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(X509_get_subject_name(old), &der);
	struct soft_token t = { .key = key };
	struct csr_pubkey pub;
	char err[256], *pem = NULL, name[128];
	X509_REQ *req;

	(void)state;
	pub_of(key, &pub);
	assert_int_equal(csr_build(NULL, der, (size_t)len, &pub, soft_sign, &t, &pem, err, sizeof err), 0);
	req = parse_pem(pem);
	X509_NAME_oneline(X509_REQ_get_subject_name(req), name, sizeof name);
	assert_string_equal(name, "/CN=old name");
	X509_REQ_free(req);
	free(pem);
	OPENSSL_free(der);
	X509_free(old);
	EVP_PKEY_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_request),
		cmocka_unit_test(test_ec_requests),
		cmocka_unit_test(test_what_the_token_signs),
		cmocka_unit_test(test_token_failures),
		cmocka_unit_test(test_subjects),
		cmocka_unit_test(test_read_certificates),
		cmocka_unit_test(test_subject_from_der),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
