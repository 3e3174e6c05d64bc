/* What ovpn-token needs to know of the user's OpenVPN config before it starts openvpn. */
#ifndef OVPN_TOKEN_OVPN_CONFIG_H
#define OVPN_TOKEN_OVPN_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

struct ovpn_config_facts {
	bool pkcs11_id;            /* a fixed "pkcs11-id" */
	bool pkcs11_id_management; /* already asks the management interface for the id */
	bool management;           /* its own "management" line (ours on the command line wins) */
	char pkcs11_providers[512];/* the first provider named, "" if none */
};

/* Reads the options' names line by line (comments, inline <blocks> skipped).  -1 on I/O error. */
int ovpn_config_scan(FILE *f, struct ovpn_config_facts *facts);

#endif
