/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pkcs11-helper serialized id.  The expected strings were checked against
 * `openvpn --show-pkcs11-ids` (OpenVPN 2.6.14) with SoftHSM2 tokens carrying these labels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pkcs11/id_codec.h"

static void fields(struct p11_id_fields *f, const char *manufacturer, const char *model,
                   const char *serial, const char *label, const char *cka_id, size_t idlen)
{
	memset(f, 0, sizeof *f);
	p11_id_set_token(f, manufacturer, manufacturer ? strlen(manufacturer) : 0, model,
	                 model ? strlen(model) : 0, serial, serial ? strlen(serial) : 0, label,
	                 label ? strlen(label) : 0);
	assert_int_equal(p11_id_set_cka_id(f, (const unsigned char *)cka_id, idlen), 0);
}

static void assert_encodes(const struct p11_id_fields *f, const char *want)
{
	char out[P11_ID_MAX];

	assert_int_equal(p11_id_encode(f, out, sizeof out), (int)strlen(want));
	assert_string_equal(out, want);
}

static void assert_same_fields(const struct p11_id_fields *a, const struct p11_id_fields *b)
{
	assert_int_equal(a->manufacturer_len, b->manufacturer_len);
	assert_memory_equal(a->manufacturer, b->manufacturer, a->manufacturer_len);
	assert_int_equal(a->model_len, b->model_len);
	assert_memory_equal(a->model, b->model, a->model_len);
	assert_int_equal(a->serial_len, b->serial_len);
	assert_memory_equal(a->serial, b->serial, a->serial_len);
	assert_int_equal(a->label_len, b->label_len);
	assert_memory_equal(a->label, b->label, a->label_len);
	assert_int_equal(a->cka_id_len, b->cka_id_len);
	assert_memory_equal(a->cka_id, b->cka_id, a->cka_id_len);
}

static void assert_round_trip(const struct p11_id_fields *f)
{
	char out[P11_ID_MAX], err[128];
	struct p11_id_fields back;

	assert_true(p11_id_encode(f, out, sizeof out) > 0);
	assert_int_equal(p11_id_decode(out, &back, err, sizeof err), 0);
	assert_same_fields(f, &back);
	assert_true(p11_id_equal(out, out));
}

/* The id of doc/protocol.md, seen on the wire. */
static void test_protocol_example(void **state)
{
	static const char id[] = "SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45";
	struct p11_id_fields f, back;
	char err[128];

	(void)state;
	/* Token info as C_GetTokenInfo gives it: blank padded to the field sizes. */
	memset(&f, 0, sizeof f);
	p11_id_set_token(&f, "SoftHSM project                 ", 32, "SoftHSM v2      ", 16,
	                 "4c910ae4992abbe9", 16, "Test Token                      ", 32);
	assert_int_equal(p11_id_set_cka_id(&f, (const unsigned char *)"\x45", 1), 0);
	assert_encodes(&f, id);
	assert_int_equal(p11_id_decode(id, &back, err, sizeof err), 0);
	assert_same_fields(&f, &back);
	assert_int_equal(back.label_len, 10);
	assert_memory_equal(back.label, "Test Token", 10);
}

/* Every character doc/protocol.md names as escaped, one at a time and all together. */
static void test_every_escaped_char(void **state)
{
	static const char escaped[] = "\\/\"'%&#@!?$* <>{}[]()`|:;,.+-";
	struct p11_id_fields f;
	char label[2] = {0, 0}, want[64];

	(void)state;
	for (const char *c = escaped; *c != '\0'; c++) {
		label[0] = *c;
		fields(&f, "M", "X", "1", label, "\x01", 1);
		snprintf(want, sizeof want, "M/X/1/\\x%02X/01", (unsigned char)*c);
		if (*c == ' ') /* a lone blank is padding: stripped to an empty label */
			snprintf(want, sizeof want, "M/X/1//01");
		assert_encodes(&f, want);
		assert_round_trip(&f);
	}
	/* The 32-byte label of the real token check (OpenVPN printed exactly this). */
	fields(&f, "SoftHSM project", "SoftHSM v2", "01654718e01e11b8",
	       "a/b\\c\"d'e%f&#@!?$* <>{}[]()`|:;,", "\x4a\x5b", 2);
	assert_encodes(&f, "SoftHSM\\x20project/SoftHSM\\x20v2/01654718e01e11b8/"
	                   "a\\x2Fb\\x5Cc\\x22d\\x27e\\x25f\\x26\\x23\\x40\\x21\\x3F\\x24\\x2A"
	                   "\\x20\\x3C\\x3E\\x7B\\x7D\\x5B\\x5D\\x28\\x29\\x60\\x7C\\x3A\\x3B"
	                   "\\x2C/4A5B");
	assert_round_trip(&f);
}

