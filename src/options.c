/* Command line parsing: long and short options, "--opt=value" and "--opt value", no getopt. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "options.h"
#include "ui/output.h"

struct option_spec {
	const char *long_name;
	char short_name;
	bool takes_value;
	size_t offset_of_value; /* where in struct options a value goes */
	int verbosity;          /* for -v / -q */
};

#define VALUE(field) true, offsetof(struct options, field), 0
#define FLAG(level) false, 0, level

static const struct option_spec specs[] = {
	{"openvpn", 0, VALUE(openvpn)},
	{"cert", 0, VALUE(cert_pattern)},
	{"management-password-file", 0, VALUE(mgmt_password_file)},
	{"log", 0, VALUE(log_file)},
	{"verbose", 'v', FLAG(VERBOSITY_VERBOSE)},
	{"quiet", 'q', FLAG(VERBOSITY_QUIET)},
	{"help", 'h', FLAG(0)},
	{"version", 'V', FLAG(0)},
};

static const struct option_spec *find_spec(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	if (arg[1] != '-') {
		for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
			if (specs[i].short_name != 0 && arg[1] == specs[i].short_name && arg[2] == '\0')
				return &specs[i];
		return NULL;
	}
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		size_t n = strlen(specs[i].long_name);

		if (strncmp(arg + 2, specs[i].long_name, n) != 0)
			continue;
		if (arg[2 + n] == '\0')
			return &specs[i];
		if (arg[2 + n] == '=' && specs[i].takes_value) {
			*inline_value = arg + 3 + n;
			return &specs[i];
		}
	}
	return NULL;
}

static int parse_command(const char *word, struct options *opts)
{
	if (strcmp(word, "start") == 0)
		opts->command = COMMAND_START;
	else if (strcmp(word, "attach") == 0)
		opts->command = COMMAND_ATTACH;
	else if (strcmp(word, "help") == 0)
		opts->command = COMMAND_HELP;
	else {
		out_error("unknown command '%s' (try 'ovpn-token --help')", word);
		return -1;
	}
	return 0;
}

static int apply_option(const struct option_spec *spec, const char *value, struct options *opts)
{
	if (spec->takes_value) {
		*(const char **)((char *)opts + spec->offset_of_value) = value;
		return 0;
	}
	if (spec->short_name == 'h')
		opts->command = COMMAND_HELP;
	else if (spec->short_name == 'V')
		opts->command = COMMAND_VERSION;
	else
		opts->verbosity = (enum verbosity)spec->verbosity;
	return 0;
}

static int unexpected(const char *arg)
{
	out_error("unexpected argument '%s' (try 'ovpn-token --help')", arg);
	return -1;
}

int options_parse(int argc, char **argv, struct options *opts)
{
	bool only_operands = false;
	enum command asked = COMMAND_NONE;

	memset(opts, 0, sizeof *opts);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value;
		const struct option_spec *spec;

		if (only_operands || arg[0] != '-' || arg[1] == '\0') {
			if (opts->command == COMMAND_NONE || opts->command == COMMAND_HELP ||
			    opts->command == COMMAND_VERSION) {
				if (asked != COMMAND_NONE)
					return unexpected(arg);
				if (parse_command(arg, opts) != 0)
					return -1;
				asked = opts->command;
			} else if (opts->target == NULL) {
				opts->target = arg;
			} else {
				return unexpected(arg);
			}
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_operands = true;
			continue;
		}
		spec = find_spec(arg, &value);
		if (spec == NULL) {
			out_error("unknown option '%s' (try 'ovpn-token --help')", arg);
			return -1;
		}
		if (spec->takes_value && value == NULL) {
			if (i + 1 >= argc) {
				out_error("option '%s' needs a value", arg);
				return -1;
			}
			value = argv[++i];
		}
		apply_option(spec, value, opts);
	}
	/* -h and -V win wherever they stand; otherwise a command needs its one operand. */
	if (opts->command == COMMAND_HELP || opts->command == COMMAND_VERSION)
		return 0;
	if (asked != COMMAND_NONE)
		opts->command = asked;
	if (opts->command == COMMAND_NONE) {
		out_error("no command given (try 'ovpn-token --help')");
		return -1;
	}
	if (opts->target == NULL) {
		out_error("'%s' needs %s", opts->command == COMMAND_START ? "start" : "attach",
		          opts->command == COMMAND_START ? "a CONFIG file" : "an ADDRESS");
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
	    "\n"
	    "Logs in to the smartcard or token that holds the VPN certificate: selects the\n"
	    "certificate (by itself when there is only one), asks for the PIN without echo and\n"
	    "answers OpenVPN's requests until the tunnel ends.\n"
	    "\n"
	    "Options:\n"
	    "  --openvpn PATH        the openvpn program to start (default: openvpn from PATH)\n"
	    "  --cert PATTERN        choose the certificate whose id or subject contains PATTERN\n"
	    "  --management-password-file FILE\n"
	    "                        the management interface password (default: ask when needed)\n"
	    "  --log FILE            where openvpn's own output goes (start; default:\n"
	    "                        ~/.local/state/ovpn-token/CONFIG.log)\n"
	    "  -v, --verbose         also show openvpn's log lines\n"
	    "  -q, --quiet           show errors and prompts only\n"
	    "  -h, --help            this text\n"
	    "  -V, --version         the version\n"
	    "\n"
	    "Ctrl-C stops openvpn (start) or detaches and leaves it running (attach).\n"
	    "\n"
	    "Exit codes:\n"
	    "  0  done (also after a stop with Ctrl-C or SIGTERM)\n"
	    "  1  internal or system error\n"
	    "  2  usage: bad command line, unreadable config or password file\n"
	    "  3  openvpn failed: could not start, ended on its own, or reported a fatal error\n"
	    "  4  management connection failed or was lost\n"
	    "  5  cancelled at a prompt\n"
	    "  6  PIN rejected and no other PIN could be asked\n"
	    "  7  no certificate could be chosen\n"
	    "  8  management password rejected\n",
	    stdout);
}
