/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of commands: what main() runs and what the command line accepts. */
#include <stddef.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct cmd_entry table[] = {
	{"start", COMMAND_START, 1, 1, "a CONFIG file", true, cmd_start},
	{"attach", COMMAND_ATTACH, 1, 1, "an ADDRESS", true, cmd_attach},
	{"list", COMMAND_LIST, 0, 1, "at most one CONFIG file", true, cmd_list},
	{"doctor", COMMAND_DOCTOR, 0, 1, "at most one CONFIG file", true, cmd_doctor},
	{"shortcut", COMMAND_SHORTCUT, 1, 1, "a config NAME", false, cmd_shortcut},
	{"help", COMMAND_HELP, 0, 0, "", false, cmd_help},
	{NULL, COMMAND_VERSION, 0, 0, "", false, cmd_version},
};

const struct cmd_entry *cmd_find_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].name != NULL && strcmp(name, table[i].name) == 0)
			return &table[i];
	return NULL;
}

const struct cmd_entry *cmd_find(enum command id)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}
