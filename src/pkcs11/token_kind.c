/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "pkcs11/token_kind.h"

enum token_kind token_kind_of(const char *manufacturer, const char *model)
{
	if (manufacturer == NULL || model == NULL)
		return TOKEN_KIND_UNKNOWN;
	if (strcmp(manufacturer, "piv_II") == 0 || strstr(model, "YubiKey") != NULL ||
	    strcmp(model, "PIV") == 0)
		return TOKEN_KIND_PIV;
	if (strcmp(manufacturer, "Common Access Card") == 0)
		return TOKEN_KIND_CAC;
	if (strcmp(manufacturer, "SoftHSM project") == 0)
		return TOKEN_KIND_SOFTHSM;
	/* tpm2-pkcs11 passes on the TPM's vendor strings: swtpm's "SW   TPM", a chip's own name. */
	if (strstr(model, "TPM") != NULL)
		return TOKEN_KIND_TPM;
	return TOKEN_KIND_UNKNOWN;
}

const char *token_kind_name(enum token_kind k)
{
	switch (k) {
	case TOKEN_KIND_PIV:
		return "PIV card";
	case TOKEN_KIND_CAC:
		return "CAC card";
	case TOKEN_KIND_TPM:
		return "TPM 2.0";
	case TOKEN_KIND_SOFTHSM:
		return "SoftHSM";
	case TOKEN_KIND_UNKNOWN:
		break;
	}
	return NULL;
}

bool token_kind_without_pcsc(enum token_kind k)
{
	return k == TOKEN_KIND_TPM;
}

const char *token_kind_unblock_hint(enum token_kind k)
{
	switch (k) {
	case TOKEN_KIND_PIV:
		return "unblock it with the card's PUK (e.g. pkcs11-tool --unlock-pin --login "
		       "--login-type so, yubico-piv-tool -a unblock-pin), or ask the card's "
		       "administrator; a blocked PUK needs a new card or a reset";
	case TOKEN_KIND_TPM:
		return "the TPM's dictionary-attack lockout ends by itself after its recovery time "
		       "(tpm2_getcap properties-variable: TPM2_PT_LOCKOUT_RECOVERY), or the TPM's "
		       "owner clears it (tpm2_dictionarylockout --clear-lockout)";
	default:
		return "unblock it with the PUK (e.g. pkcs11-tool --unlock-pin --login "
		       "--login-type so)";
	}
}
