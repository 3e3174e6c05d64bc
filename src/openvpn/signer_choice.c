/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rule of signer_choice.h. */
#include <ctype.h>
#include <string.h>

#include "openvpn/signer_choice.h"
#include "platform/platform.h"

/* Windows' file names ignore case: "OpenSC-PKCS11.DLL" is the same module. */
static bool contains_nocase(const char *s, const char *part)
{
	size_t n = strlen(part);

	for (; *s != '\0'; s++) {
		size_t i = 0;

		while (i < n && s[i] != '\0' &&
		       tolower((unsigned char)s[i]) == tolower((unsigned char)part[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

bool signer_module_is_opensc(const char *path)
{
	return path != NULL && contains_nocase(plat_path_base(path), "opensc-pkcs11.");
}

enum signer_asked signer_asked_by(bool external_key, bool no_external_key)
{
	return external_key      ? SIGNER_ASKED_OVPN_TOKEN
	       : no_external_key ? SIGNER_ASKED_OPENVPN
	                         : SIGNER_ASKED_NOTHING;
}

struct signer_choice signer_choose(enum signer_asked asked,
                                   const struct ovpn_config_settings *settings,
                                   const char *provider, bool via_service)
{
	const char *module = provider != NULL ? provider : settings->pkcs11_providers;

	if (asked == SIGNER_ASKED_OVPN_TOKEN)
		return (struct signer_choice){true, "--external-key"};
	if (asked == SIGNER_ASKED_OPENVPN)
		return (struct signer_choice){false, "--no-external-key"};
	if (via_service)
		return (struct signer_choice){false, "OpenVPN's interactive service starts openvpn "
		                                     "and passes no external-key option"};
	if (settings->pkcs11_id)
		return (struct signer_choice){false, "the config names its own pkcs11-id"};
	if (settings->own_cert_or_key || settings->pkcs11_providers[0] == '\0')
		return (struct signer_choice){false, "the config does not load a PKCS#11 provider"};
	/*
	 * openvpn would load the module, and ovpn-token too (the PIN's flags before any PIN goes,
	 * which certificates have their key).  Through OpenSC each load reads the card, and a card
	 * serves one reader at a time: about 2 s a load on a CAC or PIV card.  Signing ourselves
	 * leaves one load, ours.  Other modules load in milliseconds (SoftHSM, a TPM): openvpn keeps
	 * its own PKCS#11 support there.
	 */
	if (signer_module_is_opensc(module))
		return (struct signer_choice){true, "OpenSC reads the card at each load: with "
		                                    "ovpn-token as the external key it is loaded once"};
	return (struct signer_choice){false, "openvpn's own PKCS#11 support (the default)"};
}
