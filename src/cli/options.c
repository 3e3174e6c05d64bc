/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Command line parsing: long and short options, "--opt=value" and "--opt value", no getopt. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cmd/cmd.h"
#include "ui/output.h"

enum option_kind { OPT_STRING, OPT_FD, OPT_BOOL, OPT_VERBOSITY, OPT_HELP, OPT_VERSION };

struct option_spec {
	const char *long_name;
	char short_name;
	enum option_kind kind;
	size_t offset;  /* of the field in struct options (OPT_STRING, OPT_FD, OPT_BOOL) */
	int level;      /* OPT_VERBOSITY */
};

#define STRING(name, field) {name, 0, OPT_STRING, offsetof(struct options, field), 0}
#define BOOL(name, field) {name, 0, OPT_BOOL, offsetof(struct options, field), 0}

static const struct option_spec specs[] = {
	STRING("openvpn", openvpn),
	STRING("cert", cert_pattern),
	STRING("management-password-file", mgmt_password_file),
	STRING("log", log_file),
	STRING("provider", provider),
	STRING("pin-file", pin_file),
	STRING("auth-user-pass-file", auth_user_pass_file),
	{"pin-fd", 0, OPT_FD, offsetof(struct options, pin_fd), 0},
	{"management-password-fd", 0, OPT_FD, offsetof(struct options, mgmt_password_fd), 0},
	STRING("status-file", status_file),
	BOOL("batch", batch),
	BOOL("no-cache", no_cache),
	BOOL("external-key", external_key),
	BOOL("restart", restart),
	BOOL("json", json),
	BOOL("start-menu", start_menu),
	STRING("service", service),
	{"verbose", 'v', OPT_VERBOSITY, 0, VERBOSITY_VERBOSE},
	{"quiet", 'q', OPT_VERBOSITY, 0, VERBOSITY_QUIET},
	{"help", 'h', OPT_HELP, 0, 0},
	{"version", 'V', OPT_VERSION, 0, 0},
};

static const struct option_spec *find_option(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		const struct option_spec *o = &specs[i];
		size_t n = strlen(o->long_name);
		bool has_value = o->kind == OPT_STRING || o->kind == OPT_FD;

		if (arg[1] != '-') {
			if (o->short_name != 0 && arg[1] == o->short_name && arg[2] == '\0')
				return o;
			continue;
		}
		if (strncmp(arg + 2, o->long_name, n) != 0)
			continue;
		if (arg[2 + n] == '\0')
			return o;
		if (arg[2 + n] == '=' && has_value) {
			*inline_value = arg + 3 + n;
			return o;
		}
	}
	return NULL;
}

static int parse_fd(const char *arg, const char *value, int *fd)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (end == value || *end != '\0' || n < 0 || n > 65535) {
		out_error("option '%s' needs a file descriptor number, not '%s'", arg, value);
		return -1;
	}
	*fd = (int)n;
	return 0;
}

static int apply_option(const struct option_spec *o, const char *arg, const char *value,
                        struct options *opts)
{
	char *field = (char *)opts + o->offset;

	switch (o->kind) {
	case OPT_STRING:
		*(const char **)(void *)field = value;
		return 0;
	case OPT_FD:
		return parse_fd(arg, value, (int *)(void *)field);
	case OPT_BOOL:
		*(bool *)(void *)field = true;
		return 0;
	case OPT_VERBOSITY:
		opts->verbosity = (enum verbosity)o->level;
		return 0;
	case OPT_HELP:
		opts->command = COMMAND_HELP;
		return 0;
	case OPT_VERSION:
		opts->command = COMMAND_VERSION;
		return 0;
	}
	return -1;
}

/* Takes argv[*i] as an option (and its value); -1 after printing why not. */
static int take_option(int argc, char **argv, int *i, struct options *opts)
{
	const char *arg = argv[*i], *value;
	const struct option_spec *o = find_option(arg, &value);

	if (o == NULL) {
		out_error("unknown option '%s' (try 'ovpn-token --help')", arg);
		return -1;
	}
	if ((o->kind == OPT_STRING || o->kind == OPT_FD) && value == NULL) {
		if (*i + 1 >= argc) {
			out_error("option '%s' needs a value", arg);
			return -1;
		}
		value = argv[++*i];
	}
	return apply_option(o, arg, value, opts);
}

