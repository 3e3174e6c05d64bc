/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enroll's decisions: which token, whether it can make the key, the id, the key of a certificate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cmd/enroll_rules.h"

static struct p11_token token(const char *label)
{
	struct p11_token t;

	memset(&t, 0, sizeof t);
	snprintf(t.label, sizeof t.label, "%s", label);
	return t;
}

static void test_pick_token(void **state)
{
	struct p11_token two[2] = { token("Work"), token("Home") };
	char err[512];
	size_t i = 99;

	(void)state;
	assert_int_equal(enroll_pick_token(two, 0, NULL, &i, err, sizeof err), ENROLL_PICK_NONE);
	assert_non_null(strstr(err, "no token is present"));
	assert_int_equal(enroll_pick_token(two, 1, NULL, &i, err, sizeof err), ENROLL_PICK_OK);
	assert_int_equal(i, 0);
	assert_int_equal(enroll_pick_token(two, 2, NULL, &i, err, sizeof err), ENROLL_PICK_SEVERAL);
	assert_string_equal(err, "2 tokens are present ('Work', 'Home'): name one with --token LABEL");
	assert_int_equal(enroll_pick_token(two, 2, "Home", &i, err, sizeof err), ENROLL_PICK_OK);
	assert_int_equal(i, 1);
	assert_int_equal(enroll_pick_token(two, 2, "Car", &i, err, sizeof err), ENROLL_PICK_NOT_FOUND);
	assert_string_equal(err, "no token 'Car' is present; there are: 'Work', 'Home'");
}

static void test_token_label_is_sanitized(void **state)
{
	struct p11_token two[2] = { token("A\x1b[2J"), token("B") };
	char err[512];
	size_t i;

	(void)state;
	assert_int_equal(enroll_pick_token(two, 2, NULL, &i, err, sizeof err), ENROLL_PICK_SEVERAL);
	assert_null(strchr(err, '\x1b'));
}

/* OpenSC's CAC driver: it signs, but lists no key generation. */
static void test_caps_cannot_generate(void **state)
{
	struct p11_kg_caps cac = { .listed = true, .rsa_sign = true };
	char err[512];

	(void)state;
	assert_int_equal(enroll_check_caps(&cac, CSR_KEY_RSA2048, err, sizeof err), -1);
	assert_non_null(strstr(err, "the token cannot generate keys"));
	assert_non_null(strstr(err, "CAC driver"));
}

static void test_caps_key_type_lacking(void **state)
{
	struct p11_kg_caps rsa = { .listed = true, .rsa_gen = true, .rsa_sign = true,
	                           .rsa_min = 1024, .rsa_max = 2048 };
	char err[512];

	(void)state;
	assert_int_equal(enroll_check_caps(&rsa, CSR_KEY_RSA2048, err, sizeof err), 0);
	assert_int_equal(enroll_check_caps(&rsa, CSR_KEY_EC_P256, err, sizeof err), -1);
	assert_string_equal(err, "the token cannot generate EC keys (no CKM_EC_KEY_PAIR_GEN in its "
	                         "mechanism list); it can make: rsa:2048");
	assert_int_equal(enroll_check_caps(&rsa, CSR_KEY_RSA3072, err, sizeof err), -1);
	assert_string_equal(err, "the token cannot generate rsa:3072 keys (its sizes: 1024 to "
	                         "2048); it can make: rsa:2048");
}

