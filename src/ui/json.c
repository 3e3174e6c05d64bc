/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdbool.h>
#include <stddef.h>

#include <string.h>

#include "ui/json.h"
#include "ui/sanitize.h"

void json_put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	end = p + strlen(s);
	fputc('"', f);
	while (*p != '\0') {
		enum sanitize_class cls;
		unsigned long cp;
		size_t n = sanitize_char(p, (size_t)(end - p), &cls, &cp);

		if (cls == SANITIZE_INVALID) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		if (n > 1) {
			/* C1 and bidi controls stay exact for a program, and inert on a terminal. */
			if (cls == SANITIZE_UNSAFE)
				fprintf(f, "\\u%04lx", cp);
			else
				fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
		p++;
	}
	fputc('"', f);
}

void json_field_name(struct json_fields *o, const char *name)
{
	if (o->started)
		fputs(o->sep, o->f);
	o->started = true;
	fprintf(o->f, "\"%s\": ", name);
}

void json_string_field(struct json_fields *o, const char *name, const char *value)
{
	json_field_name(o, name);
	json_put_string(o->f, value);
}

void json_bool_field(struct json_fields *o, const char *name, bool value)
{
	json_field_name(o, name);
	fputs(value ? "true" : "false", o->f);
}

void json_long_field(struct json_fields *o, const char *name, long value)
{
	json_field_name(o, name);
	fprintf(o->f, "%ld", value);
}

void json_ulong_field(struct json_fields *o, const char *name, unsigned long value)
{
	json_field_name(o, name);
	fprintf(o->f, "%lu", value);
}
