/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Just enough JSON output for `list --json`: strings escaped, UTF-8 kept valid. */
#ifndef OVPN_TOKEN_JSON_H
#define OVPN_TOKEN_JSON_H

#include <stdio.h>

/*
 * Writes s as a JSON string with its quotes.  ", \ and control characters are escaped
 * (\u00XX, \n, ...), and so are the other characters ui/sanitize.h hides from a terminal (C1
 * and bidi controls, as \uXXXX: the value stays exact); a byte that is not part of valid
 * UTF-8 becomes U+FFFD, so the output is always valid JSON whatever a token holds.  NULL is
 * written as null.
 */
void json_put_string(FILE *f, const char *s);

#endif
