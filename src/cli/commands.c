/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of commands, made from the list in commands.h: what the command line accepts. */
#include <stddef.h>
#include <string.h>

#include "cli/commands.h"

static const struct command_spec table[] = {
#define X(id, name, exec, min, max, operand, signals, options, summary) \
	{COMMAND_##id, name, min, max, operand, signals, options, summary},
	COMMANDS(X)
#undef X
};

const struct command_spec *command_find_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].name != NULL && strcmp(name, table[i].name) == 0)
			return &table[i];
	return NULL;
}

const struct command_spec *command_find(enum command id)
{
	return (size_t)id < sizeof table / sizeof table[0] ? &table[id] : NULL;
}

bool command_takes(const struct command_spec *cmd, enum option_id option)
{
	return option_set_has(cmd->options | GLOBAL_OPTIONS, option);
}
