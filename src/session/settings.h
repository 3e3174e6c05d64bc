/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the session is told by the command that runs it (start, attach, connect), and nothing
 * else: the session never sees the command line.  The command owns it; it outlives the session.
 */
#ifndef OVPN_TOKEN_SESSION_SETTINGS_H
#define OVPN_TOKEN_SESSION_SETTINGS_H

#include <stdbool.h>

/*
 * Who signs.  attach cannot know how someone else started openvpn: what openvpn asks tells
 * (a >NEED-CERTIFICATE is the external key).
 */
enum session_key_mode {
	SESSION_KEY_AS_ASKED,    /* attach: openvpn's requests say */
	SESSION_KEY_OPENVPN,     /* start: openvpn signs through its PKCS#11 support */
	SESSION_KEY_EXTERNAL,    /* start --external-key, connect: openvpn asks us for each signature */
};

struct session_settings {
	enum session_key_mode key_mode;
	const char *cert_pattern;        /* which certificate (--cert); NULL: ask or take the only one */
	const char *provider;            /* the PKCS#11 module to look at tokens with; NULL: none yet */
	const char *pin_file;            /* where the PIN comes from: a file, */
	int pin_fd;                      /* a descriptor (-1: none) */
	const char *auth_user_pass_file; /* username and password for the server */
	const char *mgmt_password_file;  /* the management interface's password: a file, */
	int mgmt_password_fd;            /* a descriptor (-1: none) */
	const char *status_file;         /* kept up to date with the state; NULL: none */
	bool batch;                      /* never ask a person */
	bool no_cache;                   /* forget the PIN and certificate after each run */
	bool restart;                    /* start openvpn again after a failure (start) */
	bool keep_tunnel_on_removal;     /* the token leaving the reader leaves the tunnel up */
	/*
	 * We sign, but judge the certificates as OpenVPN's PKCS#11 support would (a key under
	 * another CKA_ID, one that wants the PIN for every signature: not offered).  start sets it
	 * when it chose the external key by itself (openvpn/signer_choice.h): a faster start offers
	 * what openvpn's own login would have, and --external-key is the word for the wider choice.
	 */
	bool openvpn_cert_rule;
};

#endif
