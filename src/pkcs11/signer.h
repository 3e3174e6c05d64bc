/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Signing on the token for --external-key: ovpn-token, not OpenVPN, logs in and signs.
 *
 * Built with libp11 and OpenSSL (signer_libp11.c) or as a stand-in (signer_none.c) whose
 * p11_signer_open() always fails with "not available in this build".
 *
 * Use from the session (one signer per openvpn; not thread-safe):
 *   s = p11_signer_open(provider_path, err, sizeof err);
 *   p11_signer_select(s, serialized_id, ...)       the certificate chosen as today
 *   p11_signer_cert_pem(s, pem, sizeof pem, ...)   -> pk_reply_certificate()
 *   at each PK_SIGN:
 *     p11_signer_select() again if P11_SIGN_TOKEN_ABSENT came before (token re-inserted)
 *     if (p11_signer_login_needed(s)) p11_signer_login(s, pin, &report)
 *     p11_signer_sign(s, &req.alg, req.data, req.data_len, sig, sizeof sig, &len, ...)
 *   p11_signer_close(s);
 *
 * The signer shares the module's one load with the looks (pkcs11/module.h): the module is
 * initialized once and finalized only when neither holds it, and the looks read the tokens
 * without a session, so they never end the signer's login.  p11_signer_reload() finalizes and
 * initializes the module again only when the signer alone holds it (else it only drops the
 * selection); select again after it.
 */
#ifndef OVPN_TOKEN_SIGNER_H
#define OVPN_TOKEN_SIGNER_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmt/pk_sign.h"
#include "pkcs11/provider.h"

struct p11_signer;

/* The largest signature: RSA 8192 (1024 bytes); ECDSA P-521 DER is 139. */
#define P11_SIG_MAX 1024

struct p11_signer *p11_signer_open(const char *provider_path, char *err, size_t errsz);
void p11_signer_close(struct p11_signer *s);
/*
 * At the program's end: wipes the kept PIN and lets go of s without a word to the module (no
 * C_CloseAllSessions, no C_Finalize), which could hang on a stopped smartcard service.
 */
void p11_signer_leave(struct p11_signer *s);
/* C_Finalize + C_Initialize: sees tokens inserted since (SoftHSM2, some card modules).  The
 * selection is dropped: select again.  -1 with err filled. */
int p11_signer_reload(struct p11_signer *s, char *err, size_t errsz);

enum p11_select_result {
	P11_SELECT_OK,
	P11_SELECT_TOKEN_ABSENT, /* no token with the id's manufacturer/model/serial/label */
	P11_SELECT_NO_KEY,       /* the token is there, but no certificate or no private key with
	                            that CKA_ID (the key may also be hidden until login: then
	                            OK is given and the key is looked up after the login) */
	P11_SELECT_ERROR,        /* a bad id or the module failed: err says which */
};

/* Finds the token, the certificate and its private key by a serialized id (as p11_cert has). */
enum p11_select_result p11_signer_select(struct p11_signer *s, const char *serialized_id,
                                         char *err, size_t errsz);
/*
 * Whether a select with this id found the certificate and no reload or failed select came since:
 * what the signer holds can answer for that id again without looking at the token.
 */
bool p11_signer_has_selected(const struct p11_signer *s, const char *serialized_id);
/* The selected token as C_GetTokenInfo gives it now (label for the PIN prompt, flags). */
int p11_signer_token(struct p11_signer *s, struct p11_token *out);
/* The selected certificate as PEM ("-----BEGIN CERTIFICATE-----" ... "\n").  -1 if none. */
int p11_signer_cert_pem(struct p11_signer *s, char *out, size_t outsz);
/* "RSA 2048" / "EC P-256" of the selected key's certificate, "" if none. */
const char *p11_signer_key_type(struct p11_signer *s);

enum p11_login_result {
	P11_LOGIN_OK,            /* also when already logged in */
	P11_LOGIN_PIN_INCORRECT, /* CKR_PIN_INCORRECT: report.pin_state has the flags right after */
	P11_LOGIN_PIN_LOCKED,    /* CKR_PIN_LOCKED (or the token says USER_PIN_LOCKED): never retry */
	P11_LOGIN_TOKEN_ABSENT,  /* CKR_TOKEN_NOT_PRESENT / DEVICE_REMOVED / the slot is empty now */
	P11_LOGIN_ERROR,         /* any other CKR_: err has it */
};

struct p11_login_report {
	enum p11_login_result result;
	unsigned long ckr;              /* the CK_RV of C_Login (0 when it was not called) */
	enum p11_pin_state pin_state;   /* the token flags read right after C_Login */
	char err[256];
};

/* Whether a C_Login is due (token requires login and this session is not logged in). */
bool p11_signer_login_needed(struct p11_signer *s);
/*
 * C_Login(CKU_USER, pin).  The signer keeps a copy of a PIN the token took, for the
 * context-specific logins of CKA_ALWAYS_AUTHENTICATE keys (wiped on close, reload and a failed
 * login).  A NULL or "" pin logs in through the reader's PIN pad when the token has one
 * (CKF_PROTECTED_AUTHENTICATION_PATH: C_Login returns once the person typed it there, or the
 * reader gave up); without a PIN pad it is refused without calling C_Login (it would count as a
 * wrong PIN on some cards).
 */
enum p11_login_result p11_signer_login(struct p11_signer *s, const char *pin,
                                       struct p11_login_report *report);

enum p11_sign_result {
	P11_SIGN_OK,
	P11_SIGN_UNSUPPORTED,    /* this algorithm with this key type (or ED25519 in libp11 0.4.12) */
	P11_SIGN_BAD_INPUT,      /* the data does not fit the algorithm (digest size, block size) */
	P11_SIGN_NOT_LOGGED_IN,  /* the token lost the login (removed, reset): log in again */
	P11_SIGN_TOKEN_ABSENT,   /* the token is gone: wait for it, select again */
	P11_SIGN_FAILED,         /* the token refused: err says why */
};

/*
 * Signs as alg says (see mgmt/pk_sign.h); data=message is hashed here first.  The signature is
 * what pk-sig sends: PKCS#1/PSS/raw RSA as the modulus-sized block, ECDSA as DER.  For a key
 * with CKA_ALWAYS_AUTHENTICATE libp11 0.4.12 does the context-specific login (C_Login
 * CKU_CONTEXT_SPECIFIC) between C_SignInit and C_Sign, asking its OpenSSL UI for the PIN: the
 * signer's UI method answers with the PIN of p11_signer_login and never prompts.
 */
enum p11_sign_result p11_signer_sign(struct p11_signer *s, const struct pk_alg *alg,
                                     const unsigned char *data, size_t len, unsigned char *sig,
                                     size_t sigsz, size_t *siglen, char *err, size_t errsz);

const char *p11_sign_result_name(enum p11_sign_result r);

#endif