/* Printable ASCII outside the reserved set stays as it is. */
static void test_kept_chars(void **state)
{
	struct p11_id_fields f;

	(void)state;
	fields(&f, "AZaz09", "~=_^", "", "", "\xff", 1);
	assert_encodes(&f, "AZaz09/~=_^///FF");
	assert_round_trip(&f);
}

/* Control and non-ASCII bytes: every byte of a UTF-8 sequence escaped, uppercase hex. */
static void test_non_ascii(void **state)
{
	struct p11_id_fields f;

	(void)state;
	fields(&f, "SoftHSM project", "SoftHSM v2", "a17f16f41f25b50f", ".+-~\xc3\xa9\x01z=_^  x",
	       "\x00\xff", 2);
	assert_encodes(&f, "SoftHSM\\x20project/SoftHSM\\x20v2/a17f16f41f25b50f/"
	                   "\\x2E\\x2B\\x2D~\\xC3\\xA9\\x01z=_^\\x20\\x20x/00FF");
	assert_round_trip(&f);
	fields(&f, "\x7f\x80\x1b", "\t", "\n", "\xe2\x82\xac", "\x10", 1);
	assert_encodes(&f, "\\x7F\\x80\\x1B/\\x09/\\x0A/\\xE2\\x82\\xAC/10");
	assert_round_trip(&f);
}

/* Padding goes, inner and leading blanks stay, a NUL ends a field (pkcs11-helper: C strings). */
static void test_trailing_spaces_and_nul(void **state)
{
	struct p11_id_fields f;

	(void)state;
	fields(&f, "  Lead  ", "   ", "", "a b   ", "\x01", 1);
	assert_encodes(&f, "\\x20\\x20Lead///a\\x20b/01");
	memset(&f, 0, sizeof f);
	p11_id_set_token(&f, "Cut\0here", 8, NULL, 0, "1234567890abcdefXYZ", 19, "", 0);
	assert_int_equal(p11_id_set_cka_id(&f, (const unsigned char *)"\x01", 1), 0);
	/* The serial is cut at its 16-byte field size. */
	assert_encodes(&f, "Cut//1234567890abcdef//01");
}

static void test_empty_fields(void **state)
{
	struct p11_id_fields f, back;
	char err[128];

	(void)state;
	fields(&f, "", "", "", "", "\x45", 1);
	assert_encodes(&f, "////45");
	assert_round_trip(&f);
	assert_int_equal(p11_id_decode("////45", &back, err, sizeof err), 0);
	assert_int_equal(back.label_len, 0);
}

/* Full-length fields of every byte value that can occur. */
static void test_round_trip_all_bytes(void **state)
{
	struct p11_id_fields f;
	unsigned char id[P11_CKA_ID_MAX];

	(void)state;
	for (unsigned start = 1; start < 256; start += 32) {
		memset(&f, 0, sizeof f);
		for (size_t i = 0; i < P11_LABEL_LEN; i++)
			f.label[i] = (unsigned char)((start + i) % 255 + 1);
		f.label_len = P11_LABEL_LEN;
		for (size_t i = 0; i < P11_MANUFACTURER_LEN; i++)
			f.manufacturer[i] = (unsigned char)(255 - i);
		f.manufacturer_len = P11_MANUFACTURER_LEN;
		memcpy(f.model, "0123456789abcdef", 16);
		f.model_len = 16;
		memcpy(f.serial, "\\\\//''\"\"%%##  ..", 16);
		f.serial_len = 16;
		for (size_t i = 0; i < sizeof id; i++)
			id[i] = (unsigned char)(i * 7 + start);
		assert_int_equal(p11_id_set_cka_id(&f, id, sizeof id), 0);
		assert_round_trip(&f);
	}
}

