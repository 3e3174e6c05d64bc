/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ui/sanitize.h: the one rule for everything from OpenVPN or a token shown on a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/sanitize.h"

static void assert_shown(const char *in, size_t len, const char *want)
{
	char out[256];

	memset(out, 'z', sizeof out);
	sanitize_text(out, sizeof out, in, len);
	assert_string_equal(out, want);
}

#define SHOWN(lit, want) assert_shown(lit, sizeof lit - 1, want)

static void test_printable_kept(void **state)
{
	(void)state;
	SHOWN("CN=Anna Example,O=Example Corp", "CN=Anna Example,O=Example Corp");
	SHOWN("O=B\xc3\xa4" "ckerei", "O=B\xc3\xa4" "ckerei");                    /* Bäckerei */
	SHOWN("\xe2\x82\xac \xf0\x9f\x94\x91 \xe6\x97\xa5\xe6\x9c\xac", "\xe2\x82\xac \xf0\x9f\x94\x91 \xe6\x97\xa5\xe6\x9c\xac");
	SHOWN("\xc2\xa0nbsp", "\xc2\xa0nbsp");                                  /* U+00A0: first after C1 */
	SHOWN("~ !\"#$%&'()*+,-./\\", "~ !\"#$%&'()*+,-./\\");
	SHOWN("", "");
}

static void test_c0_del_c1(void **state)
{
	(void)state;
	SHOWN("\x1b]0;owned\x07", "?]0;owned?");
	SHOWN("a\tb\nc\rd", "a?b?c?d");
	SHOWN("x\x7fy", "x?y");
	SHOWN("\x01\x1f", "??");
	SHOWN("a\xc2\x9b" "31mred", "a?31mred");                                /* U+009B CSI */
	SHOWN("\xc2\x80\xc2\x9f", "??");                                        /* C1 both ends */
	SHOWN("a\0b", "a?b");                                                   /* embedded NUL */
}

static void test_bidi_and_separators(void **state)
{
	(void)state;
	SHOWN("abc\xe2\x80\xae" "fdp.exe", "abc?fdp.exe");                      /* U+202E RLO */
	SHOWN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "????");      /* U+202A-202D */
	SHOWN("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "????");      /* U+2066-2069 */
	SHOWN("\xe2\x80\x8e\xe2\x80\x8f", "??");                                /* LRM, RLM */
	SHOWN("\xd8\x9c", "?");                                                 /* U+061C ALM */
	SHOWN("a\xe2\x80\xa8" "b\xe2\x80\xa9", "a?b?");                         /* U+2028/2029 */
	SHOWN("\xe2\x80\xa9\xe2\x80\xaf", "?\xe2\x80\xaf");                     /* U+202F is fine */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	SHOWN("\x80", "?");                          /* lone continuation byte */
	SHOWN("\xc0\xaf", "??");                     /* overlong '/' */
	SHOWN("\xe0\x80\xaf", "???");                /* overlong, 3 bytes */
	SHOWN("\xed\xa0\x80", "???");                /* surrogate U+D800 */
	SHOWN("\xf4\x90\x80\x80", "????");           /* past U+10FFFF */
	SHOWN("\xf5\xff", "??");
	SHOWN("x\xe2\x82", "x??");                   /* cut short */
	SHOWN("\xc3(", "?(");
}

static void test_never_cuts_a_character(void **state)
{
	char out[4];

	(void)state;
	sanitize_text(out, sizeof out, "ab\xc3\xa4", 4);
	assert_string_equal(out, "ab");
	sanitize_text(out, sizeof out, "\xe2\x82\xac!", 4);
	assert_string_equal(out, "\xe2\x82\xac");
	sanitize_text(out, 1, "abc", 3);
	assert_string_equal(out, "");
	memset(out, 'z', sizeof out);
	sanitize_text(out, 0, "abc", 3);
	assert_int_equal(out[0], 'z');
	sanitize_str(out, sizeof out, NULL);
	assert_string_equal(out, "");
	sanitize_str(out, sizeof out, "a\x1b");
	assert_string_equal(out, "a?");
}

static void test_classes(void **state)
{
	enum sanitize_class cls;
	unsigned long cp;

	(void)state;
	assert_int_equal(sanitize_char((const unsigned char *)"\xc3\xa4", 2, &cls, &cp), 2);
	assert_int_equal(cls, SANITIZE_PRINTABLE);
	assert_int_equal(cp, 0xE4);
	assert_int_equal(sanitize_char((const unsigned char *)"\xe2\x80\xae", 3, &cls, &cp), 3);
	assert_int_equal(cls, SANITIZE_UNSAFE);
	assert_int_equal(cp, 0x202E);
	assert_int_equal(sanitize_char((const unsigned char *)"\xe2\x80\xae", 2, &cls, &cp), 1);
	assert_int_equal(cls, SANITIZE_INVALID);
	assert_int_equal(sanitize_char((const unsigned char *)"\x1b", 1, &cls, &cp), 1);
	assert_int_equal(cls, SANITIZE_UNSAFE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable_kept),
		cmocka_unit_test(test_c0_del_c1),
		cmocka_unit_test(test_bidi_and_separators),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_never_cuts_a_character),
		cmocka_unit_test(test_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
