/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line, parsed once into one struct. */
#ifndef OVPN_TOKEN_OPTIONS_H
#define OVPN_TOKEN_OPTIONS_H

#include <stdbool.h>

#include "ui/output.h"

/* --service: whether start goes through OpenVPN's interactive service (Windows). */
enum service_mode { SERVICE_AUTO, SERVICE_ALWAYS, SERVICE_NEVER };

enum command {
	COMMAND_NONE,
	COMMAND_START,
	COMMAND_ATTACH,
	COMMAND_LIST,
	COMMAND_DOCTOR,
	COMMAND_SHORTCUT,
	COMMAND_HELP,
	COMMAND_VERSION,
};

struct options {
	enum command command;
	const char *target;         /* CONFIG for start and doctor, ADDRESS for attach */
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
	bool external_key;          /* --external-key: ovpn-token signs on the token (start) */
	bool restart;               /* --restart: start openvpn again after a failure */
	bool json;                  /* --json (list) */
	bool start_menu;            /* --start-menu (shortcut) */
	const char *service;        /* --service as given */
	enum service_mode service_mode;
	enum verbosity verbosity;
};

/* Fills opts from argv; on error prints why to stderr and returns -1. */
int options_parse(int argc, char **argv, struct options *opts);
void options_print_help(void);

#endif
