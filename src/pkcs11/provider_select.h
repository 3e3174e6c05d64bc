/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which PKCS#11 provider to read the tokens with: the one named on the command line
 * (--provider), else the config's first pkcs11-providers (what OpenVPN will load), else the
 * first of plat_default_pkcs11_providers() that loads.  A provider named by the user is never
 * silently replaced by another.
 */
#ifndef OVPN_TOKEN_PROVIDER_SELECT_H
#define OVPN_TOKEN_PROVIDER_SELECT_H

#include <stddef.h>

#include "pkcs11/provider.h"

enum p11_provider_source {
	P11_FROM_OPTION,   /* --provider */
	P11_FROM_CONFIG,   /* pkcs11-providers in the OpenVPN config */
	P11_FROM_DEFAULT,  /* where this system usually has one */
};

/*
 * option and config_provider may be NULL or "".  On success the provider, its path in used
 * and where it came from in *source; NULL with err filled (and used naming what failed, ""
 * when nothing was found) otherwise.
 */
struct p11_provider *p11_provider_select(const char *option, const char *config_provider,
                                         char *used, size_t usedsz,
                                         enum p11_provider_source *source, char *err,
                                         size_t errsz);

const char *p11_provider_source_name(enum p11_provider_source s);

#endif
