/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Who signs for start's openvpn: openvpn itself, through its PKCS#11 support (pkcs11-providers,
 * a pkcs11-id we send), or ovpn-token, as openvpn's external key.  One rule for start, which
 * acts on it, and doctor, which judges the config as start will run it.
 */
#ifndef OVPN_TOKEN_OPENVPN_SIGNER_CHOICE_H
#define OVPN_TOKEN_OPENVPN_SIGNER_CHOICE_H

#include <stdbool.h>

#include "openvpn/config.h"

enum signer_asked {
	SIGNER_ASKED_NOTHING,
	SIGNER_ASKED_OVPN_TOKEN, /* --external-key */
	SIGNER_ASKED_OPENVPN,    /* --no-external-key */
};

struct signer_choice {
	bool ovpn_token_signs;
	const char *why; /* for a person, e.g. in start's -v output */
};

/* What the command line said: --external-key, --no-external-key (never both: the parser). */
enum signer_asked signer_asked_by(bool external_key, bool no_external_key);

/*
 * provider: the module ovpn-token loads (--provider), NULL for the config's; via_service:
 * OpenVPN's interactive service starts openvpn, and it passes no external-key option.
 */
struct signer_choice signer_choose(enum signer_asked asked,
                                   const struct ovpn_config_settings *settings,
                                   const char *provider, bool via_service);

/* Whether path names OpenSC's PKCS#11 module (opensc-pkcs11.so, onepin-opensc-pkcs11.so, .dll). */
bool signer_module_is_opensc(const char *path);

#endif
