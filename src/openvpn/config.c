/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scanning the user's OpenVPN config for what start and doctor must know before openvpn runs. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "openvpn/config.h"

/* First word of a config line, with the "--" a command-line-style config may carry. */
static size_t option_name(const char *line, const char **name)
{
	size_t n = 0;

	while (isspace((unsigned char)*line))
		line++;
	if (line[0] == '-' && line[1] == '-')
		line += 2;
	*name = line;
	while (line[n] != '\0' && !isspace((unsigned char)line[n]))
		n++;
	return n;
}

static bool is(const char *name, size_t n, const char *option)
{
	return strlen(option) == n && strncmp(name, option, n) == 0;
}

/* The first parameter, without quotes (provider paths rarely need more). */
static void first_param(const char *rest, char *out, size_t outsz)
{
	size_t o = 0;
	char quote = 0;

	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == '"' || *rest == '\'')
		quote = *rest++;
	for (; *rest != '\0' && *rest != '\n' && *rest != '\r'; rest++) {
		if (quote ? *rest == quote : isspace((unsigned char)*rest))
			break;
		/*
		 * OpenVPN's lexer: outside single quotes "\\", "\"" and "\ " stand for the character
		 * ("C:\\vpn\\p11.dll" is C:\vpn\p11.dll); a backslash before anything else is kept.
		 */
		if (quote != '\'' && rest[0] == '\\' &&
		    (rest[1] == '\\' || rest[1] == '"' || rest[1] == ' '))
			rest++;
		if (o + 1 >= outsz) {
			o = 0;
			break;
		}
		out[o++] = *rest;
	}
	out[o] = '\0';
}

/*
 * OpenVPN would connect out to a management client, take the key from it, or wait for
 * answers (proxy, remote) that `start` does not give.
 */
static bool conflicts_with_start(const char *name, size_t n)
{
	static const char *const options[] = {
		"management-client", "management-external-key", "management-external-cert",
		"management-query-proxy", "management-query-remote",
	};

	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (is(name, n, options[i]))
			return true;
	return false;
}

/* Appends word (n bytes, not NUL-terminated) to a space-separated list, once. */
static void add_word(char *list, size_t listsz, const char *word, size_t n)
{
	size_t used = strlen(list);

	for (const char *p = list; *p != '\0'; p += strcspn(p, " "), p += *p == ' ') {
		if (strcspn(p, " ") == n && strncmp(p, word, n) == 0)
			return;
	}
	if (used + (used > 0) + n + 1 > listsz)
		return;
	if (used > 0)
		list[used++] = ' ';
	memcpy(list + used, word, n);
	list[used + n] = '\0';
}

/*
 * Options whose first parameter is a file openvpn opens (relative to its working directory), and
 * those whose first word is a program it runs.  "[inline]" and the inline <ca> blocks are not files.
 */
static const char *const file_options[] = {
	"ca", "cert", "key", "dh", "pkcs12", "extra-certs", "tls-auth", "tls-crypt", "tls-crypt-v2",
	"crl-verify", "secret", "auth-user-pass", "askpass", "http-proxy-user-pass", "capath",
};
static const char *const script_options[] = {
	"up", "down", "route-up", "route-pre-down", "ipchange", "tls-verify", "learn-address",
};

static bool in_list(const char *name, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (is(name, n, list[i]))
			return true;
	return false;
}

static void note_file(struct ovpn_config_settings *settings, const char *name, size_t n,
                      const char *value, int line, bool is_script)
{
	struct ovpn_config_file *f;

	if (value[0] == '\0' || strcmp(value, "[inline]") == 0 || settings->nfiles >= OVPN_CONFIG_MAX_FILES)
		return;
	/* "auth-user-pass" alone asks; "stdin" is the console, not a file. */
	if (strcmp(value, "stdin") == 0)
		return;
	f = &settings->files[settings->nfiles++];
	snprintf(f->option, sizeof f->option, "%.*s", (int)n, name);
	snprintf(f->path, sizeof f->path, "%s", value);
	f->line = line;
	f->is_script = is_script;
}

/* The lines that change how a managed openvpn behaves, and the files a config names. */
/* "1" (or any number but 0) as the option's first parameter: the first provider's setting. */
static bool first_flag_on(const char *rest)
{
	char value[16];

	first_param(rest, value, sizeof value);
	return strtol(value, NULL, 10) != 0;
}

static void note_line(struct ovpn_config_settings *settings, const char *name, size_t n, int line)
{
	char value[512];

	first_param(name + n, value, sizeof value);
	if (is(name, n, "daemon") && settings->daemon_line == 0) {
		settings->daemon_line = line;
	} else if ((is(name, n, "log") || is(name, n, "log-append")) && settings->log_line == 0) {
		settings->log_line = line;
		snprintf(settings->log_file, sizeof settings->log_file, "%s", value);
	} else if (is(name, n, "askpass") && settings->askpass_line == 0) {
		settings->askpass_line = line;
		settings->askpass_has_file = value[0] != '\0' && strcmp(value, "stdin") != 0;
	} else if (is(name, n, "cert") || is(name, n, "key") || is(name, n, "pkcs12")) {
		settings->own_cert_or_key = true;
	} else if (is(name, n, "auth-retry")) {
		settings->auth_retry = true;
	} else if (is(name, n, "auth-user-pass")) {
		settings->auth_user_pass = true;
	} else if (is(name, n, "cd") && settings->cd_line == 0) {
		settings->cd_line = line;
		snprintf(settings->cd_dir, sizeof settings->cd_dir, "%s", value);
	}
	if (in_list(name, n, file_options, sizeof file_options / sizeof file_options[0]))
		note_file(settings, name, n, value, line, false);
	else if (in_list(name, n, script_options, sizeof script_options / sizeof script_options[0]))
		note_file(settings, name, n, value, line, true);
}

