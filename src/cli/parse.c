/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Command line parsing: long and short options, "--opt=value" and "--opt value", no getopt.
 * Options may stand before or after the command's name; whether the command takes each one is
 * judged once the name is known, from its entry in the command table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert_info.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/parse.h"

/* What one parse has seen beside struct options: where each option was first given. */
struct parse {
	int given_at[OPT_COUNT];               /* its argv index; 0 when not given */
	const struct command_spec *flag_command;  /* -h or -V: they win wherever they stand */
	char *err;
	size_t errsz;
};

static int fail(struct parse *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* The option arg names, or -1. */
static int find_option(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct option_spec *o = option_spec((enum option_id)i);
		size_t n = strlen(o->long_name);

		if (arg[1] != '-') {
			if (o->short_name != 0 && arg[1] == o->short_name && arg[2] == '\0')
				return i;
			continue;
		}
		if (strncmp(arg + 2, o->long_name, n) != 0)
			continue;
		if (arg[2 + n] == '\0')
			return i;
		if (arg[2 + n] == '=' && option_takes_value(o)) {
			*inline_value = arg + 3 + n;
			return i;
		}
	}
	return -1;
}

static int parse_fd(struct parse *p, const char *arg, const char *value, int *fd)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (end == value || *end != '\0' || n < 0 || n > 65535)
		return fail(p, "option '%s' needs a file descriptor number, not '%s'", arg, value);
	*fd = (int)n;
	return 0;
}

static int apply_option(struct parse *p, const struct option_spec *o, const char *arg,
                        const char *value, struct options *opts)
{
	char *field = (char *)opts + o->offset;

	switch (o->kind) {
	case KIND_STRING:
		*(const char **)(void *)field = value;
		return 0;
	case KIND_FD:
		return parse_fd(p, arg, value, (int *)(void *)field);
	case KIND_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case KIND_VERBOSE:
		opts->verbosity = VERBOSITY_VERBOSE;
		return 0;
	case KIND_QUIET:
		opts->verbosity = VERBOSITY_QUIET;
		return 0;
	case KIND_HELP:
		p->flag_command = command_find(COMMAND_HELP);
		return 0;
	case KIND_VERSION:
		p->flag_command = command_find(COMMAND_VERSION);
		return 0;
	}
	return -1;
}

/* Takes argv[*i] as an option (and its value); -1 with the reason. */
static int take_option(struct parse *p, int argc, char **argv, int *i, struct options *opts)
{
	const char *arg = argv[*i], *value;
	int id = find_option(arg, &value);

	if (id < 0)
		return fail(p, "unknown option '%s' (try 'ovpn-token --help')", arg);
	if (p->given_at[id] == 0)
		p->given_at[id] = *i;
	if (option_takes_value(option_spec((enum option_id)id)) && value == NULL) {
		if (*i + 1 >= argc)
			return fail(p, "option '%s' needs a value", arg);
		value = argv[++*i];
	}
	return apply_option(p, option_spec((enum option_id)id), arg, value, opts);
}

/* "start, attach": the commands that take the option. */
static void commands_taking(enum option_id id, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (int c = 0; c < COMMAND_COUNT; c++) {
		const struct command_spec *cmd = command_find((enum command)c);

		if (cmd->name != NULL && option_set_has(cmd->options, id) && len < outsz)
			len += (size_t)snprintf(out + len, outsz - len, "%s%s", len > 0 ? ", " : "",
			                        cmd->name);
	}
}

/* The first option on the line that cmd does not take, refused with the commands that do. */
static int refuse_foreign_options(struct parse *p, const struct command_spec *cmd)
{
	int first = -1;
	char owners[128];

	for (int id = 0; id < OPT_COUNT; id++)
		if (p->given_at[id] != 0 && !command_takes(cmd, (enum option_id)id) &&
		    (first < 0 || p->given_at[id] < p->given_at[first]))
			first = id;
	if (first < 0)
		return 0;
	commands_taking((enum option_id)first, owners, sizeof owners);
	return fail(p, "'%s' does not take --%s (it is an option of: %s)", cmd->name,
	            option_name((enum option_id)first), owners);
}

