/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who signs for start's openvpn (openvpn/signer_choice.h): the user's word, then the module. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "openvpn/signer_choice.h"

static struct ovpn_config_settings with_provider(const char *module)
{
	struct ovpn_config_settings s;

	memset(&s, 0, sizeof s);
	snprintf(s.pkcs11_providers, sizeof s.pkcs11_providers, "%s", module);
	snprintf(s.pkcs11_options, sizeof s.pkcs11_options, "pkcs11-providers");
	return s;
}

static bool signs(enum signer_asked asked, const struct ovpn_config_settings *s,
                  const char *provider, bool via_service)
{
	return signer_choose(asked, s, provider, via_service).ovpn_token_signs;
}

/* OpenSC reads the card at each load: we sign, so that only our load reads it. */
static void test_opensc_makes_us_sign(void **state)
{
	struct ovpn_config_settings s = with_provider("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so");

	(void)state;
	assert_true(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
	assert_non_null(strstr(signer_choose(SIGNER_ASKED_NOTHING, &s, NULL, false).why, "OpenSC"));
	s = with_provider("C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\OpenSC-PKCS11.DLL");
	assert_true(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
	s = with_provider("/usr/lib64/pkcs11/onepin-opensc-pkcs11.so");
	assert_true(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
}

/* Modules that load in milliseconds keep openvpn's own PKCS#11 support. */
static void test_other_modules_leave_it_to_openvpn(void **state)
{
	const char *modules[] = {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/libtpm2_pkcs11.so",
	                         "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
	                         "/opt/opensc-pkcs11-wrapper/libwrap.so", "opensc.so"};

	(void)state;
	for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
		struct ovpn_config_settings s = with_provider(modules[i]);

		assert_false(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
	}
}

/* --provider is the module we load: it decides, not the config's line. */
static void test_provider_option_decides(void **state)
{
	struct ovpn_config_settings s = with_provider("/usr/lib/softhsm/libsofthsm2.so");

	(void)state;
	assert_true(signs(SIGNER_ASKED_NOTHING, &s, "/usr/lib/opensc-pkcs11.so", false));
	s = with_provider("/usr/lib/opensc-pkcs11.so");
	assert_false(signs(SIGNER_ASKED_NOTHING, &s, "/usr/lib/softhsm/libsofthsm2.so", false));
}

/* The user's word wins both ways. */
static void test_asked_wins(void **state)
{
	struct ovpn_config_settings opensc = with_provider("/usr/lib/opensc-pkcs11.so");
	struct ovpn_config_settings softhsm = with_provider("/usr/lib/softhsm/libsofthsm2.so");

	(void)state;
	assert_false(signs(SIGNER_ASKED_OPENVPN, &opensc, NULL, false));
	assert_true(signs(SIGNER_ASKED_OVPN_TOKEN, &softhsm, NULL, false));
	assert_string_equal(signer_choose(SIGNER_ASKED_OPENVPN, &opensc, NULL, false).why,
	                    "--no-external-key");
	assert_int_equal(signer_asked_by(true, false), SIGNER_ASKED_OVPN_TOKEN);
	assert_int_equal(signer_asked_by(false, true), SIGNER_ASKED_OPENVPN);
	assert_int_equal(signer_asked_by(false, false), SIGNER_ASKED_NOTHING);
}

/* What openvpn must do itself: the service passes no external-key option; a fixed pkcs11-id. */
static void test_openvpn_keeps_what_only_it_can_do(void **state)
{
	struct ovpn_config_settings s = with_provider("/usr/lib/opensc-pkcs11.so");

	(void)state;
	assert_false(signs(SIGNER_ASKED_NOTHING, &s, NULL, true));
	s.pkcs11_id = true;
	assert_false(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
	s = with_provider("/usr/lib/opensc-pkcs11.so");
	s.own_cert_or_key = true;
	assert_false(signs(SIGNER_ASKED_NOTHING, &s, NULL, false));
	s = with_provider("");
	assert_false(signs(SIGNER_ASKED_NOTHING, &s, "/usr/lib/opensc-pkcs11.so", false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opensc_makes_us_sign),
		cmocka_unit_test(test_other_modules_leave_it_to_openvpn),
		cmocka_unit_test(test_provider_option_decides),
		cmocka_unit_test(test_asked_wins),
		cmocka_unit_test(test_openvpn_keeps_what_only_it_can_do),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