static void test_caps_sign_lacking(void **state)
{
	struct p11_kg_caps c = { .listed = true, .ec_gen = true };
	char err[512];

	(void)state;
	assert_int_equal(enroll_check_caps(&c, CSR_KEY_EC_P256, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot sign with EC keys (no CKM_ECDSA"));
}

static void test_caps_unlisted_and_byte_sizes(void **state)
{
	struct p11_kg_caps none = { .listed = false };
	/* Some modules give EC sizes in bytes. */
	struct p11_kg_caps ec = { .listed = true, .ec_gen = true, .ec_sign = true, .ec_min = 32,
	                          .ec_max = 48 };
	char err[512];

	(void)state;
	assert_int_equal(enroll_check_caps(&none, CSR_KEY_EC_P384, err, sizeof err), 0);
	assert_int_equal(enroll_check_caps(&ec, CSR_KEY_EC_P256, err, sizeof err), 0);
	assert_int_equal(enroll_check_caps(&ec, CSR_KEY_EC_P384, err, sizeof err), 0);
}

static void test_parse_id(void **state)
{
	unsigned char id[64];
	size_t n = 0;
	char err[128], hex[129];
	char long_id[200];

	(void)state;
	assert_int_equal(enroll_parse_id("4a3F", id, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(id[0], 0x4a);
	assert_int_equal(id[1], 0x3f);
	enroll_id_hex(id, n, hex, sizeof hex);
	assert_string_equal(hex, "4a3f");
	assert_int_equal(enroll_parse_id("abc", id, &n, err, sizeof err), -1);
	assert_int_equal(enroll_parse_id("zz", id, &n, err, sizeof err), -1);
	assert_string_equal(err, "--id takes hex digits only");
	assert_int_equal(enroll_parse_id("", id, &n, err, sizeof err), -1);
	memset(long_id, 'a', 130);
	long_id[130] = '\0';
	assert_int_equal(enroll_parse_id(long_id, id, &n, err, sizeof err), -1);
}

static struct p11_kg_object rsa_object(enum p11_kg_class cls, unsigned char id, unsigned char m0)
{
	struct p11_kg_object o;

	memset(&o, 0, sizeof o);
	o.cls = cls;
	o.id[0] = id;
	o.id_len = 1;
	snprintf(o.label, sizeof o.label, "key%02x", id);
	o.has_pub = true;
	o.pub.modulus[0] = m0;
	memset(o.pub.modulus + 1, 0x11, 255);
	o.pub.modulus_len = 256;
	o.pub.exponent[0] = 1;
	o.pub.exponent[1] = 0;
	o.pub.exponent[2] = 1;
	o.pub.exponent_len = 3;
	return o;
}

static void test_id_in_use(void **state)
{
	struct p11_kg_object objs[1] = { rsa_object(P11_KG_CERT, 0x45, 0xc3) };
	unsigned char a = 0x45, b = 0x46;

	(void)state;
	assert_true(enroll_id_in_use(objs, 1, &a, 1));
	assert_false(enroll_id_in_use(objs, 1, &b, 1));
}

static void test_key_for_rsa(void **state)
{
	struct p11_kg_object objs[3] = { rsa_object(P11_KG_PUBLIC, 0x45, 0xc3),
	                                 rsa_object(P11_KG_PRIVATE, 0x45, 0xc3),
	                                 rsa_object(P11_KG_PRIVATE, 0x46, 0xd4) };
	struct csr_pubkey want = objs[2].pub;
	char err[1024];

	(void)state;
	assert_int_equal(enroll_key_for(objs, 3, &want, err, sizeof err), 2);
	/* A leading zero byte (how some tokens give CKA_MODULUS) is the same key. */
	memmove(want.modulus + 1, want.modulus, 256);
	want.modulus[0] = 0;
	want.modulus_len = 257;
	assert_int_equal(enroll_key_for(objs, 3, &want, err, sizeof err), 2);
	want.modulus[1] = 0xe5;
	assert_int_equal(enroll_key_for(objs, 3, &want, err, sizeof err), -1);
	assert_string_equal(err, "no key on the token belongs to this certificate: it needs the "
	                         "private key of RSA 2048 modulus e511111111111111...; the token has "
	                         "id 45 'key45' (RSA 2048 modulus c311111111111111...); id 46 'key46' "
	                         "(RSA 2048 modulus d411111111111111...)");
}

/* An EC private key shows no point: its public key of the same id does. */
static void test_key_for_ec(void **state)
{
	static const unsigned char p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
	                                      0x07 };
	struct p11_kg_object objs[2];
	struct csr_pubkey want;
	char err[1024];

	(void)state;
	memset(objs, 0, sizeof objs);
	objs[0].cls = P11_KG_PRIVATE;
	objs[0].id[0] = 7;
	objs[0].id_len = 1;
	objs[1].cls = P11_KG_PUBLIC;
	objs[1].id[0] = 7;
	objs[1].id_len = 1;
	objs[1].has_pub = true;
	objs[1].pub.ec = true;
	memcpy(objs[1].pub.ec_params, p256, sizeof p256);
	objs[1].pub.ec_params_len = sizeof p256;
	objs[1].pub.ec_point[0] = 4;
	memset(objs[1].pub.ec_point + 1, 0x22, 64);
	objs[1].pub.ec_point_len = 65;
	want = objs[1].pub;
	assert_int_equal(enroll_key_for(objs, 2, &want, err, sizeof err), 0);
	want.ec_point[5] = 0x33;
	assert_int_equal(enroll_key_for(objs, 2, &want, err, sizeof err), -1);
	assert_non_null(strstr(err, "it needs the private key of EC P-256 point 2222222233222222..."));
}

static void test_cert_unfit(void **state)
{
	struct cert_info ci;
	long long now = 1800000000LL;

	(void)state;
	memset(&ci, 0, sizeof ci);
	ci.not_before_epoch = now - 3600;
	ci.not_after_epoch = now + 365LL * 86400;
	assert_null(enroll_cert_refusal(&ci, now));
	/* Expiring soon may still be imported: it can log in. */
	ci.not_after_epoch = now + 86400;
	assert_null(enroll_cert_refusal(&ci, now));
	ci.not_after_epoch = now - 1;
	assert_string_equal(enroll_cert_refusal(&ci, now), "it has expired");
	ci.not_after_epoch = now + 86400;
	ci.not_before_epoch = now + 60;
	assert_string_equal(enroll_cert_refusal(&ci, now), "it is not valid yet");
	ci.not_before_epoch = now - 60;
	ci.ca = true;
	assert_string_equal(enroll_cert_refusal(&ci, now), cert_purpose_text(CERT_AN_ISSUER));
	ci.ca = false;
	ci.not_for_clients = true;
	assert_string_equal(enroll_cert_refusal(&ci, now), cert_purpose_text(CERT_NOT_FOR_CLIENTS));
}

static void test_key_kinds(void **state)
{
	enum csr_key_kind k;

	(void)state;
	assert_int_equal(csr_key_kind_parse("EC:p-384", &k), 0);
	assert_int_equal(k, CSR_KEY_EC_P384);
	assert_true(csr_key_kind_is_ec(k));
	assert_int_equal(csr_key_kind_parse("rsa:3072", &k), 0);
	assert_int_equal(csr_key_kind_bits(k), 3072);
	assert_int_equal(csr_key_kind_parse("rsa:1024", &k), -1);
	assert_int_equal(csr_key_kind_parse("ed25519", &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_token),
		cmocka_unit_test(test_token_label_is_sanitized),
		cmocka_unit_test(test_caps_cannot_generate),
		cmocka_unit_test(test_caps_key_type_lacking),
		cmocka_unit_test(test_caps_sign_lacking),
		cmocka_unit_test(test_caps_unlisted_and_byte_sizes),
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_id_in_use),
		cmocka_unit_test(test_key_for_rsa),
		cmocka_unit_test(test_key_for_ec),
		cmocka_unit_test(test_cert_unfit),
		cmocka_unit_test(test_key_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
