/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one rule for text that came from OpenVPN, a token or a certificate on its way to a
 * terminal.  Valid, printable UTF-8 is shown as it is ("O=Bäckerei"); everything that could
 * move the cursor, change colours or titles, or make a name read differently from what it is
 * becomes one '?' per character (per byte, for invalid UTF-8):
 *   - C0 controls (U+0000-001F, TAB and line ends included), DEL, C1 controls (U+0080-009F;
 *     U+009B is CSI for many terminals),
 *   - invalid UTF-8: stray continuation bytes, overlong forms, surrogates, past U+10FFFF, a
 *     sequence cut short,
 *   - the line and paragraph separators U+2028/2029 and the bidi controls U+061C, U+200E,
 *     U+200F, U+202A-202E and U+2066-2069.
 * Hand-written rather than left to the locale so the answer is the same on every platform.
 */
#ifndef OVPN_TOKEN_SANITIZE_H
#define OVPN_TOKEN_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

enum sanitize_class {
	SANITIZE_PRINTABLE, /* shown as it is */
	SANITIZE_UNSAFE,    /* valid UTF-8 for a character the rule above hides */
	SANITIZE_INVALID,   /* not UTF-8: one byte */
};

/*
 * Classifies the character at s (avail > 0 bytes there): returns its length in bytes (1 for
 * an invalid byte), its class in *cls and, unless invalid, its code point in *cp.
 */
size_t sanitize_char(const unsigned char *s, size_t avail, enum sanitize_class *cls,
                     unsigned long *cp);

/*
 * Copies len bytes of src (which may hold NULs) into dst by the rule above.  Stops before a
 * character that would not fit, so the result is never a broken sequence.  Always
 * NUL-terminates when dstsz > 0.  dst and src must not overlap.
 */
void sanitize_text(char *dst, size_t dstsz, const void *src, size_t len);

/* The same for a NUL-terminated src (NULL counts as ""). */
void sanitize_str(char *dst, size_t dstsz, const char *src);

#endif
