/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The command line, parsed once into one struct: what the user said, nothing a run finds out.
 * Which command takes which option is said by the command table (cli/commands.h).
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
 * Every option, one entry each, in the order --help describes them: all an option is, in one
 * place.  --help prints its words from here (cmd/help.c); tests/dist/check-man.sh holds the man
 * page's list of options to --help, tests/dist/check-completion.sh the completion.
 *   X(ID, long name, short letter or 0, what follows it, the field of struct options it sets,
 *     the value's name in --help (NULL: none), its part of --help, what it does)
 * What follows: STRING a value, FD a descriptor number, FLAG nothing (the field is a bool).
 * The parts are OPTION_SECTIONS below; the entries of a part stand together, in the parts' order.
 * The last four are the global ones (GLOBAL_OPTIONS), which every command takes.
 */
#define OPTIONS(X) \
	X(OPENVPN, "openvpn", 0, STRING, openvpn, "PATH", GENERAL, \
	  "the openvpn program to start or check (default: openvpn from PATH)") \
	X(CERT, "cert", 0, STRING, cert_pattern, "PATTERN", GENERAL, \
	  "choose the certificate whose id or subject contains PATTERN, or sha256:HEX: whose " \
	  "SHA-256 fingerprint starts with HEX (8 digits at least; ':' allowed)") \
	X(LOG, "log", 0, STRING, log_file, "FILE", GENERAL, \
	  "where openvpn's own output goes (default: ~/.local/state/ovpn-token/CONFIG.log; " \
	  "serve: its own output, the journal under systemd)") \
	X(GROUP, "group", 0, STRING, group, "GROUP", GENERAL, \
	  "(serve) whose members may connect (default: ovpn-token)") \
	X(PROVIDER, "provider", 0, STRING, provider, "LIB", GENERAL, \
	  "the PKCS#11 module (default: the config's pkcs11-providers, else OpenSC's, else " \
	  "p11-kit's proxy; with --external-key no default search: the config's or this one)") \
	X(EXTERNAL_KEY, "external-key", 0, FLAG, external_key, NULL, GENERAL, \
	  "sign on the token ourselves, not through OpenVPN's PKCS#11 support (openvpn gets " \
	  "the config without its pkcs11-* lines, whose pkcs11-providers is the module we load); " \
	  "the default with OpenSC's module") \
	X(NO_EXTERNAL_KEY, "no-external-key", 0, FLAG, no_external_key, NULL, GENERAL, \
	  "let openvpn sign through its own PKCS#11 support, OpenSC's module too") \
	X(SERVICE, "service", 0, STRING, service, "auto|always|never", GENERAL, \
	  "(Windows) have OpenVPN's interactive service start openvpn, as OpenVPN GUI does; " \
	  "auto: when you are not an administrator and the service runs (default: auto)") \
	X(START_MENU, "start-menu", 0, FLAG, start_menu, NULL, GENERAL, \
	  "(Windows) also put the shortcut in the Start menu") \
	X(PIN_FILE, "pin-file", 0, STRING, pin_file, "FILE", UNATTENDED, \
	  "read the PIN from FILE (only you may be able to read it)") \
	X(PIN_FD, "pin-fd", 0, FD, pin_fd, "N", UNATTENDED, \
	  "read the PIN from file descriptor N (also: a systemd credential named 'pin')") \
	X(AUTH_USER_PASS_FILE, "auth-user-pass-file", 0, STRING, auth_user_pass_file, "FILE", \
	  UNATTENDED, \
	  "username (line 1) and password (line 2) for servers that ask for them; private like " \
	  "--pin-file (also: a systemd credential named 'auth-user-pass'). Challenges (OTP " \
	  "codes) are never answered from a file") \
	X(MGMT_PASSWORD_FILE, "management-password-file", 0, STRING, mgmt_password_file, "FILE", \
	  UNATTENDED, \
	  "the management interface password from FILE, private like --pin-file (also: a " \
	  "credential named 'management-password'; default: ask when needed)") \
	X(MGMT_PASSWORD_FD, "management-password-fd", 0, FD, mgmt_password_fd, "N", UNATTENDED, \
	  "the management interface password from descriptor N") \
	X(BATCH, "batch", 0, FLAG, batch, NULL, UNATTENDED, \
	  "never ask; exit when something no source gives is needed") \
	X(NO_CACHE, "no-cache", 0, FLAG, no_cache, NULL, UNATTENDED, \
	  "forget the PIN and certificate after use: ask after every restart of openvpn") \
	X(RESTART, "restart", 0, FLAG, restart, NULL, UNATTENDED, \
	  "start openvpn again (with back-off) after failures") \
	X(STATUS_FILE, "status-file", 0, STRING, status_file, "FILE", UNATTENDED, \
	  "keep FILE up to date: state=, time=, tunnel_ip=, remote= (state=RESTARTING between " \
	  "runs, TOKEN_REMOVED while the token is out, EXITED at the end), and the certificate " \
	  "in use: cert_subject=, cert_not_after=, cert_token=, cert_id=") \
	X(ON_REMOVAL, "on-removal", 0, STRING, on_removal, "disconnect|keep", UNATTENDED, \
	  "when the token leaves the reader: take the tunnel down and wipe the PIN until it is " \
	  "back (default), or keep the tunnel up") \
	X(SUBJECT, "subject", 0, STRING, subject, "/CN=NAME", ENROLL, \
	  "the request's subject (also /O=.../C=...)") \
	X(KEY, "key", 0, STRING, key_type, "TYPE", ENROLL, \
	  "rsa:2048 (default), rsa:3072, ec:P-256 or ec:P-384") \
	X(ID, "id", 0, STRING, key_id, "HEX", ENROLL, \
	  "the new key's CKA_ID (default: 8 random bytes)") \
	X(LABEL, "label", 0, STRING, key_label, "TEXT", ENROLL, \
	  "the new key's label (default: the subject's CN)") \
	X(TOKEN, "token", 0, STRING, token_label, "LABEL", ENROLL, \
	  "the token, when several are present") \
	X(OUT, "out", 0, STRING, out_file, "FILE", ENROLL, \
	  "write the request there (default: standard output)") \
	X(IMPORT, "import", 0, STRING, import_file, "FILE", ENROLL, \
	  "put the CA's certificate (PEM or DER) on the token, beside its key, under the key's " \
	  "CKA_ID and label") \
	X(CHAIN, "chain", 0, FLAG, chain, NULL, ENROLL, \
	  "with --import: also the issuer's certificate from FILE") \
	X(RENEW, "renew", 0, FLAG, renew, NULL, ENROLL, \
	  "a new key and request for the certificate in use (same subject); the old one stays " \
	  "until you import the new") \
	X(REMOVE_OLD, "remove-old", 0, FLAG, remove_old, NULL, ENROLL, \
	  "with --import: then remove the older certificates of that subject and their keys") \
	X(JSON, "json", 0, FLAG, json, NULL, OUTPUT, "machine-readable output") \
	X(ALL, "all", 0, FLAG, all, NULL, OUTPUT, \
	  "also the certificates that cannot log in, and why") \
	X(VERBOSE, "verbose", 'v', VERBOSE, verbosity, NULL, OUTPUT, "also show openvpn's log lines") \
	X(QUIET, "quiet", 'q', QUIET, verbosity, NULL, OUTPUT, "show errors and prompts only") \
	X(HELP, "help", 'h', HELP, command, NULL, OUTPUT, "this text") \
	X(VERSION, "version", 'V', VERSION, command, NULL, OUTPUT, \
	  "the version, the openvpn start would run and the libraries (OpenSSL, libp11, " \
	  "pcsc-lite)")

enum option_id {
#define X(id, ...) OPT_##id,
	OPTIONS(X)
#undef X
	OPT_COUNT
};

/* A set of options: what a command takes (cli/commands.h). */
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

struct command_spec;

struct options {
	const struct command_spec *command; /* named, or help and version for -h and -V */
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
	bool no_external_key;       /* --no-external-key: openvpn signs, even through OpenSC */
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

/* What follows an option on the line (the OPTIONS list's fourth column). */
enum option_kind { KIND_STRING, KIND_FD, KIND_FLAG, KIND_VERBOSE, KIND_QUIET, KIND_HELP,
                   KIND_VERSION };
/* The parts of --help, in order: X(ID, its heading). */
#define OPTION_SECTIONS(X) \
	X(GENERAL, "Options:") \
	X(UNATTENDED, "Unattended use:") \
	X(ENROLL, "Preparing the token (enroll):") \
	X(OUTPUT, "Output:")

enum option_section {
#define X(id, heading) SECTION_##id,
	OPTION_SECTIONS(X)
#undef X
};

/* One entry of the OPTIONS list. */
struct option_spec {
	const char *long_name;      /* without its dashes: "cert" */
	char short_name;            /* 0 when none */
	enum option_kind kind;
	size_t offset;              /* of the field in struct options (STRING, FD, FLAG) */
	const char *value_name;     /* "FILE"; NULL when it takes no value */
	enum option_section section;
	const char *help;
};

/* The option's entry; NULL for an id past the list. */
const struct option_spec *option_spec(enum option_id id);
/* The long name without its dashes: "cert" for OPT_CERT. */
const char *option_name(enum option_id id);
/* Whether a value follows the option (STRING, FD). */
bool option_takes_value(const struct option_spec *o);

#endif
