/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command line, parsed once into one struct: what the user said, nothing a run finds out.
 * Which command takes which option is said by the command table (cmd/cmd.h).
 */
#ifndef OVPN_TOKEN_OPTIONS_H
#define OVPN_TOKEN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/output.h"

/* --service: whether start goes through OpenVPN's interactive service (Windows). */
enum service_mode { SERVICE_AUTO, SERVICE_ALWAYS, SERVICE_NEVER };
/* --on-removal: what the token leaving the reader does to the tunnel. */
enum removal_mode { REMOVAL_DISCONNECT, REMOVAL_KEEP };

/*
 * Every option, one line each, in the order --help describes them:
 *   X(ID, long name, short letter or 0, what follows it, the field of struct options it sets)
 * What follows: STRING a value, FD a descriptor number, FLAG nothing (the field is a bool).
 * The last four are the global ones (GLOBAL_OPTIONS), which every command takes.
 */
#define OPTIONS(X) \
	X(OPENVPN, "openvpn", 0, STRING, openvpn) \
	X(CERT, "cert", 0, STRING, cert_pattern) \
	X(LOG, "log", 0, STRING, log_file) \
	X(PROVIDER, "provider", 0, STRING, provider) \
	X(EXTERNAL_KEY, "external-key", 0, FLAG, external_key) \
	X(SERVICE, "service", 0, STRING, service) \
	X(START_MENU, "start-menu", 0, FLAG, start_menu) \
	X(PIN_FILE, "pin-file", 0, STRING, pin_file) \
	X(PIN_FD, "pin-fd", 0, FD, pin_fd) \
	X(AUTH_USER_PASS_FILE, "auth-user-pass-file", 0, STRING, auth_user_pass_file) \
	X(MGMT_PASSWORD_FILE, "management-password-file", 0, STRING, mgmt_password_file) \
	X(MGMT_PASSWORD_FD, "management-password-fd", 0, FD, mgmt_password_fd) \
	X(BATCH, "batch", 0, FLAG, batch) \
	X(NO_CACHE, "no-cache", 0, FLAG, no_cache) \
	X(RESTART, "restart", 0, FLAG, restart) \
	X(STATUS_FILE, "status-file", 0, STRING, status_file) \
	X(ON_REMOVAL, "on-removal", 0, STRING, on_removal) \
	X(JSON, "json", 0, FLAG, json) \
	X(ALL, "all", 0, FLAG, all) \
	X(GROUP, "group", 0, STRING, group) \
	X(SUBJECT, "subject", 0, STRING, subject) \
	X(KEY, "key", 0, STRING, key_type) \
	X(ID, "id", 0, STRING, key_id) \
	X(LABEL, "label", 0, STRING, key_label) \
	X(TOKEN, "token", 0, STRING, token_label) \
	X(OUT, "out", 0, STRING, out_file) \
	X(IMPORT, "import", 0, STRING, import_file) \
	X(CHAIN, "chain", 0, FLAG, chain) \
	X(RENEW, "renew", 0, FLAG, renew) \
	X(REMOVE_OLD, "remove-old", 0, FLAG, remove_old) \
	X(VERBOSE, "verbose", 'v', VERBOSE, verbosity) \
	X(QUIET, "quiet", 'q', QUIET, verbosity) \
	X(HELP, "help", 'h', HELP, command) \
	X(VERSION, "version", 'V', VERSION, command)

enum option_id {
#define X(id, ...) OPT_##id,
	OPTIONS(X)
#undef X
	OPT_COUNT
};

/* A set of options: what a command takes (cmd/cmd.h). */
typedef uint64_t option_set;
#define OPTION(id) ((option_set)1 << OPT_##id)
_Static_assert(OPT_COUNT <= 64, "option_set has a bit for each option");

static inline bool option_set_has(option_set set, enum option_id id)
{
	return (set & ((option_set)1 << id)) != 0;
}

/*
 * -v and -q say how much any command prints, -h and -V replace the command: every command takes
 * them, before or after its name.
 */
#define GLOBAL_OPTIONS (OPTION(VERBOSE) | OPTION(QUIET) | OPTION(HELP) | OPTION(VERSION))

struct cmd_entry;

struct options {
	const struct cmd_entry *command; /* named, or help and version for -h and -V */
	/* CONFIG for start, serve and doctor, ADDRESS for attach, NAME for connect and disconnect */
	const char *target;
	const char *openvpn;        /* --openvpn */
	const char *cert_pattern;   /* --cert */
	const char *mgmt_password_file;
	const char *log_file;       /* --log */
	const char *provider;       /* --provider: the PKCS#11 module to read tokens with */
	const char *pin_file;       /* --pin-file */
	const char *auth_user_pass_file; /* --auth-user-pass-file: username, password */
	int pin_fd;                 /* --pin-fd, -1 when not given */
	int mgmt_password_fd;       /* --management-password-fd, -1 when not given */
	const char *status_file;    /* --status-file */
	bool batch;                 /* --batch: never prompt */
	bool no_cache;              /* --no-cache: ask again after every restart */
	bool external_key;          /* --external-key: ovpn-token signs on the token */
	bool restart;               /* --restart: start openvpn again after a failure */
	bool json;                  /* --json (list) */
	bool all;                   /* --all (list): also the certificates that cannot log in */
	bool start_menu;            /* --start-menu (shortcut) */
	const char *group;          /* --group (serve): whose members may connect */
	/* enroll: the request (--subject, --key, --id, --label), the token (--token), where the
	 * request goes (--out), the certificate that comes back (--import, --chain), renewal */
	const char *subject;
	const char *key_type;
	const char *key_id;
	const char *key_label;
	const char *token_label;
	const char *out_file;
	const char *import_file;
	bool chain;
	bool renew;
	bool remove_old;
	const char *service;        /* --service as given */
	enum service_mode service_mode;
	const char *on_removal;     /* --on-removal as given */
	enum removal_mode removal_mode;
	enum verbosity verbosity;
};

/*
 * Fills opts from argv; -1 with err filled (a sentence that names the word at fault) when the
 * line is not one the command table allows: an unknown word, an option its command does not
 * take, a bad value, too few or too many operands.
 */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errsz);
/* The long name without its dashes: "cert" for OPT_CERT. */
const char *option_name(enum option_id id);

#endif
