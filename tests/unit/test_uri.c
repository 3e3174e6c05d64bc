/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The RFC 7512 URI list prints beside the serialized id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pkcs11/id_codec.h"
#include "pkcs11/uri.h"

static void test_softhsm_id(void **state)
{
	struct p11_id_fields f;
	char err[128], uri[512];

	(void)state;
	assert_int_equal(p11_id_decode("SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/"
	                               "Anna\\x27s\\x20card\\x3B\\x25/45A0", &f, err, sizeof err), 0);
	assert_true(p11_uri_format(&f, uri, sizeof uri) > 0);
	/* Space, ';' and '%' are escaped; the id is all %XX. */
	assert_string_equal(uri, "pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;"
	                         "serial=4c910ae4992abbe9;token=Anna's%20card%3B%25;id=%45%A0");
}

static void test_too_small(void **state)
{
	struct p11_id_fields f;
	char err[128], uri[16];

	(void)state;
	assert_int_equal(p11_id_decode("M/Model/1/Token/45", &f, err, sizeof err), 0);
	assert_int_equal(p11_uri_format(&f, uri, sizeof uri), -1);
	assert_string_equal(uri, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softhsm_id),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
