/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token: smartcard logins for OpenVPN through its management interface. */
#include "exit_codes.h"
#include "cli/options.h"
#include "cli/parse.h"
#include "cmd/cmd.h"
#include "platform/platform.h"
#include "ui/output.h"

int main(int argc, char **argv)
{
	struct options opts;
	char err[600];

	plat_harden_process();
	if (options_parse(argc, argv, &opts, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	out_set_verbosity(opts.verbosity);
	if (opts.command->needs_signals && plat_signals_install() != 0) {
		out_error("cannot set up signal handling");
		return EXIT_INTERNAL;
	}
	return cmd_run(&opts);
}
