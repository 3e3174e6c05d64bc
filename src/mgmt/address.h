/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the management interface is: HOST:PORT, [IPv6]:PORT, or a unix socket path. */
#ifndef OVPN_TOKEN_ADDRESS_H
#define OVPN_TOKEN_ADDRESS_H

#include <stdbool.h>

struct mgmt_address {
	bool is_unix;
	char host[256]; /* TCP: the host; "" for a unix socket */
	char port[16];  /* TCP: the port number */
	char path[512]; /* unix: the socket path */
};

enum {
	MGMT_ADDRESS_BAD = -1,     /* neither form */
	MGMT_ADDRESS_NO_PORT = -2, /* an IP address or "localhost" without ":PORT" */
};

/*
 * HOST:PORT, [IPv6]:PORT, or a socket path: anything with a '/', or a name without ':PORT' that
 * is not an IPv4 address or "localhost".  0, or one of the codes above.
 */
int mgmt_address_parse(const char *text, struct mgmt_address *out);

#endif
