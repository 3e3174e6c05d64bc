/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The argument list of argv.h. */
#include "openvpn/argv.h"

/*
 * The fixed parts, each with why.  After --config, so they win over anything the config says:
 * the questions come to us (without --management-query-passwords OpenVPN asks on its own
 * console), nothing happens before we are there (--management-hold), and losing our
 * connection takes the tunnel down (--management-signal: SIGUSR1, openvpn restarts into the
 * hold and waits there) however we end -- our child's parent-death signal is not enough: the
 * kernel drops it when openvpn has file capabilities (setcap cap_net_admin+ep), and through
 * the interactive service openvpn is not our child at all.
 */
static const char *const managed[] = {
	"--management-query-passwords", "--management-hold", "--management-signal", NULL,
};
/* Which pending-auth methods (session/auth.c) we answer: the server may offer them. */
static const char *const sso[] = {"--setenv", "IV_SSO", "crtext,openurl,webauth", NULL};
/*
 * OpenVPN asks us for the certificate and every signature (doc/protocol.md): PKCS#1 and PSS
 * padded, ECDSA by the key's type, on the message itself (digest).  Never "nopadding": raw
 * RSA is a decryption oracle, and with OpenSSL 3 (xkey) no TLS version asks for it.
 */
static const char *const external_key[] = {
	"--management-external-key", "pkcs1", "pss", "digest",
	"--management-external-cert", "ovpn-token", NULL,
};

/*
 * serve: each user who connects must start from nothing.  A SIGUSR1 restart keeps the TLS
 * context, with the last user's certificate in it (OpenVPN 2.7 always, 2.6 with persist-key):
 * the next user would be asked for signatures under a certificate not theirs, and never for
 * their own.  As SIGHUP the restart reads everything again and asks for the certificate anew
 * (serve sends SIGHUP itself when a user leaves; this is for openvpn's own restarts).  The
 * login is forgotten if serve's own connection closes; the history a later user could ask for
 * is kept as short as openvpn allows (serve refuses the history commands anyway).
 */
static const char *const served[] = {
	"--remap-usr1", "SIGHUP", "--management-forget-disconnect", "--management-log-cache", "1",
	NULL,
};

struct args {
	const char **v;
	size_t n, max;
};

/* Appends the words up to NULL (a NULL word itself when words is NULL: the end). */
static void add(struct args *a, const char *const *words)
{
	do {
		if (a->n < a->max)
			a->v[a->n] = words != NULL ? *words : NULL;
		a->n++;
	} while (words != NULL && *++words != NULL);
}

int ovpn_argv_build(const struct ovpn_argv_spec *l, const char **argv, size_t max)
{
	struct args a = {argv, 0, max};
	const char *const program[] = {l->program, NULL};
	const char *const log[] = {"--log-append", l->log_file, NULL};
	const char *const config[] = {"--config", l->config, "--management", l->mgmt_host, NULL};
	const char *const on_unix[] = {"unix", NULL};
	const char *const on_tcp[] = {
		l->mgmt_port, l->mgmt_password_file != NULL ? l->mgmt_password_file : "stdin", NULL,
	};
	const char *const auth_retry[] = {"--auth-retry", "interact", NULL};
	const char *const id_management[] = {"--pkcs11-id-management", NULL};

	if (l->program != NULL)
		add(&a, program);
	if (l->log_file != NULL)
		add(&a, log);
	add(&a, config);
	add(&a, l->mgmt_unix ? on_unix : on_tcp);
	add(&a, managed);
	if (l->auth_retry_interact)
		add(&a, auth_retry);
	add(&a, sso);
	if (l->served)
		add(&a, served);
	if (l->external_key)
		add(&a, external_key);
	else if (l->pkcs11_id_management)
		add(&a, id_management);
	add(&a, NULL);
	return a.n <= max ? (int)a.n - 1 : -1;
}

bool ovpn_config_wants_id_management(const struct ovpn_config_settings *settings)
{
	return !settings->pkcs11_id && !settings->pkcs11_id_management && !settings->own_cert_or_key;
}

bool ovpn_config_wants_auth_retry(const struct ovpn_config_settings *settings)
{
	return settings->auth_user_pass && !settings->auth_retry;
}