static void test_decode_either_case(void **state)
{
	struct p11_id_fields a, b;
	char err[128];

	(void)state;
	assert_int_equal(p11_id_decode("a\\x2fb/M/S/L\\xc3\\xA9/ab0F", &a, err, sizeof err), 0);
	assert_int_equal(p11_id_decode("a\\x2Fb/M/S/L\\xC3\\xa9/AB0f", &b, err, sizeof err), 0);
	assert_same_fields(&a, &b);
	assert_int_equal(a.manufacturer_len, 3);
	assert_memory_equal(a.manufacturer, "a/b", 3);
	assert_int_equal(a.cka_id_len, 2);
	assert_memory_equal(a.cka_id, "\xab\x0f", 2);
	assert_true(p11_id_equal("a\\x2fb/M/S/L\\xc3\\xA9/ab0F", "a\\x2Fb/M/S/L\\xC3\\xa9/AB0f"));
	assert_false(p11_id_equal("a/M/S/L/01", "a/M/S/L/02"));
	assert_false(p11_id_equal("a/M/S/L/01", "broken"));
	/* Unescaped characters pkcs11-helper would not write are still read. */
	assert_int_equal(p11_id_decode("A.B/M-1/S/L+x/01", &a, err, sizeof err), 0);
	assert_memory_equal(a.manufacturer, "A.B", 3);
}

static void assert_rejected(const char *id, const char *why)
{
	struct p11_id_fields f;
	char err[128] = "";

	memset(&f, 0x55, sizeof f);
	assert_int_equal(p11_id_decode(id, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, why));
	assert_int_equal(f.label_len, 0);
	assert_int_equal(f.cka_id_len, 0);
}

static void test_decode_rejects(void **state)
{
	char longlabel[200];

	(void)state;
	assert_rejected("", "no '/'");
	assert_rejected("no slash", "no '/'");
	assert_rejected("a/b/c/d/", "empty");
	assert_rejected("a/b/c/d/4", "whole bytes");
	assert_rejected("a/b/c/d/4G", "not hex");
	assert_rejected("a/b/c/45", "fewer than five");
	assert_rejected("a/b/c/d/e/45", "more than five");
	assert_rejected("a\\/b/c/d/45", "backslash");
	assert_rejected("a\\x4/b/c/d/45", "backslash");
	assert_rejected("a\\xZZ/b/c/d/45", "backslash");
	assert_rejected("a\\X41/b/c/d/45", "backslash");
	assert_rejected("a/b/c/d\\x/45", "backslash");
	assert_rejected("a\\x00/b/c/d/45", "NUL");
	assert_rejected("a\tb/b/c/d/45", "control");
	snprintf(longlabel, sizeof longlabel, "m/m/s/%s/01",
	         "123456789012345678901234567890123"); /* 33 bytes */
	assert_rejected(longlabel, "longer than PKCS#11 allows");
	snprintf(longlabel, sizeof longlabel, "m/12345678901234567/s/l/01");
	assert_rejected(longlabel, "longer than PKCS#11 allows");
}

static void test_encode_limits(void **state)
{
	struct p11_id_fields f;
	unsigned char id[P11_CKA_ID_MAX + 1] = {0};
	char small[8] = "x";

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(p11_id_set_cka_id(&f, id, 0), -1);
	assert_int_equal(p11_id_set_cka_id(&f, NULL, 1), -1);
	assert_int_equal(p11_id_set_cka_id(&f, id, sizeof id), -1);
	/* No CKA_ID: no id. */
	assert_int_equal(p11_id_encode(&f, small, sizeof small), -1);
	assert_string_equal(small, "");
	fields(&f, "Manufacturer", "M", "S", "L", "\x01", 1);
	assert_int_equal(p11_id_encode(&f, small, sizeof small), -1);
	assert_string_equal(small, "");
	/* Exactly big enough. */
	{
		char exact[sizeof "Manufacturer/M/S/L/01"];

		assert_int_equal(p11_id_encode(&f, exact, sizeof exact), (int)sizeof exact - 1);
		assert_int_equal(p11_id_encode(&f, exact, sizeof exact - 1), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol_example),
		cmocka_unit_test(test_every_escaped_char),
		cmocka_unit_test(test_kept_chars),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_trailing_spaces_and_nul),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_round_trip_all_bytes),
		cmocka_unit_test(test_decode_either_case),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_encode_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
