/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The commands as the command line knows them: each one's name, operands and the options it
 * takes.  The parser (options.c) judges a line by them; cmd/ runs what it names (cmd/cmd.h).
 */
#ifndef OVPN_TOKEN_COMMANDS_H
#define OVPN_TOKEN_COMMANDS_H

#include <stdbool.h>

#include "cli/options.h"

/*
 * What the session is told (cmd/session_settings.c): every command that answers an openvpn takes
 * these.
 */
#define SESSION_OPTIONS \
	(OPTION(CERT) | OPTION(PROVIDER) | OPTION(PIN_FILE) | OPTION(PIN_FD) | \
	 OPTION(AUTH_USER_PASS_FILE) | OPTION(BATCH) | OPTION(NO_CACHE) | OPTION(STATUS_FILE) | \
	 OPTION(ON_REMOVAL))
/* How start runs openvpn itself. */
#define START_OPTIONS \
	(OPTION(OPENVPN) | OPTION(LOG) | OPTION(EXTERNAL_KEY) | OPTION(NO_EXTERNAL_KEY) | \
	 OPTION(SERVICE) | OPTION(RESTART))

/*
 * Every command, one entry each, in the order --help lists them:
 *   X(ID, name as typed (NULL: reached by its flag only), the function that runs it,
 *     fewest and most operands, the operand, catches Ctrl-C, the options it takes beside
 *     GLOBAL_OPTIONS, what it does (for --help))
 * The line's grammar is all the parser reads of an entry; the function that runs the command is
 * named here so that a command is one entry, and only cmd/ (table.c) ever calls it.
 */
#define COMMANDS(X) \
	X(START, "start", cmd_start, 1, 1, "CONFIG", true, SESSION_OPTIONS | START_OPTIONS, \
	  "run openvpn with CONFIG and manage it") \
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
	  "the tunnels here: serve's (who holds them), the units', your own start's; a warning " \
	  "when a tunnel's certificate expires within 30 days") \
	X(LIST, "list", cmd_list, 0, 1, "CONFIG", true, OPTION(PROVIDER) | OPTION(JSON) | OPTION(ALL), \
	  "the certificates on the tokens (through CONFIG's provider)") \
	X(DOCTOR, "doctor", cmd_doctor, 0, 1, "CONFIG", true, \
	  OPTION(OPENVPN) | OPTION(CERT) | OPTION(PROVIDER) | OPTION(EXTERNAL_KEY) | \
	  OPTION(NO_EXTERNAL_KEY), \
	  "check openvpn, the smartcard stack and CONFIG (or the tunnel CONFIG that serve " \
	  "runs: your group and its socket)") \
	X(ENROLL, "enroll", cmd_enroll, 0, 1, "CONFIG", true, \
	  OPTION(PROVIDER) | OPTION(PIN_FILE) | OPTION(PIN_FD) | OPTION(BATCH) | OPTION(CERT) | \
	  OPTION(SUBJECT) | OPTION(KEY) | OPTION(ID) | OPTION(LABEL) | OPTION(TOKEN) | \
	  OPTION(OUT) | OPTION(IMPORT) | OPTION(CHAIN) | OPTION(RENEW) | OPTION(REMOVE_OLD), \
	  "prepare the token: a key made on it and a certificate request (PEM) for your CA; " \
	  "--import puts the CA's certificate back beside the key; --renew for the certificate " \
	  "in use") \
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

struct command_spec {
	enum command id;            /* its place in the table */
	const char *name;
	int min_operands, max_operands;
	const char *operand;        /* its name in the usage, NULL when it takes none */
	bool needs_signals;         /* runs long enough that Ctrl-C must be caught */
	option_set options;         /* what it takes beside GLOBAL_OPTIONS */
	const char *summary;
};

/*
 * NULL when there is no such command; command_find(id) is never NULL for an id below
 * COMMAND_COUNT.
 */
const struct command_spec *command_find_by_name(const char *name);
const struct command_spec *command_find(enum command id);
/* Whether the command takes the option: its own or a global one. */
bool command_takes(const struct command_spec *cmd, enum option_id option);

#endif
