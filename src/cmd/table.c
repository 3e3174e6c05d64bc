/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Each command's function, from the list in cli/commands.h: what main() runs. */
#include <stddef.h>

#include "cmd/cmd.h"

static int (*const run[])(const struct options *opts) = {
#define X(id, name, exec, ...) [COMMAND_##id] = exec,
	COMMANDS(X)
#undef X
};

int cmd_run(const struct options *opts)
{
	return run[opts->command->id](opts);
}
