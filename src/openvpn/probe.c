/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "openvpn/probe.h"
#include "platform/platform.h"

#define OUTPUT_FILE "version.txt"
#define PROBE_TIMEOUT_MS 5000

int openvpn_probe(const char *program, struct openvpn_probe *out, char *err, size_t errsz)
{
	const char *argv[] = {program, "--version", NULL};
	char dir[512], path[600], text[8192];
	struct plat_child *child;
	long long deadline = plat_now_ms() + PROBE_TIMEOUT_MS;
	int status;
	long n;

	memset(out, 0, sizeof *out);
	/* The platform layer spawns with output to a file; a private directory keeps it ours. */
	if (plat_make_private_dir(dir, sizeof dir, err, errsz) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, OUTPUT_FILE);
	child = plat_spawn(argv, path, NULL, err, errsz);
	if (child == NULL) {
		plat_remove_private_dir(dir, OUTPUT_FILE);
		return -1;
	}
	/* Until it ends, the time is up, or a Ctrl-C (which the caller then sees too). */
	while (!plat_child_exited(child, &status)) {
		struct plat_wait_set set = {.child = child, .deadline_ms = deadline};
		unsigned ready;
		enum plat_wait_result w = plat_wait(&set, &ready);

		if (w == PLAT_WAIT_TIMEOUT || w == PLAT_WAIT_INTERRUPT || w == PLAT_WAIT_ERROR)
			break;
	}
	/* One that does not end in time is not worth more: freeing it kills it. */
	plat_child_free(child);
	n = plat_read_file(path, text, sizeof text, err, errsz);
	plat_remove_private_dir(dir, OUTPUT_FILE);
	if (n < 0)
		return -1;
	text[n] = '\0';
	if (strncmp(text, "OpenVPN ", 8) != 0) {
		snprintf(err, errsz, "%s --version does not print an OpenVPN version", program);
		return -1;
	}
	snprintf(out->version, sizeof out->version, "%.*s", (int)strcspn(text, "\r\n"), text);
	out->pkcs11 = strstr(text, "[PKCS11]") != NULL;
	return 0;
}
