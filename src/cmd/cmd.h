/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The commands, one file each, found through one table (table.c) made from the list below.  An
 * entry says what its command takes (operands, options) and runs it; exec returns an exit code
 * (cli/exit_codes.h).
 */
#ifndef OVPN_TOKEN_CMD_H
#define OVPN_TOKEN_CMD_H

#include <stdbool.h>

#include "cli/options.h"

/* What the session reads (session/): every command that answers an openvpn takes these. */
#define SESSION_OPTIONS \
	(OPTION(CERT) | OPTION(PROVIDER) | OPTION(PIN_FILE) | OPTION(PIN_FD) | \
	 OPTION(AUTH_USER_PASS_FILE) | OPTION(BATCH) | OPTION(NO_CACHE) | OPTION(STATUS_FILE) | \
	 OPTION(ON_REMOVAL))
/* How start runs openvpn itself. */
#define LAUNCH_OPTIONS \
	(OPTION(OPENVPN) | OPTION(LOG) | OPTION(EXTERNAL_KEY) | OPTION(SERVICE) | OPTION(RESTART))

/*
 * Every command, one entry each, in the order --help lists them:
 *   X(ID, name as typed (NULL: reached by its flag only), the function that runs it,
 *     fewest and most operands, the operand, catches Ctrl-C, the options it takes beside
 *     GLOBAL_OPTIONS, what it does (for --help))
 */
#define COMMANDS(X) \
	X(START, "start", cmd_start, 1, 1, "CONFIG", true, SESSION_OPTIONS | LAUNCH_OPTIONS, \
	  "launch openvpn with CONFIG and manage it") \
	X(ATTACH, "attach", cmd_attach, 1, 1, "ADDRESS", true, \
	  SESSION_OPTIONS | OPTION(MGMT_PASSWORD_FILE) | OPTION(MGMT_PASSWORD_FD), \
	  "manage a running openvpn's management interface: HOST:PORT, [IPv6]:PORT or a unix " \
	  "socket path") \
	X(SERVE, "serve", cmd_serve, 1, 1, "CONFIG", true, \
	  OPTION(OPENVPN) | OPTION(LOG) | OPTION(GROUP), \
	  "(Linux, root) run openvpn for CONFIG, held, for the members of a group to connect " \
	  "with their own token; the tunnel is named after CONFIG's file name") \
	X(CONNECT, "connect", cmd_connect, 1, 1, "NAME", true, SESSION_OPTIONS, \
	  "bring up the tunnel NAME that serve runs: your token signs, no root needed; Ctrl-C " \
	  "takes it down") \
	X(DISCONNECT, "disconnect", cmd_disconnect, 1, 1, "NAME", true, 0, \
	  "take down the tunnel NAME that you (root: anyone) connected") \
	X(STATUS, "status", cmd_status, 0, 1, "NAME", false, OPTION(JSON), \
	  "the tunnels here: serve's (who holds them), the units', your own start's") \
	X(LIST, "list", cmd_list, 0, 1, "CONFIG", true, OPTION(PROVIDER) | OPTION(JSON) | OPTION(ALL), \
	  "the certificates on the tokens (through CONFIG's provider)") \
	X(DOCTOR, "doctor", cmd_doctor, 0, 1, "CONFIG", true, \
	  OPTION(OPENVPN) | OPTION(CERT) | OPTION(PROVIDER) | OPTION(EXTERNAL_KEY), \
	  "check openvpn, the smartcard stack and CONFIG (or the tunnel CONFIG that serve " \
	  "runs: your group and its socket)") \
	X(SHORTCUT, "shortcut", cmd_shortcut, 1, 1, "NAME", false, \
	  OPTION(CERT) | OPTION(START_MENU), \
	  "(Windows) a desktop shortcut \"Connect NAME (token)\" that runs start NAME in a console") \
	X(HELP, "help", cmd_help, 0, 0, NULL, false, 0, "this text (also -h, --help)") \
	X(VERSION, NULL, cmd_version, 0, 0, NULL, false, 0, "the version (-V, --version)")

enum command {
#define X(id, ...) COMMAND_##id,
	COMMANDS(X)
#undef X
	COMMAND_COUNT
};

struct cmd_entry {
	enum command id;            /* its place in the table */
	const char *name;
	int (*exec)(const struct options *opts);
	int min_operands, max_operands;
	const char *operand;        /* its name in the usage, NULL when it takes none */
	bool needs_signals;         /* runs long enough that Ctrl-C must be caught */
	option_set options;         /* what it takes beside GLOBAL_OPTIONS */
	const char *summary;
};

/* NULL when there is no such command; cmd_find(id) is never NULL for an id below COMMAND_COUNT. */
const struct cmd_entry *cmd_find_by_name(const char *name);
const struct cmd_entry *cmd_find(enum command id);
/* Whether cmd takes the option: its own or a global one. */
bool cmd_takes(const struct cmd_entry *cmd, enum option_id option);

#define X(id, name, exec, ...) int exec(const struct options *opts);
COMMANDS(X)
#undef X

#endif
