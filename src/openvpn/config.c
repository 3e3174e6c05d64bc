#include <ctype.h>
#include <errno.h>
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
	size_t n = 0;
	char quote = 0;

	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == '"' || *rest == '\'')
		quote = *rest++;
	while (rest[n] != '\0' && rest[n] != '\n' && rest[n] != '\r' &&
	       (quote ? rest[n] != quote : !isspace((unsigned char)rest[n])))
		n++;
	if (n >= outsz)
		n = 0;
	memcpy(out, rest, n);
	out[n] = '\0';
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

static void skip_rest_of_line(FILE *f)
{
	int c;

	while ((c = getc(f)) != EOF && c != '\n')
		;
}

int ovpn_config_scan(FILE *f, struct ovpn_config_facts *facts)
{
	char line[4096];
	bool in_block = false;

	memset(facts, 0, sizeof *facts);
	while (fgets(line, sizeof line, f) != NULL) {
		const char *name;
		size_t n;

		/* The rest of a line longer than the buffer is not a line of its own. */
		if (strchr(line, '\n') == NULL)
			skip_rest_of_line(f);
		n = option_name(line, &name);

		if (n == 0 || name[0] == '#' || name[0] == ';')
			continue;
		/* Inline files (<ca> ... </ca>) hold PEM, not options. */
		if (name[0] == '<') {
			in_block = name[1] != '/';
			continue;
		}
		if (in_block)
			continue;
		if (is(name, n, "pkcs11-id") && !facts->pkcs11_id)
			first_param(name + n, facts->pkcs11_id_value, sizeof facts->pkcs11_id_value);
		if (is(name, n, "pkcs11-id"))
			facts->pkcs11_id = true;
		else if (is(name, n, "pkcs11-id-management"))
			facts->pkcs11_id_management = true;
		else if (is(name, n, "management"))
			facts->management = true;
		else if (is(name, n, "pkcs11-providers") && facts->pkcs11_providers[0] == '\0')
			first_param(name + n, facts->pkcs11_providers, sizeof facts->pkcs11_providers);
		else if (conflicts_with_start(name, n))
			add_word(facts->management_conflicts, sizeof facts->management_conflicts, name, n);
	}
	return ferror(f) ? -1 : 0;
}

int openvpn_config_read(const char *path, struct ovpn_config_facts *facts, char *err,
                        size_t errsz)
{
	FILE *f = fopen(path, "r");
	int rc;

	memset(facts, 0, sizeof *facts);
	if (f == NULL) {
		snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return OPENVPN_CONFIG_CANNOT_OPEN;
	}
	rc = ovpn_config_scan(f, facts);
	fclose(f);
	if (rc != 0) {
		snprintf(err, errsz, "cannot read %s", path);
		return OPENVPN_CONFIG_READ_ERROR;
	}
	return 0;
}
