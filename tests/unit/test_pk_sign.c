/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "codec/base64.h"
#include "mgmt/pk_sign.h"
#include "../lib/mgmt_probe.h"

/* The codec's strict decoder, as a length (-1 on refusal). */
static long decode(const char *in, size_t n, unsigned char *out, size_t outsz)
{
	size_t got;

	return b64_decode(in, n, out, outsz, &got) == 0 ? (long)got : -1;
}

static struct pk_request req;

static struct pk_alg alg_of(const char *text, bool expect_ok)
{
	struct pk_alg a;

	assert_int_equal(pk_alg_parse(text, &a), expect_ok);
	if (!expect_ok)
		assert_int_equal(a.padding, PK_PAD_UNSUPPORTED);
	return a;
}

/* The strings OpenVPN 2.6.14 sent with "nopadding pkcs1 pss digest" (tests/tools/xkey_wire.sh). */
static void test_alg_seen_on_the_wire(void **state)
{
	struct pk_alg a;

	(void)state;
	a = alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest,data=message", true);
	assert_int_equal(a.padding, PK_PAD_PSS);
	assert_int_equal(a.hash, PK_HASH_SHA256);
	assert_int_equal(a.saltlen, PK_SALT_DIGEST);
	assert_true(a.message);

	a = alg_of("ECDSA,hashalg=SHA256,data=message", true);
	assert_int_equal(a.padding, PK_PAD_ECDSA);
	assert_int_equal(a.hash, PK_HASH_SHA256);
	assert_true(a.message);
}

static void test_alg_every_form(void **state)
{
	struct pk_alg a;

	(void)state;
	a = alg_of("RSA_PKCS1_PADDING", true);
	assert_int_equal(a.padding, PK_PAD_PKCS1);
	assert_int_equal(a.hash, PK_HASH_NONE);
	assert_false(a.message);
	a = alg_of("", true); /* pre-version-3 requests */
	assert_int_equal(a.padding, PK_PAD_PKCS1);
	a = alg_of(NULL, true);
	assert_int_equal(a.padding, PK_PAD_PKCS1);

	a = alg_of("RSA_PKCS1_PADDING,hashalg=SHA384", true);
	assert_int_equal(a.hash, PK_HASH_SHA384);
	a = alg_of("RSA_PKCS1_PADDING,hashalg=SHA512,data=message", true);
	assert_true(a.message);

	a = alg_of("RSA_NO_PADDING", true);
	assert_int_equal(a.padding, PK_PAD_NONE);

	a = alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA384,saltlen=max", true);
	assert_int_equal(a.saltlen, PK_SALT_MAX);
	assert_false(a.message);

	a = alg_of("ECDSA", true);
	assert_int_equal(a.padding, PK_PAD_ECDSA);
	assert_int_equal(a.hash, PK_HASH_NONE);
	a = alg_of("ECDSA,hashalg=SHA1", true);
	assert_int_equal(a.hash, PK_HASH_SHA1);

	a = alg_of("ED25519", true);
	assert_int_equal(a.padding, PK_PAD_EDDSA);
	assert_false(a.ed448);
	assert_true(a.message);
	a = alg_of("ED25519,data=message", true);
	assert_true(a.message);
	a = alg_of("ED448", true);
	assert_true(a.ed448);
}

