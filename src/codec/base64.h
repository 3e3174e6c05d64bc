/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Base64 (RFC 4648, with padding): the one base64 of the program. */
#ifndef OVPN_TOKEN_BASE64_H
#define OVPN_TOKEN_BASE64_H

#include <stddef.h>

/* Characters base64 of n bytes takes, without the NUL. */
size_t b64_encoded_len(size_t n);

/*
 * Writes base64 of in[0..n) and a NUL into out.  Returns the length, or -1 (out wiped to "")
 * when it does not fit in outsz.  The input may be a secret: nothing is kept anywhere else.
 */
int b64_encode(const unsigned char *in, size_t n, char *out, size_t outsz);

/*
 * Strict decoding of in[0..inlen): padding required, no whitespace, '=' only at the end, the
 * bits a padded group leaves over zero.
 * Writes the bytes and a NUL (so text can be used as a string; check *outlen for embedded
 * NULs) into out.  Returns 0, or -1 (out wiped) for bad base64 or when it does not fit.
 */
int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz, size_t *outlen);

#endif
