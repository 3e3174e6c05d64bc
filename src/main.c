/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token: smartcard logins for OpenVPN through its management interface. */
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cmd/cmd.h"
#include "platform/platform.h"
#include "ui/output.h"

int main(int argc, char **argv)
{
	struct options opts;
	const struct cmd_entry *cmd;

	plat_harden_process();
	if (options_parse(argc, argv, &opts) != 0)
		return EXIT_USAGE;
	out_set_verbosity(opts.verbosity);
	cmd = cmd_find(opts.command);
	if (cmd == NULL)
		return EXIT_USAGE;
	if (cmd->needs_signals && plat_signals_install() != 0) {
		out_error("cannot set up signal handling");
		return EXIT_INTERNAL;
	}
	return cmd->exec(&opts);
}
