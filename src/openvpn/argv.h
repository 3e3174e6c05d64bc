/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * openvpn's argument list for `start` and `serve`: one pure function from what they decided to
 * argv, for openvpn run as our child and for openvpn run by OpenVPN's interactive service alike.
 */
#ifndef OVPN_TOKEN_OVPN_ARGV_H
#define OVPN_TOKEN_OVPN_ARGV_H

#include <stdbool.h>
#include <stddef.h>

#include "openvpn/config.h"

/* Room for the longest list ovpn_argv_build() makes, its NULL included. */
#define OVPN_ARGV_MAX 32

/* What start or serve decided; every string is used as it is (quoting is the spawner's). */
struct ovpn_argv_spec {
	const char *program;  /* argv[0]; NULL through the interactive service, which names it */
	const char *config;   /* --config: the user's config, or our copy of it */
	/* The management endpoint: a unix socket at mgmt_host, or TCP mgmt_host:mgmt_port. */
	bool mgmt_unix;
	const char *mgmt_host;
	const char *mgmt_port;
	const char *mgmt_password_file; /* TCP: the password's file; NULL: read from stdin */
	bool external_key;         /* openvpn asks us for the certificate and every signature */
	bool pkcs11_id_management; /* openvpn asks us which certificate */
	bool auth_retry_interact;  /* a refused login is asked again: two-factor challenges */
	/*
	 * serve: the management client is one user after another, each with a certificate of
	 * their own, and none may inherit what the last one left in openvpn.
	 */
	bool served;
	/*
	 * A log openvpn opens itself, NULL for none.  It goes before --config: openvpn takes the
	 * first log option it reads and ignores later ones.
	 */
	const char *log_file;
};

/*
 * Fills argv (room for max pointers) with the arguments for l, NULL-terminated; they point
 * into l and to constant strings.  Returns their number (argc), or -1 when max is too small.
 */
int ovpn_argv_build(const struct ovpn_argv_spec *l, const char **argv, size_t max);

/*
 * Whether openvpn must be told to ask us for the certificate (--pkcs11-id-management): not
 * when the config fixes one (pkcs11-id), asks already, or has a cert/key of its own (OpenVPN
 * refuses the option next to those: 2.7's pkcs11: URIs through OpenSSL's providers).
 */
bool ovpn_config_wants_id_management(const struct ovpn_config_settings *settings);
/*
 * Whether to add --auth-retry interact: a config with auth-user-pass that chose no auth-retry
 * of its own.  Without it OpenVPN exits on a CRV1 challenge instead of asking again with it;
 * not for other configs, where it would turn 2.6's exit on a key it cannot load (an expired
 * pkcs11-pin-cache) into endless retries.
 */
bool ovpn_config_wants_auth_retry(const struct ovpn_config_settings *settings);

#endif
