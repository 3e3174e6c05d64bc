/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crypto backend of cert_info.h (cert_openssl.c with OpenSSL, cert_wincrypt.c with the
 * CryptoAPI) and what it shares with the portable part (cert/text.c, cert/serial_hex.c).  Only
 * for the files of cert/: having one copy of these rules is what keeps both backends showing a
 * certificate the same way.
 */
#ifndef OVPN_TOKEN_CERT_BACKEND_H
#define OVPN_TOKEN_CERT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/cert_info.h"

/*
 * Upper bound for a BLOB's base64 text and for the DER handed to cert_info_from_der().  A real
 * certificate is a few kilobytes; the cap keeps the backends' int/long/DWORD lengths far from
 * overflowing.
 */
#define CERT_TEXT_MAX (1024 * 1024)

/*
 * (serial_hex.c) The serial number as `openssl x509 -serial` prints it: '-' when negative, then the big-endian
 * magnitude mag[0..len) in upper-case hex, "00" when len is 0.  Cut at a whole byte, always
 * NUL-terminated (dstsz must be > 0).
 */
void cert_text_serial_hex(const unsigned char *mag, size_t len, bool negative, char *dst,
                          size_t dstsz);

/*
 * The crypto backend's part of cert_info_from_der(): der is non-NULL, 0 < len <= CERT_TEXT_MAX
 * and *out is zeroed; fills out and returns 0, or -1 (out is zeroed again by the caller).
 */
int cert_backend_describe(const unsigned char *der, size_t len, struct cert_info *out);
/* The crypto library and its version, for --version ("OpenSSL 3.0.17 1 Jul 2025"). */
const char *cert_backend_version(void);

#endif
