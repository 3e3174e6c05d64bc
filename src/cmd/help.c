/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token help (also -h, --help) and --version. */
#include <stdio.h>

#include "cli/exit_codes.h"
#include "cmd/cmd.h"

#ifndef OVPN_TOKEN_VERSION
#define OVPN_TOKEN_VERSION "unknown"
#endif

int cmd_help(const struct options *opts)
{
	(void)opts;
	options_print_help();
	return EXIT_OK;
}

int cmd_version(const struct options *opts)
{
	(void)opts;
	printf("ovpn-token %s\n", OVPN_TOKEN_VERSION);
	return EXIT_OK;
}
