/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cert_wincrypt.c under wine: the cases of tests/unit/cert_info_cases.h, shared with the
 * OpenSSL test tests/unit/test_cert_openssl.c, with the same certificates (made by OpenSSL on the
 * build machine, see gen_cert_fixtures.c), must give exactly the fields and summaries the
 * OpenSSL implementation gives.
 */
#include "../unit/cert_info_cases.h"

#include <windows.h>
#include <wincrypt.h>

#include "cert_fixtures.h"

static char *copy_string(const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = malloc(n);

	assert_non_null(out);
	memcpy(out, s, n);
	return out;
}

static char *cert_blob(enum cert_id id)
{
	static const char *const fixtures[] = {
		[CERT_CLIENT1] = FIX_CLIENT1,
		[CERT_2051] = FIX_2051,
		[CERT_PRE_EPOCH] = FIX_PRE_EPOCH,
		[CERT_NEG_SERIAL] = FIX_NEG_SERIAL,
		[CERT_ESC_C1] = FIX_ESC_C1,
		[CERT_BIDI_NUL] = FIX_BIDI_NUL,
		[CERT_UNICODE] = FIX_UNICODE,
		[CERT_NO_CN] = FIX_NO_CN,
		[CERT_TWO_CN] = FIX_TWO_CN,
		[CERT_TRUNCATED] = FIX_TRUNCATED,
		[CERT_ONE_BYTE] = FIX_ONE_BYTE,
		[CERT_TRAILING_JUNK] = FIX_TRAILING_JUNK,
	};

	assert_true((size_t)id < sizeof fixtures / sizeof fixtures[0] && fixtures[id] != NULL);
	return copy_string(fixtures[id]);
}

/*
 * The fixtures are BLOBs; crypt32 turns one back into DER here, so this test does not lean on
 * the base64 decoder it is checking against.  One spare byte is left for the trailing junk.
 */
static unsigned char *cert_der(enum cert_id id, size_t *len)
{
	char *blob = cert_blob(id);
	DWORD n = 0;
	unsigned char *der;

	assert_true(CryptStringToBinaryA(blob, 0, CRYPT_STRING_BASE64, NULL, &n, NULL, NULL));
	der = malloc((size_t)n + 1);
	assert_non_null(der);
	assert_true(CryptStringToBinaryA(blob, 0, CRYPT_STRING_BASE64, der, &n, NULL, NULL));
	*len = n;
	free(blob);
	return der;
}

/* gen_cert_fixtures.c picked one certificate of each DER length mod 3 from its series. */
static char *cert_pad_blob(size_t i, char *cn, size_t cnsz)
{
	static const char *const blobs[] = { FIX_PAD0, FIX_PAD1, FIX_PAD2 };
	static const char *const cns[] = { FIX_PAD0_CN, FIX_PAD1_CN, FIX_PAD2_CN };

	if (i >= sizeof blobs / sizeof blobs[0])
		return NULL;
	assert_true(strlen(cns[i]) < cnsz);
	strcpy(cn, cns[i]);
	return copy_string(blobs[i]);
}

int main(void)
{
	return run_cert_info_cases(NULL, NULL);
}
