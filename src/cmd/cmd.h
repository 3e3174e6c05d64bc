/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The commands, one file each, found through one table (table.c).  Each entry says how many
 * operands its command takes and runs it; exec returns an exit code (cli/exit_codes.h).
 */
#ifndef OVPN_TOKEN_CMD_H
#define OVPN_TOKEN_CMD_H

#include <stdbool.h>

#include "cli/options.h"

struct cmd_entry {
	const char *name;           /* as typed; NULL for the flag-only entries (--version) */
	enum command id;
	int min_operands, max_operands;
	const char *operand;        /* what it takes, for the usage message */
	bool needs_signals;         /* runs long enough that Ctrl-C must be caught */
	int (*exec)(const struct options *opts);
};

const struct cmd_entry *cmd_find_by_name(const char *name);
const struct cmd_entry *cmd_find(enum command id);

int cmd_start(const struct options *opts);
int cmd_attach(const struct options *opts);
int cmd_list(const struct options *opts);
int cmd_doctor(const struct options *opts);
int cmd_shortcut(const struct options *opts);
int cmd_help(const struct options *opts);
int cmd_version(const struct options *opts);

#endif
