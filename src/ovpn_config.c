#include <ctype.h>
#include <string.h>

#include "ovpn_config.h"

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

int ovpn_config_scan(FILE *f, struct ovpn_config_facts *facts)
{
	char line[4096];
	bool in_block = false;

	memset(facts, 0, sizeof *facts);
	while (fgets(line, sizeof line, f) != NULL) {
		const char *name;
		size_t n = option_name(line, &name);

		if (n == 0 || name[0] == '#' || name[0] == ';')
			continue;
		/* Inline files (<ca> ... </ca>) hold PEM, not options. */
		if (name[0] == '<') {
			in_block = name[1] != '/';
			continue;
		}
		if (in_block)
			continue;
		if (is(name, n, "pkcs11-id"))
			facts->pkcs11_id = true;
		else if (is(name, n, "pkcs11-id-management"))
			facts->pkcs11_id_management = true;
		else if (is(name, n, "management"))
			facts->management = true;
		else if (is(name, n, "pkcs11-providers") && facts->pkcs11_providers[0] == '\0')
			first_param(name + n, facts->pkcs11_providers, sizeof facts->pkcs11_providers);
	}
	return ferror(f) ? -1 : 0;
}
