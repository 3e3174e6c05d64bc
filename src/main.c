/* ovpn-token: smartcard logins for OpenVPN through its management interface. */
#include <stdio.h>

#include "commands.h"
#include "exit_codes.h"
#include "options.h"
#include "platform/platform.h"
#include "ui/output.h"

#ifndef OVPN_TOKEN_VERSION
#define OVPN_TOKEN_VERSION "unknown"
#endif

int main(int argc, char **argv)
{
	struct options opts;

	plat_harden_process();
	if (options_parse(argc, argv, &opts) != 0)
		return EXIT_USAGE;
	out_set_verbosity(opts.verbosity);
	switch (opts.command) {
	case COMMAND_HELP:
		options_print_help();
		return EXIT_OK;
	case COMMAND_VERSION:
		printf("ovpn-token %s\n", OVPN_TOKEN_VERSION);
		return EXIT_OK;
	default:
		break;
	}
	if (plat_signals_install() != 0) {
		out_error("cannot set up signal handling");
		return EXIT_INTERNAL;
	}
	switch (opts.command) {
	case COMMAND_START:
		return cmd_start(&opts);
	case COMMAND_ATTACH:
		return cmd_attach(&opts);
	case COMMAND_LIST:
		return cmd_list(&opts);
	case COMMAND_DOCTOR:
		return cmd_doctor(&opts);
	default:
		return EXIT_USAGE;
	}
}
