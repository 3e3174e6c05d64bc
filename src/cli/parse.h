/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line, judged by the option list (options.h) and the command list (commands.h). */
#ifndef OVPN_TOKEN_PARSE_H
#define OVPN_TOKEN_PARSE_H

#include <stddef.h>

#include "cli/options.h"

/*
 * Fills opts from argv; -1 with err filled (a sentence that names the word at fault) when the
 * line is not one the command table allows: an unknown word, an option its command does not
 * take, a bad value, too few or too many operands.
 */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errsz);

#endif