static int check_operands(struct parse *p, const struct command_spec *cmd, int n)
{
	if (n >= cmd->min_operands && n <= cmd->max_operands)
		return 0;
	if (cmd->max_operands == 0)
		return fail(p, "'%s' takes no arguments", cmd->name);
	return fail(p, "'%s' %s %s (usage: ovpn-token %s [OPTIONS] %s%s%s)", cmd->name,
	            n < cmd->min_operands ? "needs" : "takes only one", cmd->operand, cmd->name,
	            cmd->min_operands == 0 ? "[" : "", cmd->operand,
	            cmd->min_operands == 0 ? "]" : "");
}

/* The values the words themselves cannot hold wrong: judged after the command has taken them. */
static int check_values(struct parse *p, struct options *opts)
{
	if (opts->service == NULL || strcmp(opts->service, "auto") == 0)
		opts->service_mode = SERVICE_AUTO;
	else if (strcmp(opts->service, "always") == 0)
		opts->service_mode = SERVICE_ALWAYS;
	else if (strcmp(opts->service, "never") == 0)
		opts->service_mode = SERVICE_NEVER;
	else
		return fail(p, "--service takes auto, always or never, not '%s'", opts->service);
	if (opts->on_removal == NULL || strcmp(opts->on_removal, "disconnect") == 0)
		opts->removal_mode = REMOVAL_DISCONNECT;
	else if (strcmp(opts->on_removal, "keep") == 0)
		opts->removal_mode = REMOVAL_KEEP;
	else
		return fail(p, "--on-removal takes disconnect or keep, not '%s'", opts->on_removal);
	if (opts->external_key && opts->no_external_key)
		return fail(p, "--external-key and --no-external-key say opposite things: give one");
	/* An empty pattern is in every subject: it would choose at random, not by the user's word. */
	if (opts->cert_pattern != NULL && opts->cert_pattern[0] == '\0')
		return fail(p, "--cert needs a non-empty PATTERN (part of the certificate's subject or "
		               "id)");
	/* Fewer digits would name several certificates by chance, not the one the user means. */
	if (cert_pattern_fingerprint_digits(opts->cert_pattern) == -2)
		return fail(p, "--cert '%s': after sha256: only the fingerprint's hex digits (':' "
		               "between bytes allowed)", opts->cert_pattern);
	if (cert_pattern_fingerprint_digits(opts->cert_pattern) >= 0 &&
	    cert_pattern_fingerprint_digits(opts->cert_pattern) < 8)
		return fail(p, "--cert '%s': give at least 8 hex digits of the SHA-256 fingerprint",
		            opts->cert_pattern);
	return 0;
}

int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errsz)
{
	struct parse p = {.err = err, .errsz = errsz};
	const struct command_spec *cmd = NULL;
	const char *operands[2], *surplus = NULL;
	int noperands = 0;
	bool only_operands = false;

	memset(opts, 0, sizeof *opts);
	opts->pin_fd = -1;
	opts->mgmt_password_fd = -1;
	err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!only_operands && strcmp(arg, "--") == 0) {
			only_operands = true;
		} else if (!only_operands && arg[0] == '-' && arg[1] != '\0') {
			if (take_option(&p, argc, argv, &i, opts) != 0)
				return -1;
		} else if (cmd == NULL) {
			cmd = command_find_by_name(arg);
			if (cmd == NULL)
				return fail(&p, "unknown command '%s' (try 'ovpn-token --help')", arg);
		} else if (noperands < 2) {
			operands[noperands++] = arg;
		} else if (surplus == NULL) {
			surplus = arg;
		}
	}
	if (p.flag_command != NULL) {
		opts->command = p.flag_command;
		return 0;
	}
	if (cmd == NULL)
		return fail(&p, "no command given (try 'ovpn-token --help')");
	opts->command = cmd;
	if (surplus != NULL)
		return fail(&p, "unexpected argument '%s' (try 'ovpn-token --help')", surplus);
	if (refuse_foreign_options(&p, cmd) != 0 || check_operands(&p, cmd, noperands) != 0)
		return -1;
	opts->target = noperands > 0 ? operands[0] : NULL;
	return check_values(&p, opts);
}
