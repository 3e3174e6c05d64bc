/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token --version (also -V): as `openvpn --version` does, what a bug report needs: our
 * version, the openvpn `start` would run (path and its own first line; --openvpn chooses it)
 * and the libraries this build uses for certificates, tokens and readers.
 */
#include <stdio.h>
#include <string.h>

#include "cert/backend.h"
#include "exit_codes.h"
#include "cmd/cmd.h"
#include "openvpn/probe.h"
#include "pcsc/check.h"
#include "pkcs11/provider.h"
#include "platform/platform.h"

#ifndef OVPN_TOKEN_VERSION
#define OVPN_TOKEN_VERSION "unknown"
#endif

static void print_openvpn(const char *given)
{
	char program[512], err[512];
	struct openvpn_probe probe;

	if (given != NULL)
		snprintf(program, sizeof program, "%s", given);
	else if (plat_find_openvpn(program, sizeof program) != 0) {
		printf("openvpn: not found (give one with --openvpn PATH)\n");
		return;
	}
	if (openvpn_probe(program, &probe, err, sizeof err) != 0)
		printf("openvpn: %s does not run: %s\n", program, err);
	else
		printf("openvpn: %s: %s\n", program, probe.version);
}

int cmd_version(const struct options *opts)
{
	const char *p11 = p11_library_version(), *pcsc = pcsc_library_version();

	printf("ovpn-token %s\n", OVPN_TOKEN_VERSION);
	print_openvpn(opts->openvpn);
	printf("library versions: %s, %s, %s\n", cert_backend_version(),
	       p11 != NULL ? p11 : "no PKCS#11 library (openvpn does the PKCS#11 work)",
	       pcsc != NULL ? pcsc : "no PC/SC library");
	return EXIT_OK;
}
