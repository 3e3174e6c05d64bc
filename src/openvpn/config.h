/* What ovpn-token needs to know of the user's OpenVPN config before it starts openvpn. */
#ifndef OVPN_TOKEN_OVPN_CONFIG_H
#define OVPN_TOKEN_OVPN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ovpn_config_facts {
	bool pkcs11_id;            /* a fixed "pkcs11-id" */
	bool pkcs11_id_management; /* already asks the management interface for the id */
	bool management;           /* its own "management" line (ours on the command line wins) */
	char pkcs11_providers[512];/* the first provider named, "" if none */
	char pkcs11_id_value[700]; /* the first pkcs11-id's value, unquoted, "" if none */
	/*
	 * management-* options that keep `start` from driving OpenVPN, space-separated, e.g.
	 * "management-client management-query-proxy"; "" if none.
	 */
	char management_conflicts[256];
};

/* Reads the options' names line by line (comments, inline <blocks> skipped).  -1 on I/O error. */
int ovpn_config_scan(FILE *f, struct ovpn_config_facts *facts);

/* openvpn_config_read's failures; both come with "cannot read PATH..." in err. */
#define OPENVPN_CONFIG_CANNOT_OPEN (-1)
#define OPENVPN_CONFIG_READ_ERROR (-2)

/*
 * Opens path and scans it into facts (zeroed first): the one way both start and doctor read a
 * config.  0, or one of the two codes above with the reason in err.
 */
int openvpn_config_read(const char *path, struct ovpn_config_facts *facts, char *err,
                        size_t errsz);

#endif
