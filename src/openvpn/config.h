/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What ovpn-token needs to know of the user's OpenVPN config before it starts openvpn. */
#ifndef OVPN_TOKEN_OVPN_CONFIG_H
#define OVPN_TOKEN_OVPN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* No real config comes near this, even with every certificate inline. */
#define OVPN_CONFIG_MAX_BYTES (1024 * 1024)
/* Files one config names that `doctor` checks; more are not looked at. */
#define OVPN_CONFIG_MAX_FILES 32
/* A path ovpn_config_load() resolves: a folder, plus a name as long as a config line allows. */
#define OVPN_CONFIG_PATH_MAX 1024

/* A file the config names ("ca ca.crt"). */
struct ovpn_config_file {
	char option[24];
	char path[512];     /* as written; for a script, its whole command line */
	/* what openvpn opens (a script: the program it runs), made absolute by ovpn_config_load() */
	char resolved[OVPN_CONFIG_PATH_MAX];
	int line;
	bool is_script; /* the first word of a command line openvpn runs (up, down, ...) */
};

struct ovpn_config_settings {
	bool pkcs11_id;            /* a fixed "pkcs11-id" */
	bool pkcs11_id_management; /* already asks the management interface for the id */
	/* "pkcs11-protected-authentication 1": OpenVPN logs in through a reader's PIN pad itself */
	bool pkcs11_pinpad_logins;
	bool management;           /* its own "management" line (ours on the command line wins) */
	/*
	 * The first provider named, "" if none: as written after ovpn_config_scan(); after
	 * ovpn_config_load() the file openvpn's loader opens (plat_module_path()).
	 */
	char pkcs11_providers[OVPN_CONFIG_PATH_MAX];
	char pkcs11_id_value[700]; /* the first pkcs11-id's value, unquoted, "" if none */
	/*
	 * management-* options that keep `start` from driving OpenVPN, space-separated, e.g.
	 * "management-client management-query-proxy"; "" if none.
	 */
	char management_conflicts[256];

	/* Lines that fight a managed start; 0 when absent, else the (first) line number. */
	int daemon_line;           /* "daemon": openvpn would fork away from us */
	int log_line;              /* "log" or "log-append": openvpn's output goes there, not to us */
	char log_file[OVPN_CONFIG_PATH_MAX]; /* ... that file; made absolute by ovpn_config_load() */
	int askpass_line;          /* "askpass" */
	bool askpass_has_file;     /* ... with a file: no question is asked */
	int pkcs11_id_line;
	int cd_line;               /* "cd DIR": openvpn changes its working directory itself */
	/*
	 * "cert", "key" or "pkcs12" (a file, inline, or a pkcs11: URI through OpenSSL's
	 * "providers"): the key does not come through pkcs11-helper, so no pkcs11-id is asked.
	 */
	bool own_cert_or_key;
	char cd_dir[512];          /* as written (ovpn_config's workdir is where it leads) */
	/* "auth-retry": the config chose how a refused login goes on; start adds none of its own. */
	bool auth_retry;
	/* "auth-user-pass": the server has a login of its own (and maybe a second factor). */
	bool auth_user_pass;

	struct ovpn_config_file files[OVPN_CONFIG_MAX_FILES];
	size_t nfiles;
	/*
	 * Every pkcs11-* option the config has (pkcs11-providers included), space-separated, ""
	 * if none: OpenVPN refuses them together with --management-external-key.
	 */
	char pkcs11_options[256];
};

/*
 * Reads the options' names line by line (comments, inline <blocks> skipped); the paths stay as
 * written.  -1 on I/O error.
 */
int ovpn_config_scan(FILE *f, struct ovpn_config_settings *settings);

/* The user's config as openvpn will see it: the one way start, list and doctor read one. */
struct ovpn_config {
	/* absolute, its folder's "..", "." and links resolved; the file as named: --config */
	char path[OVPN_CONFIG_PATH_MAX];
	char canonical[OVPN_CONFIG_PATH_MAX]; /* a link to the file resolved too: its identity */
	char dir[OVPN_CONFIG_PATH_MAX];       /* path's folder: where openvpn is started */
	/* where openvpn runs once it read the config: dir, or where the config's "cd" leads */
	char workdir[OVPN_CONFIG_PATH_MAX];
	/* the config's lines, with every path they name resolved against workdir (see above) */
	struct ovpn_config_settings settings;
};

/*
 * Finds the config called name (a path, or a name OpenVPN knows: plat_resolve_config()), reads
 * it once (only a regular file of at most OVPN_CONFIG_MAX_BYTES: a device, a FIFO or a folder
 * is refused) and resolves every path it names the way openvpn will: relative to the folder
 * it runs in, the provider as openvpn's loader finds it.  Callers never resolve them again.
 * -1 with err filled ("no config 'x' ...", "cannot read ...", "... too long").
 */
int ovpn_config_load(const char *name, struct ovpn_config *cfg, char *err, size_t errsz);
/*
 * The config's name: its file name without the extension ("~/vpn/office.ovpn" -> "office"; on
 * Windows also "C:\\Users\\anna\\office.ovpn").  start names its log and lock after it, serve
 * the tunnel.
 */
void ovpn_config_name(const char *path, char *out, size_t outsz);
/*
 * The config at path without its pkcs11-* option lines (inline blocks kept as they are), as a
 * malloc'd text in *out (*outlen bytes): what openvpn reads with --external-key, which it
 * refuses next to PKCS#11 options.  -1 with err filled.
 */
int ovpn_config_without_pkcs11(const char *path, char **out, size_t *outlen, char *err,
                               size_t errsz);

#endif
