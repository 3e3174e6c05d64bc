/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Just enough JSON output for `list --json` and `status --json`: strings escaped, UTF-8 kept valid. */
#ifndef OVPN_TOKEN_JSON_H
#define OVPN_TOKEN_JSON_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Writes s as a JSON string with its quotes.  ", \ and control characters are escaped
 * (\u00XX, \n, ...), and so are the other characters ui/sanitize.h hides from a terminal (C1
 * and bidi controls, as \uXXXX: the value stays exact); a byte that is not part of valid
 * UTF-8 becomes U+FFFD, so the output is always valid JSON whatever a token holds.  NULL is
 * written as null.
 */
void json_put_string(FILE *f, const char *s);

/*
 * The fields of one object, written one after the other: `"name": value`, with sep between two
 * of them (", " on one line, ",\n      " one a line).  The braces are the caller's.
 */
struct json_fields {
	FILE *f;
	const char *sep;
	bool started;
};

/* value as json_put_string writes it: NULL is null. */
void json_string_field(struct json_fields *o, const char *name, const char *value);
void json_bool_field(struct json_fields *o, const char *name, bool value);
void json_long_field(struct json_fields *o, const char *name, long value);
void json_ulong_field(struct json_fields *o, const char *name, unsigned long value);
/* Only `"name": `: the caller writes the value (an object, null). */
void json_field_name(struct json_fields *o, const char *name);

#endif
