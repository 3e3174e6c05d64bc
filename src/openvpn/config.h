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
	char pkcs11_id_value[700]; /* the first pkcs11-id's value, unquoted, "" if none */
	/*
	 * management-* options that keep `start` from driving OpenVPN, space-separated, e.g.
	 * "management-client management-query-proxy"; "" if none.
	 */
	char management_conflicts[256];
	/*
	 * Every pkcs11-* option the config has (pkcs11-providers included), space-separated, ""
	 * if none: OpenVPN refuses them together with --management-external-key.
	 */
	char pkcs11_options[256];
};

/* Reads the options' names line by line (comments, inline <blocks> skipped).  -1 on I/O error. */
int ovpn_config_scan(FILE *f, struct ovpn_config_facts *facts);

#endif
