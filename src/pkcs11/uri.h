/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A certificate's RFC 7512 "pkcs11:" URI, from pkcs11-helper's serialized id: what OpenVPN 2.7
 * takes in `cert pkcs11:...` / `key pkcs11:...` through OpenSSL's pkcs11-provider, so a user can
 * paste either form.
 */
#ifndef OVPN_TOKEN_PKCS11_URI_H
#define OVPN_TOKEN_PKCS11_URI_H

#include <stddef.h>

#include "pkcs11/id_codec.h"

/*
 * "pkcs11:model=...;manufacturer=...;serial=...;token=...;id=%45" into out.  Returns the
 * length, or -1 when it does not fit (out is then "").
 */
int p11_uri_format(const struct p11_id_fields *f, char *out, size_t outsz);

#endif