static void test_alg_refused(void **state)
{
	(void)state;
	alg_of("RSA_X931_PADDING", false);
	alg_of("rsa_pkcs1_padding", false);
	alg_of("RSA_PKCS1_PADDING,hashalg=SHA3-256", false);
	alg_of("RSA_PKCS1_PADDING,hashalg=MD5-SHA1", false);
	alg_of("RSA_PKCS1_PADDING,hashalg=SHA256,hashalg=SHA1", false);
	alg_of("RSA_PKCS1_PADDING,data=message", false);      /* hash what with? */
	alg_of("RSA_PKCS1_PADDING,saltlen=digest", false);
	alg_of("RSA_PKCS1_PADDING,", false);
	alg_of("RSA_PKCS1_PADDING,,hashalg=SHA256", false);
	alg_of("RSA_PKCS1_PADDING,hashalg", false);
	alg_of("RSA_PKCS1_PADDING,color=blue", false);
	alg_of("RSA_NO_PADDING,hashalg=SHA256", false);
	alg_of("RSA_NO_PADDING,data=message", false);
	alg_of("RSA_PKCS1_PSS_PADDING", false);
	alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA256", false);
	alg_of("RSA_PKCS1_PSS_PADDING,saltlen=digest", false);
	alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=32", false);
	alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=auto", false);
	alg_of("ECDSA,data=message", false);
	alg_of("ECDSA,hashalg=SHA256,data=digest", false);
	alg_of("ED25519,hashalg=SHA512", false);
	alg_of("ECDSA ", false);
	alg_of(" ECDSA", false);
}

static void test_hash_sizes(void **state)
{
	(void)state;
	assert_int_equal(pk_hash_size(PK_HASH_SHA1), 20);
	assert_int_equal(pk_hash_size(PK_HASH_SHA224), 28);
	assert_int_equal(pk_hash_size(PK_HASH_SHA256), 32);
	assert_int_equal(pk_hash_size(PK_HASH_SHA384), 48);
	assert_int_equal(pk_hash_size(PK_HASH_SHA512), 64);
	assert_int_equal(pk_hash_size(PK_HASH_NONE), 0);
	assert_string_equal(pk_hash_name(PK_HASH_SHA384), "SHA384");
}

static void test_describe(void **state)
{
	char d[80];
	struct pk_alg a = alg_of("RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest,data=message",
	                         true);

	(void)state;
	pk_alg_describe(&a, d, sizeof d);
	assert_string_equal(d, "RSA PSS SHA256 saltlen=digest (message)");
	a = alg_of("ECDSA", true);
	pk_alg_describe(&a, d, sizeof d);
	assert_string_equal(d, "ECDSA");
	a = alg_of("nonsense", false);
	pk_alg_describe(&a, d, sizeof d);
	assert_string_equal(d, "unsupported");
}

static void test_request_need_certificate(void **state)
{
	(void)state;
	pk_request_parse(">NEED-CERTIFICATE:ovpn-token", &req);
	assert_int_equal(req.type, PK_REQ_NEED_CERTIFICATE);
	assert_string_equal(req.hint, "ovpn-token");
	pk_request_parse(">NEED-CERTIFICATE:", &req);
	assert_int_equal(req.type, PK_REQ_NEED_CERTIFICATE);
	assert_string_equal(req.hint, "");
	pk_request_parse(">NEED-CERTIFICATE", &req);
	assert_int_equal(req.type, PK_REQ_NONE);
	pk_request_parse(">NEED-CERTIFICATES:x", &req);
	assert_int_equal(req.type, PK_REQ_NONE);
	pk_request_parse(">NEED-OK:Need 'x' confirmation MSG:y", &req);
	assert_int_equal(req.type, PK_REQ_NONE);
}

