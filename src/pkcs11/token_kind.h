/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What kind of token a PKCS#11 module shows, from what it says of itself (the token's
 * manufacturer and model): a PIV or CAC card behind OpenSC, a TPM 2.0 through tpm2-pkcs11,
 * SoftHSM.  It decides the words a person reads: what the token is, whether it needs pcscd,
 * and what unblocks it when it is locked.
 */
#ifndef OVPN_TOKEN_PKCS11_TOKEN_KIND_H
#define OVPN_TOKEN_PKCS11_TOKEN_KIND_H

#include <stdbool.h>

enum token_kind {
	TOKEN_KIND_UNKNOWN,
	TOKEN_KIND_PIV,     /* OpenSC's piv driver (manufacturer "piv_II"), Yubico's ykcs11 */
	TOKEN_KIND_CAC,     /* OpenSC's cac driver ("Common Access Card") */
	TOKEN_KIND_TPM,     /* tpm2-pkcs11: the TPM's own vendor, a model naming the TPM */
	TOKEN_KIND_SOFTHSM, /* "SoftHSM project" */
};

enum token_kind token_kind_of(const char *manufacturer, const char *model);

/* "PIV card", "CAC card", "TPM 2.0", "SoftHSM"; NULL when unknown. */
const char *token_kind_name(enum token_kind k);

/*
 * Whether the kind is part of the machine, reached without PC/SC (a TPM): pcscd is nothing to
 * it.  (SoftHSM needs no PC/SC either, but the test bed reads doctor's reader lines beside it.)
 */
bool token_kind_without_pcsc(enum token_kind k);

/* What unblocks a locked token of this kind, as a hint a person can act on. */
const char *token_kind_unblock_hint(enum token_kind k);

#endif