/*
 * One piece of a config as config_walk() reads it: a line, or (a line longer than the buffer)
 * one of its pieces.
 */
struct config_piece {
	const char *text;    /* as read, with its newline */
	size_t len;
	bool line_start;     /* the first piece of its line: the others carry no option */
	int lineno;          /* 1 for the first line */
	const char *name;    /* the line's first word ("--" dropped), name_len bytes */
	size_t name_len;
	bool tag;            /* an inline file's tag: <ca> or </ca> */
	bool in_block;       /* inside an inline file (<ca> ... </ca>): PEM, not options */
};

/* The one walk over a config's lines (the scan and the copy without pkcs11-*); fn's 0 goes on. */
static int config_walk(FILE *f, int (*fn)(void *arg, const struct config_piece *p), void *arg)
{
	char buf[4096];
	struct config_piece p = {.text = buf, .line_start = true, .name = ""};
	bool in_block = false;

	while (fgets(buf, sizeof buf, f) != NULL) {
		p.len = strlen(buf);
		if (p.line_start) {
			p.lineno++;
			p.name_len = option_name(buf, &p.name);
			p.tag = p.name_len > 0 && p.name[0] == '<';
			if (p.tag)
				in_block = p.name[1] != '/';
			p.in_block = in_block && !p.tag;
		}
		if (fn(arg, &p) != 0)
			return 0;
		/* The next piece starts a line only when this one ended one. */
		p.line_start = p.len > 0 && buf[p.len - 1] == '\n';
		if (!p.line_start) {
			p.name = "";
			p.name_len = 0;
		}
	}
	return ferror(f) ? -1 : 0;
}

static int scan_piece(void *arg, const struct config_piece *p)
{
	struct ovpn_config_settings *settings = arg;
	const char *name = p->name;
	size_t n = p->name_len;
	int lineno = p->lineno;

	if (!p->line_start || n == 0 || name[0] == '#' || name[0] == ';' || p->in_block)
		return 0;
	if (p->tag) {
		if (is(name, n, "<cert>") || is(name, n, "<key>") || is(name, n, "<pkcs12>"))
			settings->own_cert_or_key = true;
		return 0;
	}
	note_line(settings, name, n, lineno);
	if (n > 7 && strncmp(name, "pkcs11-", 7) == 0)
		add_word(settings->pkcs11_options, sizeof settings->pkcs11_options, name, n);
	if (is(name, n, "pkcs11-id") && !settings->pkcs11_id) {
		first_param(name + n, settings->pkcs11_id_value, sizeof settings->pkcs11_id_value);
		settings->pkcs11_id_line = lineno;
	}
	if (is(name, n, "pkcs11-id"))
		settings->pkcs11_id = true;
	else if (is(name, n, "pkcs11-id-management"))
		settings->pkcs11_id_management = true;
	else if (is(name, n, "pkcs11-protected-authentication"))
		settings->pkcs11_pinpad_logins = first_flag_on(name + n);
	else if (is(name, n, "management"))
		settings->management = true;
	else if (is(name, n, "pkcs11-providers") && settings->pkcs11_providers[0] == '\0')
		first_param(name + n, settings->pkcs11_providers, sizeof settings->pkcs11_providers);
	else if (conflicts_with_start(name, n))
		add_word(settings->management_conflicts, sizeof settings->management_conflicts, name, n);
	return 0;
}

int ovpn_config_scan(FILE *f, struct ovpn_config_settings *settings)
{
	memset(settings, 0, sizeof *settings);
	return config_walk(f, scan_piece, settings);
}

/* The config's text without its pkcs11-* lines, as far as OVPN_CONFIG_MAX_BYTES. */
struct copy {
	char *text;
	size_t len;
	bool keep_line;   /* a long line's later pieces go the way its first piece went */
	bool too_long;
};

static int copy_piece(void *arg, const struct config_piece *p)
{
	struct copy *c = arg;

	if (p->line_start)
		c->keep_line = p->in_block || p->tag || p->name_len <= 7 ||
		               strncmp(p->name, "pkcs11-", 7) != 0;
	if (!c->keep_line)
		return 0;
	if (c->len + p->len > OVPN_CONFIG_MAX_BYTES) {
		c->too_long = true;
		return 1;
	}
	memcpy(c->text + c->len, p->text, p->len);
	c->len += p->len;
	return 0;
}

int ovpn_config_without_pkcs11(const char *path, char **out, size_t *outlen, char *err,
                               size_t errsz)
{
	FILE *f = fopen(path, "r");
	struct copy c = {.text = malloc(OVPN_CONFIG_MAX_BYTES + 1)};

	if (f == NULL || c.text == NULL) {
		snprintf(err, errsz, "cannot read %s: %s", path, f == NULL ? strerror(errno) : "out of memory");
		if (f != NULL)
			fclose(f);
		free(c.text);
		return -1;
	}
	if (config_walk(f, copy_piece, &c) != 0 || c.too_long || c.len >= OVPN_CONFIG_MAX_BYTES) {
		snprintf(err, errsz, "cannot read %s", path);
		fclose(f);
		free(c.text);
		return -1;
	}
	fclose(f);
	c.text[c.len] = '\0';
	*out = c.text;
	*outlen = c.len;
	return 0;
}
