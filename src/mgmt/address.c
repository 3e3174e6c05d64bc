/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "mgmt/address.h"

static bool valid_port(const char *p)
{
	long value = 0;

	if (*p == '\0' || strlen(p) > 5)
		return false;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (*p - '0');
	}
	return value >= 1 && value <= 65535;
}

static int copy(char *dst, size_t dstsz, const char *src, size_t n)
{
	if (n == 0 || n >= dstsz)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* "127.0.0.1" or "localhost": a host someone forgot the port of, not a socket in the cwd. */
static bool looks_like_host(const char *text)
{
	int dots = 0;

	if (strcmp(text, "localhost") == 0)
		return true;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return dots == 3;
}

int mgmt_address_parse(const char *text, struct mgmt_address *out)
{
	const char *colon;

	memset(out, 0, sizeof *out);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || close[1] != ':' || !valid_port(close + 2))
			return -1;
		if (copy(out->host, sizeof out->host, text + 1, (size_t)(close - text - 1)) != 0)
			return -1;
		return copy(out->port, sizeof out->port, close + 2, strlen(close + 2));
	}
	colon = strrchr(text, ':');
	if (strchr(text, '/') == NULL && colon == NULL && looks_like_host(text))
		return MGMT_ADDRESS_NO_PORT;
	if (strchr(text, '/') != NULL || colon == NULL) {
		out->is_unix = true;
		return copy(out->path, sizeof out->path, text, strlen(text));
	}
	/* A bare IPv6 address without brackets is ambiguous: ask for the bracket form. */
	if (strchr(text, ':') != colon || !valid_port(colon + 1))
		return -1;
	if (copy(out->host, sizeof out->host, text, (size_t)(colon - text)) != 0)
		return -1;
	return copy(out->port, sizeof out->port, colon + 1, strlen(colon + 1));
}
