/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A served tunnel's folder and files (served.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/utc.h"
#include "served/served.h"

bool served_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= SERVED_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == '@'))
			return false;
	}
	return true;
}

const char *served_name_rule(void)
{
	return "letters, digits, '.', '_', '-' and '@', not starting with '.' or '-', at most 75 "
	       "characters (its socket's path must fit a unix socket's 108 bytes)";
}

void served_paths(const char *name, struct served_paths *p)
{
	snprintf(p->dir, sizeof p->dir, "%s/%s", SERVED_BASE, name);
	snprintf(p->lock, sizeof p->lock, "%s/%s.lock", SERVED_PRIVATE, name);
	snprintf(p->openvpn_socket, sizeof p->openvpn_socket, "%s/%s.sock", SERVED_PRIVATE, name);
	snprintf(p->socket, sizeof p->socket, "%s/%s/management.sock", SERVED_BASE, name);
	snprintf(p->serve, sizeof p->serve, "%s/%s/serve", SERVED_BASE, name);
	snprintf(p->holder, sizeof p->holder, "%s/%s/holder", SERVED_BASE, name);
	snprintf(p->config, sizeof p->config, "%s/%s.conf", SERVED_PRIVATE, name);
}

const char *served_state_name(enum served_state s)
{
	static const char *const names[] = {"STARTING", "HOLD", "RUNNING", "RESTARTING", "STOPPED"};

	return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "UNKNOWN";
}

static size_t fits(int n, size_t outsz)
{
	return n > 0 && (size_t)n < outsz ? (size_t)n : 0;
}

size_t served_facts_text(const struct served_facts *f, char *out, size_t outsz)
{
	return fits(snprintf(out, outsz,
	                     "config=%s\nprovider=%s\ngroup=%s\npid=%ld\nopenvpn_pid=%ld\n"
	                     "started=%s\nstate=%s\n",
	                     f->config, f->provider, f->group, f->pid, f->openvpn_pid, f->started,
	                     served_state_name(f->state)),
	            outsz);
}

size_t served_holder_text(const char *user, long uid, long pid, const char *since,
                          const char *status, char *out, size_t outsz)
{
	return fits(snprintf(out, outsz, "user=%s\nuid=%ld\npid=%ld\nsince=%s\n%s", user, uid, pid,
	                     since, status),
	            outsz);
}

bool served_value(const char *text, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);

	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);

		if (len > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
			size_t vlen = len - klen - 1;

			if (vlen >= outsz)
				vlen = outsz - 1;
			memcpy(out, line + klen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		line = end != NULL ? end + 1 : NULL;
	}
	if (outsz > 0)
		out[0] = '\0';
	return false;
}

long served_number(const char *text, const char *key, long fallback)
{
	char value[32], *end;
	long n;

	if (!served_value(text, key, value, sizeof value) || value[0] == '\0')
		return fallback;
	n = strtol(value, &end, 10);
	return *end == '\0' ? n : fallback;
}

long long served_time_parse(const char *iso)
{
	unsigned y, mo, d, h, mi, s;
	char z, rest;

	if (sscanf(iso, "%4u-%2u-%2uT%2u:%2u:%2u%c%c", &y, &mo, &d, &h, &mi, &s, &z, &rest) != 7 ||
	    z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	return utc_epoch(y, mo, d, h, mi, s);
}