int options_parse(int argc, char **argv, struct options *opts)
{
	const struct cmd_entry *cmd = NULL;
	const char *operands[2], *surplus = NULL;
	int noperands = 0;
	bool only_operands = false;

	memset(opts, 0, sizeof *opts);
	opts->pin_fd = -1;
	opts->mgmt_password_fd = -1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_operands && strcmp(arg, "--") == 0) {
			only_operands = true;
		} else if (!only_operands && arg[0] == '-' && arg[1] != '\0') {
			if (take_option(argc, argv, &i, opts) != 0)
				return -1;
		} else if (cmd == NULL) {
			cmd = cmd_find_by_name(arg);
			if (cmd == NULL) {
				out_error("unknown command '%s' (try 'ovpn-token --help')", arg);
				return -1;
			}
		} else if (noperands < 2) {
			operands[noperands++] = arg;
		} else if (surplus == NULL) {
			surplus = arg;
		}
	}
	/* -h and -V win wherever they stand. */
	if (opts->command == COMMAND_HELP || opts->command == COMMAND_VERSION)
		return 0;
	if (cmd == NULL) {
		out_error("no command given (try 'ovpn-token --help')");
		return -1;
	}
	opts->command = cmd->id;
	if (surplus != NULL) {
		out_error("unexpected argument '%s' (try 'ovpn-token --help')", surplus);
		return -1;
	}
	if (noperands < cmd->min_operands || noperands > cmd->max_operands) {
		if (cmd->max_operands == 0)
			out_error("'%s' takes no arguments", cmd->name);
		else
			out_error("'%s' needs %s", cmd->name, cmd->operand);
		return -1;
	}
	opts->target = noperands > 0 ? operands[0] : NULL;
	if (opts->service == NULL || strcmp(opts->service, "auto") == 0) {
		opts->service_mode = SERVICE_AUTO;
	} else if (strcmp(opts->service, "always") == 0) {
		opts->service_mode = SERVICE_ALWAYS;
	} else if (strcmp(opts->service, "never") == 0) {
		opts->service_mode = SERVICE_NEVER;
	} else {
		out_error("--service takes auto, always or never, not '%s'", opts->service);
		return -1;
	}
	/* An empty pattern is in every subject: it would choose at random, not by the user's word. */
	if (opts->cert_pattern != NULL && opts->cert_pattern[0] == '\0') {
		out_error("--cert needs a non-empty PATTERN (part of the certificate's subject or id)");
		return -1;
	}
	return 0;
}
void options_print_help(void)
{
	fputs(
	    "Usage: ovpn-token start  [OPTIONS] CONFIG    launch openvpn with CONFIG and manage it\n"
	    "       ovpn-token attach [OPTIONS] ADDRESS   manage a running openvpn's management\n"
	    "                                             interface: HOST:PORT, [IPv6]:PORT or a\n"
	    "                                             unix socket path\n"
	    "       ovpn-token list   [--provider LIB] [--json] [CONFIG]   the certificates on the tokens\n"
	    "       ovpn-token doctor [CONFIG]            check openvpn, the smartcard stack and CONFIG\n"
	    "       ovpn-token shortcut [--cert PATTERN] [--start-menu] NAME\n"
	    "                                             (Windows) a desktop shortcut \"Connect NAME\n"
	    "                                             (token)\" that runs start NAME in a console\n"
	    "\n"
	    "Logs in to the smartcard or token that holds the VPN certificate: selects the\n"
	    "certificate (by itself when there is only one), asks for the PIN without echo and\n"
	    "answers OpenVPN's requests until the tunnel ends, again after every reconnect.\n"
	    "\n"
	    "Options:\n"
	    "  --openvpn PATH        the openvpn program to start (default: openvpn from PATH)\n"
	    "  --cert PATTERN        choose the certificate whose id or subject contains PATTERN\n"
	    "  --log FILE            where openvpn's own output goes (start; default:\n"
	    "                        ~/.local/state/ovpn-token/CONFIG.log)\n"
	    "  --provider LIB        the PKCS#11 module (default: the config's pkcs11-providers,\n"
	    "                        else OpenSC's, else p11-kit's proxy; with --external-key\n"
	    "                        no default: the config's or this one)\n"
	    "  --external-key        sign on the token ourselves, not through OpenVPN's PKCS#11\n"
	    "                        support (start; openvpn gets the config without its pkcs11-*\n"
	    "                        lines, whose pkcs11-providers is the module we load)\n"
	    "  --service auto|always|never\n"
	    "                        (Windows, start) have OpenVPN's interactive service start\n"
	    "                        openvpn, as OpenVPN GUI does; auto: when you are not an\n"
	    "                        administrator and the service runs (default: auto)\n"
	    "  --start-menu          (shortcut) also put the shortcut in the Start menu\n"
	    "Unattended use:\n"
	    "  --pin-file FILE       read the PIN from FILE (only you may be able to read it)\n"
	    "  --pin-fd N            read the PIN from file descriptor N\n"
	    "                        (also: a systemd credential named 'pin')\n"
	    "  --auth-user-pass-file FILE\n"
	    "                        username (line 1) and password (line 2) for servers that\n"
	    "                        ask for them; private like --pin-file (also: a systemd\n"
	    "                        credential named 'auth-user-pass'). Challenges (OTP\n"
	    "                        codes) are never answered from a file\n"
	    "  --management-password-file FILE, --management-password-fd N\n"
	    "                        the management interface password (also: a credential\n"
	    "                        named 'management-password'; default: ask when needed)\n"
	    "  --batch               never ask; exit when something no source gives is needed\n"
	    "  --no-cache            forget the PIN and certificate after use: ask after every\n"
	    "                        restart of openvpn\n"
	    "  --restart             start openvpn again (with back-off) after failures (start)\n"
	    "  --status-file FILE    keep FILE up to date: state=, time=, tunnel_ip=, remote=\n"
	    "                        (state=RESTARTING between runs, state=EXITED at the end)\n"
	    "Output:\n"
	    "  --json                machine-readable output (list)\n"
	    "  -v, --verbose         also show openvpn's log lines\n"
	    "  -q, --quiet           show errors and prompts only\n"
	    "  -h, --help            this text\n"
	    "  -V, --version         the version\n"
	    "\n"
	    "Ctrl-C or SIGTERM stops openvpn (start) or detaches and leaves it running (attach);\n"
	    "at a prompt it cancels (exit 5).\n"
	    "\n"
	    "Exit codes:\n"
	    "  0  done (also after a stop with Ctrl-C or SIGTERM)\n"
	    "  1  internal or system error\n"
	    "  2  usage: bad command line, unreadable config, unsafe or unreadable secret file\n"
	    "  3  openvpn failed: could not start, ended on its own, or reported a fatal error\n"
	    "  4  management connection failed, was lost, or is served by someone else\n"
	    "  5  cancelled at a prompt\n"
	    "  6  PIN rejected and no other PIN could be asked\n"
	    "  7  no certificate could be chosen\n"
	    "  8  management password rejected\n"
	    "  9  --batch or no terminal, and OpenVPN asked for something no source gives, or\n"
	    "     the server asked a two-factor challenge\n"
	    " 10  token locked, or (--batch) one wrong PIN away from locking\n"
	    " 11  doctor: at least one check failed\n"
	    " 12  the PKCS#11 provider is missing or is not a PKCS#11 module\n"
	    " 13  start: another ovpn-token already runs this config\n"
	    " 14  the server refused the login (AUTH_FAILED); nothing is sent again\n"
	    " 15  start: the state folder or the instance lock is missing, unsafe, or\n"
	    "     cannot be made\n",
	    stdout);
}
