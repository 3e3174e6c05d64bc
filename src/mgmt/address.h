/* Where the management interface is: HOST:PORT, [IPv6]:PORT, or a unix socket path. */
#ifndef OVPN_TOKEN_ADDRESS_H
#define OVPN_TOKEN_ADDRESS_H

#include <stdbool.h>

struct mgmt_address {
	bool is_unix;
	char host[256]; /* "" for a unix socket */
	char port[512]; /* the port number, or the socket path */
};

/* Anything with a '/' or without ":PORT" is a socket path.  -1 when it cannot be either. */
int mgmt_address_parse(const char *text, struct mgmt_address *out);

#endif
