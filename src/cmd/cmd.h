/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The commands, one file each.  Which commands there are, and what each takes, is the list in
 * cli/commands.h; an entry's function returns an exit code (exit_codes.h).
 */
#ifndef OVPN_TOKEN_CMD_H
#define OVPN_TOKEN_CMD_H

#include "cli/commands.h"
#include "cli/options.h"

#define X(id, name, exec, ...) int exec(const struct options *opts);
COMMANDS(X)
#undef X

/* Runs the command the line named (opts->command); its exit code. */
int cmd_run(const struct options *opts);

#endif
