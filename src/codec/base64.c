/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one base64 codec: certificate BLOBs, PK_SIGN data and signatures, challenge answers.
 * Output goes only into the caller's buffer (a secret's locked memory, for answers), and
 * decoding is strict and canonical, so one text is one value.
 */
#include "codec/base64.h"

#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

int b64_encode(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	size_t need = b64_encoded_len(n), o = 0;

	if (n > ((size_t)-1 - 3) / 4 * 3 || outsz == 0 || need >= outsz || need > 0x7fffffff) {
		if (outsz > 0)
			memset(out, 0, outsz);
		return -1;
	}
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16;
		size_t left = n - i;

		if (left > 1)
			v |= (unsigned long)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

/* 0..63, or -1 for anything that is not in the alphabet. */
static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz, size_t *outlen)
{
	size_t pad = 0, o = 0;

	*outlen = 0;
	if (outsz == 0)
		return -1;
	if (inlen % 4 != 0 || inlen / 4 * 3 >= outsz)
		goto bad;
	if (inlen > 0 && in[inlen - 1] == '=') {
		pad++;
		if (in[inlen - 2] == '=')
			pad++;
	}
	for (size_t i = 0; i < inlen; i += 4) {
		unsigned long v = 0;

		for (size_t k = 0; k < 4; k++) {
			int s = i + k >= inlen - pad ? 0 : sextet((unsigned char)in[i + k]);

			if (s < 0)
				goto bad;
			v = v << 6 | (unsigned long)s;
		}
		/* The bits a pad leaves over must be zero: "Zh==" is not another spelling of "Zg==". */
		if (i + 4 == inlen && ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)))
			goto bad;
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	o -= pad;
	out[o] = '\0';
	*outlen = o;
	return 0;
bad:
	memset(out, 0, outsz);
	return -1;
}
