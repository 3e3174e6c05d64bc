/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The argument list of argv.h. */
#include "openvpn/argv.h"

struct args {
	const char **v;
	size_t n, max;
};

static void add(struct args *a, const char *s)
{
	if (a->n < a->max)
		a->v[a->n] = s;
	a->n++;
}

int ovpn_argv_build(const struct ovpn_launch *l, const char **argv, size_t max)
{
	struct args a = {argv, 0, max};

	if (l->program != NULL)
		add(&a, l->program);
	if (l->log_file != NULL) {
		add(&a, "--log-append");
		add(&a, l->log_file);
	}
	add(&a, "--config");
	add(&a, l->config);
	/* After --config, so these win over anything the config says. */
	add(&a, "--management");
	add(&a, l->mgmt_host);
	if (l->mgmt_unix) {
		add(&a, "unix");
	} else {
		add(&a, l->mgmt_port);
		add(&a, l->mgmt_password_file != NULL ? l->mgmt_password_file : "stdin");
	}
	/* Without it, OpenVPN asks for passwords on its own console. */
	add(&a, "--management-query-passwords");
	/* Nothing happens before we are there. */
	add(&a, "--management-hold");
	if (l->auth_retry_interact) {
		add(&a, "--auth-retry");
		add(&a, "interact");
	}
	/* Which pending-auth methods (session/auth.c) we answer: the server may offer them. */
	add(&a, "--setenv");
	add(&a, "IV_SSO");
	add(&a, "crtext,openurl,webauth");
	/*
	 * Losing our connection takes the tunnel down (SIGUSR1: openvpn restarts into the hold
	 * and waits there), however we end.  Our child's parent-death signal is not enough: the
	 * kernel drops it when openvpn has file capabilities (setcap cap_net_admin+ep), and
	 * through the interactive service openvpn is not our child at all.
	 */
	add(&a, "--management-signal");
	if (l->external_key) {
		/*
		 * OpenVPN asks us for the certificate and every signature (doc/protocol.md): PKCS#1
		 * and PSS padded, ECDSA by the key's type, on the message itself (digest).  Never
		 * "nopadding": raw RSA is a decryption oracle, and with OpenSSL 3 (xkey) no TLS
		 * version asks for it.
		 */
		add(&a, "--management-external-key");
		add(&a, "pkcs1");
		add(&a, "pss");
		add(&a, "digest");
		add(&a, "--management-external-cert");
		add(&a, "ovpn-token");
	} else if (l->pkcs11_id_management) {
		add(&a, "--pkcs11-id-management");
	}
	add(&a, NULL);
	return a.n <= max ? (int)a.n - 1 : -1;
}

bool ovpn_config_wants_id_management(const struct ovpn_config_facts *facts)
{
	return !facts->pkcs11_id && !facts->pkcs11_id_management && !facts->own_cert_or_key;
}

bool ovpn_config_wants_auth_retry(const struct ovpn_config_facts *facts)
{
	return facts->auth_user_pass && !facts->auth_retry;
}
