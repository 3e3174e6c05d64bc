/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of options, made from the list in options.h: what parse.c and --help read. */
#include <stddef.h>

#include "cli/options.h"

static const struct option_spec specs[] = {
#define X(id, name, letter, kind, field, value_name, section, help) \
	[OPT_##id] = {name, letter, KIND_##kind, offsetof(struct options, field), value_name, \
	              SECTION_##section, help},
	OPTIONS(X)
#undef X
};

const struct option_spec *option_spec(enum option_id id)
{
	return (size_t)id < OPT_COUNT ? &specs[id] : NULL;
}

const char *option_name(enum option_id id)
{
	return (size_t)id < OPT_COUNT ? specs[id].long_name : NULL;
}

bool option_takes_value(const struct option_spec *o)
{
	return o->kind == KIND_STRING || o->kind == KIND_FD;
}
