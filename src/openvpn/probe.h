/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What `openvpn --version` tells about an openvpn program, for `doctor`. */
#ifndef OVPN_TOKEN_OPENVPN_PROBE_H
#define OVPN_TOKEN_OPENVPN_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct openvpn_probe {
	char version[160];  /* its first line, e.g. "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL ...]" */
	bool pkcs11;        /* "[PKCS11]" among its build flags */
};

/*
 * Runs `program --version` (a few seconds at most) and reads what it printed.  0, or -1 with
 * err filled when it could not be run or printed nothing that looks like OpenVPN.
 */
int openvpn_probe(const char *program, struct openvpn_probe *out, char *err, size_t errsz);

#endif