static void test_request_sign(void **state)
{
	(void)state;
	/* "hello" */
	pk_request_parse(">PK_SIGN:aGVsbG8=,ECDSA,hashalg=SHA256,data=message", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_false(req.legacy_rsa);
	assert_int_equal(req.data_len, 5);
	assert_memory_equal(req.data, "hello", 5);
	assert_string_equal(req.alg_text, "ECDSA,hashalg=SHA256,data=message");
	assert_int_equal(req.alg.padding, PK_PAD_ECDSA);

	pk_request_parse(">PK_SIGN:aGVsbG8h", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_int_equal(req.alg.padding, PK_PAD_PKCS1);
	assert_int_equal(req.data_len, 6);

	pk_request_parse(">RSA_SIGN:aGk=", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_true(req.legacy_rsa);
	assert_int_equal(req.alg.padding, PK_PAD_PKCS1);
	assert_memory_equal(req.data, "hi", 2);

	/* Understood as a request, refused as an algorithm: the caller answers with a refusal. */
	pk_request_parse(">PK_SIGN:aGk=,RSA_X931_PADDING", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_int_equal(req.alg.padding, PK_PAD_UNSUPPORTED);
	assert_string_equal(req.alg_text, "RSA_X931_PADDING");

	/* The notification form, as mgmt_parse_line leaves it (MGMT_EV_UNKNOWN). */
	pk_request_parse_notification("PK_SIGN", "aGk=,ECDSA", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_int_equal(req.alg.padding, PK_PAD_ECDSA);
	/* Raw RSA is a decryption for the peer: refused, though the string is understood. */
	pk_request_parse_notification("PK_SIGN", "aGk=,RSA_NO_PADDING", &req);
	assert_int_equal(req.type, PK_REQ_SIGN);
	assert_int_equal(req.alg.padding, PK_PAD_UNSUPPORTED);
	assert_string_equal(req.alg_text, "RSA_NO_PADDING");
	pk_request_parse(">PK_SIGN:aGk=,RSA_NO_PADDING", &req);
	assert_int_equal(req.alg.padding, PK_PAD_UNSUPPORTED);
	pk_request_parse_notification("BYTECOUNT", "1,2", &req);
	assert_int_equal(req.type, PK_REQ_NONE);
}

static void test_request_malformed(void **state)
{
	static char big[3 + (PK_SIGN_DATA_MAX / 3 + 2) * 4 + 32];
	size_t i;

	(void)state;
	pk_request_parse(">PK_SIGN:", &req);
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:,ECDSA", &req);
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:aGk,ECDSA", &req);     /* not a multiple of 4 */
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:a=Gk,ECDSA", &req);    /* '=' inside */
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:aG*k,ECDSA", &req);
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:aGk=aGk=,ECDSA", &req); /* padding in the middle */
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">PK_SIGN:aGVsbG9=,ECDSA", &req); /* not canonical: bits after the pad */
	assert_int_equal(req.type, PK_REQ_MALFORMED);
	pk_request_parse(">RSA_SIGN:aGk=,ECDSA", &req);   /* no algorithm in the old form */
	assert_int_equal(req.type, PK_REQ_MALFORMED);

	/* Over PK_SIGN_DATA_MAX decoded bytes. */
	memcpy(big, ">PK_SIGN:", 9);
	for (i = 9; i < 9 + (PK_SIGN_DATA_MAX / 3 + 2) * 4; i++)
		big[i] = 'A';
	big[i] = '\0';
	pk_request_parse(big, &req);
	assert_int_equal(req.type, PK_REQ_MALFORMED);
}

static void test_base64_round_trip(void **state)
{
	unsigned char in[300], back[300 + 3];
	char enc[512];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (len = 0; len <= sizeof in; len += 1) {
		long n = b64_encode(in, len, enc, sizeof enc);

		assert_int_equal(n, (long)((len + 2) / 3 * 4));
		assert_int_equal(decode(enc, (size_t)n, back, sizeof back), (long)len);
		assert_memory_equal(in, back, len);
	}
	assert_int_equal(b64_encode(in, 3, enc, 4), -1); /* no room for the NUL */
	assert_int_equal(decode("aGVsbG8=", 8, back, 4), -1);
}

static const char pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBszCCAVmgAwIBAgIUQ\n"
	"AbCd==\n"
	"-----END CERTIFICATE-----\n";

static void test_reply_certificate(void **state)
{
	char out[512];
	size_t len;
	char crlf[512];

	(void)state;
	assert_int_equal(pk_reply_certificate(pem, out, sizeof out, &len), PK_REPLY_OK);
	assert_string_equal(out, "certificate\n"
	                         "-----BEGIN CERTIFICATE-----\n"
	                         "MIIBszCCAVmgAwIBAgIUQ\n"
	                         "AbCd==\n"
	                         "-----END CERTIFICATE-----\n"
	                         "END\n");
	assert_int_equal(len, strlen(out));

	/* Text around the block and CRLF line ends are dropped. */
	snprintf(crlf, sizeof crlf, "subject=CN=x\r\n%s", "-----BEGIN CERTIFICATE-----\r\nAbCd\r\n"
	         "-----END CERTIFICATE-----\r\n\r\n");
	assert_int_equal(pk_reply_certificate(crlf, out, sizeof out, &len), PK_REPLY_OK);
	assert_string_equal(out, "certificate\n-----BEGIN CERTIFICATE-----\nAbCd\n"
	                         "-----END CERTIFICATE-----\nEND\n");

	assert_int_equal(pk_reply_certificate("AbCd\n", out, sizeof out, &len), PK_REPLY_BAD_PEM);
	assert_int_equal(len, 0);
	assert_string_equal(out, "");
	assert_int_equal(pk_reply_certificate("-----BEGIN CERTIFICATE-----\nAbCd\n", out, sizeof out,
	                                      &len), PK_REPLY_BAD_PEM);
	assert_int_equal(pk_reply_certificate("-----BEGIN CERTIFICATE-----\nEND\n"
	                                      "-----END CERTIFICATE-----\n", out, sizeof out, &len),
	                 PK_REPLY_BAD_LINE);
	assert_int_equal(pk_reply_certificate("-----BEGIN CERTIFICATE-----\nA\tB\n"
	                                      "-----END CERTIFICATE-----\n", out, sizeof out, &len),
	                 PK_REPLY_BAD_LINE);
	snprintf(crlf, sizeof crlf, "%s%s", pem, pem);
	assert_int_equal(pk_reply_certificate(crlf, out, sizeof out, &len), PK_REPLY_BAD_PEM);
	assert_int_equal(pk_reply_certificate(pem, out, 40, &len), PK_REPLY_TOO_LONG);
	assert_int_equal(len, 0);
}

static void test_reply_signature(void **state)
{
	unsigned char sig[256], back[256 + 3];
	char out[1024];
	size_t len, total = 0;
	char *line, *save = NULL;
	int lines = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof sig; i++)
		sig[i] = (unsigned char)(255 - i);
	assert_int_equal(pk_reply_signature(sig, sizeof sig, out, sizeof out, &len), PK_REPLY_OK);
	assert_int_equal(len, strlen(out));
	assert_true(strncmp(out, "pk-sig\n", 7) == 0);
	assert_true(len > 4 && strcmp(out + len - 4, "END\n") == 0);
	/* Body lines of at most 64 columns that decode, joined, to the signature. */
	for (line = strtok_r(out + 7, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		long n;

		if (strcmp(line, "END") == 0)
			break;
		assert_true(strlen(line) <= 64);
		n = decode(line, strlen(line), back + total, sizeof back - total);
		assert_true(n > 0);
		total += (size_t)n;
		lines++;
	}
	assert_int_equal(total, sizeof sig);
	assert_int_equal(lines, 6); /* 256 bytes = 5 x 48 + 16 */
	assert_memory_equal(back, sig, sizeof sig);

	/* No signature: the empty reply that makes OpenVPN fail the handshake. */
	assert_int_equal(pk_reply_signature(NULL, 0, out, sizeof out, &len), PK_REPLY_OK);
	assert_string_equal(out, "pk-sig\nEND\n");
	assert_int_equal(pk_reply_signature(sig, sizeof sig, out, 100, &len), PK_REPLY_TOO_LONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_seen_on_the_wire),
		cmocka_unit_test(test_alg_every_form),
		cmocka_unit_test(test_alg_refused),
		cmocka_unit_test(test_hash_sizes),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_request_need_certificate),
		cmocka_unit_test(test_request_sign),
		cmocka_unit_test(test_request_malformed),
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_reply_certificate),
		cmocka_unit_test(test_reply_signature),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
