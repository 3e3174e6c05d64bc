/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Our own view of the tokens, through the same PKCS#11 provider OpenVPN uses.  OpenVPN does
 * the real login and signing; we only look: which certificates are there and under which
 * serialized id, whether a token is present, and how close its PIN is to locking.
 *
 * Built with libp11 (provider_libp11.c) or as a stand-in (provider_none.c, for builds without
 * libp11) whose p11_available() is false and whose calls all fail with "not available in this
 * build".
 *
 * How the program uses it: the session's looks (session/program/world.c) load the module, ask, and
 * unload it again once no look followed for a moment (a burst of looks shares one load: OpenSC
 * takes about 2 s to load).  A fresh load after that is deliberate: some modules see only the
 * tokens present when they were loaded (SoftHSM2 reads its token directory once), and the PIN
 * flags change with every wrong PIN.
 *   - before a PIN prompt and before sending a kept PIN: p11_token_pin_state()
 *     (P11_PIN_LOCKED: send nothing)
 *   - when OpenVPN lists no certificate: p11_list_certs() about once a second while the user is
 *     asked to insert the token; list.items[i].serialized_id is what
 *     `needstr pkcs11-id-request` takes
 *   - at NEED-OK token-insertion-request: p11_token_present() about once a second until it
 *     turns from 0 to 1; the same every 2 s for the removal watch of a token in no PC/SC reader
 *   - list and doctor: p11_provider_select() (provider_select.h), then p11_list_tokens() and
 *     p11_list_certs() on that one open provider, then p11_provider_close()
 * Waiting between looks is the caller's (the session's prompt watch), not this module's.
 *
 * Not thread-safe; one p11_provider per thread.  Token labels are compared byte for byte with
 * the label as C_GetTokenInfo gives it, trailing blanks stripped (what OpenVPN puts in
 * ">PASSWORD:Need '<label> token' password" and "Please insert <label> token").
 */
#ifndef OVPN_TOKEN_PROVIDER_H
#define OVPN_TOKEN_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "cert/cert_info.h"
#include "pkcs11/id_codec.h"

struct p11_provider;

/* How close the user PIN is to locking, from CK_TOKEN_INFO.flags. */
enum p11_pin_state {
	P11_PIN_UNKNOWN,   /* no such token now, or the module could not be asked */
	P11_PIN_OK,        /* none of the flags below */
	P11_PIN_COUNT_LOW, /* CKF_USER_PIN_COUNT_LOW: a wrong PIN was given since the last good one */
	P11_PIN_FINAL_TRY, /* CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the token */
	P11_PIN_LOCKED,    /* CKF_USER_PIN_LOCKED: no PIN will be accepted */
};

/* A token as C_GetTokenInfo describes it; strings raw (may hold any byte but NUL). */
struct p11_token {
	unsigned long slot_id;
	char slot_description[65];             /* the reader, for a smartcard */
	char label[P11_LABEL_LEN + 1];
	char manufacturer[P11_MANUFACTURER_LEN + 1];
	char model[P11_MODEL_LEN + 1];
	char serial[P11_SERIAL_LEN + 1];
	bool login_required;                   /* CKF_LOGIN_REQUIRED */
	bool protected_auth_path;              /* PIN pad on the reader: no PIN prompt from us */
	enum p11_pin_state pin_state;
};

/*
 * Whether a certificate has its private key on the token, as far as one can see without
 * logging in: private keys are often hidden until then, but most tokens show a public key
 * object beside each (SoftHSM2, OpenSC's cards), by the same CKA_ID.
 */
enum p11_key_found {
	P11_KEY_UNKNOWN,        /* the token shows no key objects without a login: cannot tell */
	P11_KEY_BY_ID,          /* a key with the certificate's CKA_ID: what OpenVPN needs */
	P11_KEY_OTHER_ID,       /* its key is there under another CKA_ID (the same public key):
	                           pkcs11-helper cannot pair them; --external-key can */
	P11_KEY_NONE,           /* the token shows keys, but none for this certificate */
};

/* One certificate object on a token, described by the one certificate model (cert_info.h). */
struct p11_cert {
	struct p11_token token;
	char serialized_id[P11_ID_MAX];       /* byte for byte what --show-pkcs11-ids prints */
	char object_label[65];                 /* CKA_LABEL, through ui/sanitize.h */
	unsigned char *der;                    /* the certificate (CKA_VALUE) */
	size_t der_len;
	bool described;                        /* false: the DER did not parse; info zeroed */
	struct cert_info info;
	enum p11_key_found key;
	char key_id_hex[2 * 64 + 1];           /* P11_KEY_OTHER_ID: the key's CKA_ID, hex */
};

/*
 * Why a listed certificate cannot log in (NULL: it can): no key for it, an issuer, not for
 * client logins, an attestation, or (not external_key) its key under another CKA_ID.  An
 * expired certificate is not judged here (cert_info_in_date): it is a login certificate still.
 */
const char *p11_cert_cannot_log_in(const struct p11_cert *c, bool external_key);

struct p11_cert_list {
	struct p11_cert *items;
	size_t count;
};

/* False in a build without PKCS#11 support: then every call below fails. */
bool p11_available(void);
/* "libp11 0.4.12": the library this build uses for PKCS#11, for --version; NULL: none. */
const char *p11_library_version(void);

/* Loads and initializes the module at path.  NULL with the reason in err. */
struct p11_provider *p11_provider_open(const char *path, char *err, size_t errsz);
void p11_provider_close(struct p11_provider *p);
/*
 * At the program's end: lets go of p without a word to the module (no C_CloseAllSessions, no
 * C_Finalize), which could hang on a stopped smartcard service.  The process's end does the rest.
 */
void p11_provider_leave(struct p11_provider *p);

/*
 * Every token present now, into out[0..max) in slot order.  Returns the number found (may be
 * more than max: only max are written), or -1 with err filled.
 */
int p11_list_tokens(struct p11_provider *p, struct p11_token *out, size_t max, char *err,
                    size_t errsz);

/*
 * Every certificate on every token present now, fit to log in or not (p11_cert_cannot_log_in says;
 * tokens that fail to list are skipped, their error in err with a 0 return when nothing was
 * found at all).  Returns 0 (list possibly empty) or -1.  Free with p11_cert_list_free().
 */
int p11_list_certs(struct p11_provider *p, struct p11_cert_list *out, char *err, size_t errsz);
void p11_cert_list_free(struct p11_cert_list *list);

/*
 * How many slots the module has, with or without a token: a smartcard module has one per
 * reader (none when it cannot reach the smartcard service), a software token always one.
 * -1 with err when the module failed.
 */
int p11_slot_count(struct p11_provider *p, char *err, size_t errsz);

/* 1 when a token with this label is present, 0 when not, -1 when the module failed. */
int p11_token_present(struct p11_provider *p, const char *label);

/* See enum p11_pin_state; P11_PIN_UNKNOWN when the token is absent or on error. */
enum p11_pin_state p11_token_pin_state(struct p11_provider *p, const char *label);
const char *p11_pin_state_name(enum p11_pin_state s);

#endif
