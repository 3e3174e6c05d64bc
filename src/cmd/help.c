/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token help (also -h, --help).  The commands, their operands and the options each takes
 * are printed from the command table, so --help cannot say otherwise than the parser.
 */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cmd/cmd.h"

/* Columns: a line holds at most 79, what a command does starts at SUMMARY_COLUMN. */
#define HELP_WIDTH 79
#define SUMMARY_COLUMN 30
#define OPTIONS_INDENT 6

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

static void print_command(const struct cmd_entry *cmd)
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

int cmd_help(const struct options *opts)
{
	(void)opts;
	fputs("Usage: ovpn-token COMMAND [OPTIONS] [ARGUMENT]\n"
	      "\n"
	      "The commands, each with the options it takes:\n",
	      stdout);
	for (int c = 0; c < COMMAND_COUNT; c++)
		if (cmd_find((enum command)c)->name != NULL)
			print_command(cmd_find((enum command)c));
	fputs(
	    "Every command also takes -v, -q, -h and -V (below). Options may stand before or\n"
	    "after the command's name.\n"
	    "\n"
	    "Logs in to the smartcard or token that holds the VPN certificate: selects the\n"
	    "certificate (by itself when there is only one), asks for the PIN without echo\n"
	    "and answers OpenVPN's requests until the tunnel ends, again after every\n"
	    "reconnect.\n"
	    "\n"
	    "Options:\n"
	    "  --openvpn PATH        the openvpn program to start or check (default: openvpn\n"
	    "                        from PATH)\n"
	    "  --cert PATTERN        choose the certificate whose id or subject contains\n"
	    "                        PATTERN, or sha256:HEX: whose SHA-256 fingerprint\n"
	    "                        starts with HEX (8 digits at least; ':' allowed)\n"
	    "  --log FILE            where openvpn's own output goes (default:\n"
	    "                        ~/.local/state/ovpn-token/CONFIG.log; serve: its own\n"
	    "                        output, the journal under systemd)\n"
	    "  --group GROUP         (serve) whose members may connect (default: ovpn-token)\n"
	    "  --provider LIB        the PKCS#11 module (default: the config's\n"
	    "                        pkcs11-providers, else OpenSC's, else p11-kit's proxy;\n"
	    "                        with --external-key no default search: the config's\n"
	    "                        or this one)\n"
	    "  --external-key        sign on the token ourselves, not through OpenVPN's\n"
	    "                        PKCS#11 support (openvpn gets the config without its\n"
	    "                        pkcs11-* lines, whose pkcs11-providers is the module we\n"
	    "                        load)\n"
	    "  --service auto|always|never\n"
	    "                        (Windows) have OpenVPN's interactive service start\n"
	    "                        openvpn, as OpenVPN GUI does; auto: when you are not an\n"
	    "                        administrator and the service runs (default: auto)\n"
	    "  --start-menu          (Windows) also put the shortcut in the Start menu\n"
	    "Unattended use:\n"
	    "  --pin-file FILE       read the PIN from FILE (only you may be able to read\n"
	    "                        it)\n"
	    "  --pin-fd N            read the PIN from file descriptor N\n"
	    "                        (also: a systemd credential named 'pin')\n"
	    "  --auth-user-pass-file FILE\n"
	    "                        username (line 1) and password (line 2) for servers\n"
	    "                        that ask for them; private like --pin-file (also: a\n"
	    "                        systemd credential named 'auth-user-pass'). Challenges\n"
	    "                        (OTP codes) are never answered from a file\n"
	    "  --management-password-file FILE, --management-password-fd N\n"
	    "                        the management interface password; the file private\n"
	    "                        like --pin-file (also: a credential named\n"
	    "                        'management-password'; default: ask when needed)\n"
	    "  --batch               never ask; exit when something no source gives is\n"
	    "                        needed\n"
	    "  --no-cache            forget the PIN and certificate after use: ask after\n"
	    "                        every restart of openvpn\n"
	    "  --restart             start openvpn again (with back-off) after failures\n"
	    "  --status-file FILE    keep FILE up to date: state=, time=, tunnel_ip=,\n"
	    "                        remote= (state=RESTARTING between runs,\n"
	    "                        TOKEN_REMOVED while the token is out, EXITED at the end)\n"
	    "  --on-removal disconnect|keep\n"
	    "                        when the token leaves the reader: take the tunnel down\n"
	    "                        and wipe the PIN until it is back (default), or keep\n"
	    "                        the tunnel up\n"
	    "Preparing the token (enroll):\n"
	    "  --subject /CN=NAME    the request's subject (also /O=.../C=...)\n"
	    "  --key TYPE            rsa:2048 (default), rsa:3072, ec:P-256 or ec:P-384\n"
	    "  --id HEX              the new key's CKA_ID (default: 8 random bytes)\n"
	    "  --label TEXT          the new key's label (default: the subject's CN)\n"
	    "  --token LABEL         the token, when several are present\n"
	    "  --out FILE            write the request there (default: standard output)\n"
	    "  --import FILE         put the CA's certificate (PEM or DER) on the token,\n"
	    "                        beside its key, under the key's CKA_ID and label\n"
	    "  --chain               with --import: also the issuer's certificate from FILE\n"
	    "  --renew               a new key and request for the certificate in use (same\n"
	    "                        subject); the old one stays until you import the new\n"
	    "  --remove-old          with --import: then remove the older certificates of\n"
	    "                        that subject and their keys\n"
	    "Output:\n"
	    "  --json                machine-readable output\n"
	    "  --all                 also the certificates that cannot log in, and why\n"
	    "  -v, --verbose         also show openvpn's log lines\n"
	    "  -q, --quiet           show errors and prompts only\n"
	    "  -h, --help            this text\n"
	    "  -V, --version         the version, the openvpn start would run and the\n"
	    "                        libraries (OpenSSL, libp11, pcsc-lite)\n"
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
