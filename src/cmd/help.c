/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token help (also -h, --help).  The commands, their operands and the options each takes
 * are printed from the command table, the options' words from the option list, so --help cannot
 * say otherwise than the parser.
 */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "cmd/cmd.h"

/*
 * Columns: a line holds at most 79, what a command does starts at SUMMARY_COLUMN, what an option
 * does at OPTION_HELP_COLUMN.
 */
#define HELP_WIDTH 79
#define SUMMARY_COLUMN 30
#define OPTIONS_INDENT 6
#define OPTION_HELP_COLUMN 24

/* Prints text's words from column col on, wrapping before HELP_WIDTH to column indent. */
static void print_wrapped(const char *text, int col, int indent)
{
	bool line_start = true;

	for (const char *p = text; *p != '\0';) {
		int n = (int)strcspn(p, " ");

		if (n == 0) {
			p++;
			continue;
		}
		if (!line_start && col + 1 + n > HELP_WIDTH) {
			printf("\n%*s", indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			putchar(' ');
			col++;
		}
		printf("%.*s", n, p);
		col += n;
		line_start = false;
		p += n;
	}
	putchar('\n');
}

static void print_command(const struct command_spec *cmd)
{
	char usage[64], names[1024];
	size_t len = 0;
	int col;

	if (cmd->operand == NULL)
		snprintf(usage, sizeof usage, "ovpn-token %s", cmd->name);
	else
		snprintf(usage, sizeof usage, "ovpn-token %s %s%s%s", cmd->name,
		         cmd->min_operands == 0 ? "[" : "", cmd->operand,
		         cmd->min_operands == 0 ? "]" : "");
	col = printf("  %s", usage);
	if (col > SUMMARY_COLUMN - 2)
		printf("\n%*s", SUMMARY_COLUMN, "");
	else
		printf("%*s", SUMMARY_COLUMN - col, "");
	print_wrapped(cmd->summary, SUMMARY_COLUMN, SUMMARY_COLUMN);

	names[0] = '\0';
	for (int id = 0; id < OPT_COUNT; id++)
		if (option_set_has(cmd->options, (enum option_id)id) && len < sizeof names)
			len += (size_t)snprintf(names + len, sizeof names - len, " --%s",
			                        option_name((enum option_id)id));
	if (len > 0) {
		printf("%*s", OPTIONS_INDENT, "");
		print_wrapped(names, OPTIONS_INDENT, OPTIONS_INDENT);
	}
}

/* The options, part by part, each with its words from the option list (cli/options.h). */
static void print_options(void)
{
	static const char *const headings[] = {
#define X(id, heading) [SECTION_##id] = heading,
		OPTION_SECTIONS(X)
#undef X
	};
	int section = -1;

	for (int id = 0; id < OPT_COUNT; id++) {
		const struct option_spec *o = option_spec((enum option_id)id);
		int col;

		if ((int)o->section != section) {
			section = (int)o->section;
			printf("%s\n", headings[section]);
		}
		if (o->short_name != 0)
			col = printf("  -%c, --%s", o->short_name, o->long_name);
		else
			col = printf("  --%s", o->long_name);
		if (o->value_name != NULL)
			col += printf(" %s", o->value_name);
		if (col > OPTION_HELP_COLUMN - 2)
			printf("\n%*s", OPTION_HELP_COLUMN, "");
		else
			printf("%*s", OPTION_HELP_COLUMN - col, "");
		print_wrapped(o->help, OPTION_HELP_COLUMN, OPTION_HELP_COLUMN);
	}
}

int cmd_help(const struct options *opts)
{
	(void)opts;
	fputs("Usage: ovpn-token COMMAND [OPTIONS] [ARGUMENT]\n"
	      "\n"
	      "The commands, each with the options it takes:\n",
	      stdout);
	for (int c = 0; c < COMMAND_COUNT; c++)
		if (command_find((enum command)c)->name != NULL)
			print_command(command_find((enum command)c));
	fputs(
	    "Every command also takes -v, -q, -h and -V (below). Options may stand before or\n"
	    "after the command's name.\n"
	    "\n"
	    "Logs in to the smartcard or token that holds the VPN certificate: selects the\n"
	    "certificate (by itself when there is only one), asks for the PIN without echo\n"
	    "and answers OpenVPN's requests until the tunnel ends, again after every\n"
	    "reconnect.\n"
	    "\n",
	    stdout);
	print_options();
	fputs(
	    "\n"
	    "Ctrl-C or SIGTERM stops openvpn (start, serve) or detaches and leaves it\n"
	    "running (attach; connect: openvpn takes the tunnel down and waits for the\n"
	    "next user); at a prompt it cancels (exit 5).\n"
	    "\n"
	    "Exit codes:\n"
	    "  0  done (also after a stop with Ctrl-C or SIGTERM)\n"
	    "  1  internal or system error\n"
	    "  2  usage: bad command line (also an option its command does not take),\n"
	    "     unreadable config, unsafe or unreadable secret file\n"
	    "  3  openvpn failed: could not start, ended on its own, or reported a fatal\n"
	    "     error\n"
	    "  4  management connection failed, was lost, or is served by someone else\n"
	    "  5  cancelled at a prompt\n"
	    "  6  PIN rejected and no other PIN could be asked\n"
	    "  7  no certificate could be chosen\n"
	    "  8  management password rejected\n"
	    "  9  --batch or no terminal, and OpenVPN asked for something no source gives,\n"
	    "     or the server asked a two-factor challenge\n"
	    " 10  token locked, or (--batch) one wrong PIN away from locking\n"
	    " 11  doctor: at least one check failed\n"
	    " 12  the PKCS#11 provider is missing or is not a PKCS#11 module\n"
	    " 13  start, serve: another ovpn-token already runs this config\n"
	    " 14  the server refused the login (AUTH_FAILED); nothing is sent again\n"
	    " 15  start: the state folder or the instance lock is missing, unsafe, or\n"
	    "     cannot be made\n"
	    " 16  connect, disconnect, status NAME: serve does not run the tunnel (or not\n"
	    "     yet)\n"
	    " 17  connect: another user holds the tunnel\n"
	    " 18  not in the tunnel's group, not your connection, or serve not as root\n"
	    " 19  enroll: the token cannot (generate keys, this key type, no free space,\n"
	    "     read-only)\n",
	    stdout);
	return EXIT_OK;
}
