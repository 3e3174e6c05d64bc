/* The command line, parsed once into one struct. */
#ifndef OVPN_TOKEN_OPTIONS_H
#define OVPN_TOKEN_OPTIONS_H

#include <stdbool.h>

enum verbosity { VERBOSITY_QUIET = -1, VERBOSITY_NORMAL = 0, VERBOSITY_VERBOSE = 1 };

enum command { COMMAND_NONE, COMMAND_START, COMMAND_ATTACH, COMMAND_HELP, COMMAND_VERSION };

struct options {
	enum command command;
	const char *target;         /* CONFIG for start, ADDRESS for attach */
	const char *openvpn;        /* --openvpn */
	const char *cert_pattern;   /* --cert */
	const char *mgmt_password_file;
	const char *log_file;       /* --log */
	enum verbosity verbosity;
};

/* Fills opts from argv; on error prints why to stderr and returns -1. */
int options_parse(int argc, char **argv, struct options *opts);
void options_print_help(void);

#endif
