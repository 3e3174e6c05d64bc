/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal sanitizer of sanitize.h. */
#include <string.h>

#include "ui/sanitize.h"

static bool unsafe_code_point(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x061C ||
	       cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t sanitize_char(const unsigned char *s, size_t avail, enum sanitize_class *cls,
                     unsigned long *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	unsigned long v;
	size_t n;

	*cls = SANITIZE_INVALID;
	*cp = 0;
	if (c < 0x80) {
		n = 1;
		v = c;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return 1;
	}
	if (avail < n)
		return 1;
	for (size_t k = 1; k < n; k++) {
		unsigned char b = s[k];

		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
			return 1;
		v = v << 6 | (b & 0x3F);
	}
	*cp = v;
	*cls = unsafe_code_point(v) ? SANITIZE_UNSAFE : SANITIZE_PRINTABLE;
	return n;
}

void sanitize_text(char *dst, size_t dstsz, const void *src, size_t len)
{
	const unsigned char *in = src;
	size_t o = 0;

	if (dstsz == 0)
		return;
	for (size_t i = 0; i < len;) {
		enum sanitize_class cls;
		unsigned long cp;
		size_t n = sanitize_char(in + i, len - i, &cls, &cp);
		bool shown = cls == SANITIZE_PRINTABLE;
		size_t cnt = shown ? n : 1;

		if (cnt > dstsz - 1 - o)
			break;
		if (shown)
			memcpy(dst + o, in + i, n);
		else
			dst[o] = '?';
		o += cnt;
		i += n;
	}
	dst[o] = '\0';
}

void sanitize_str(char *dst, size_t dstsz, const char *src)
{
	sanitize_text(dst, dstsz, src, src != NULL ? strlen(src) : 0);
}
