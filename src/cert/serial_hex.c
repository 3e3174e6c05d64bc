/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serial number's text, one rule for both crypto backends (cert/backend.h). */
#include <stdbool.h>
#include <stddef.h>

#include "cert/backend.h"

void cert_text_serial_hex(const unsigned char *mag, size_t len, bool negative, char *dst,
                          size_t dstsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	if (negative && dstsz - o > 1)
		dst[o++] = '-';
	if (len == 0 && dstsz - o > 2) {
		dst[o++] = '0';
		dst[o++] = '0';
	}
	for (size_t i = 0; i < len && dstsz - o > 2; i++) {
		dst[o++] = hex[mag[i] >> 4];
		dst[o++] = hex[mag[i] & 0x0F];
	}
	dst[o] = '\0';
}
