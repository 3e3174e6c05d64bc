/*
 * Our own view of the tokens, through the same PKCS#11 provider OpenVPN uses.  OpenVPN does
 * the real login and signing; we only look: which certificates are there and under which
 * serialized id, whether a token is present, and how close its PIN is to locking.
 *
 * Built with libp11 (provider_libp11.c) or as a stand-in (provider_none.c, for builds without
 * libp11) whose p11_available() is false and whose calls all fail with "not available in this
 * build".
 *
 * Use from the session:
 *   struct p11_provider *p = p11_provider_open(path, err, sizeof err);
 *   (a) before a PIN prompt and before sending a cached PIN:
 *       switch (p11_token_pin_state(p, label)) { case P11_PIN_LOCKED: ... }
 *   (b) OpenVPN lists no certificate:
 *       p11_wait_for_cert(p, 60000, interrupted_cb, NULL, &list, err, sizeof err);
 *       then list.items[i].serialized_id is what `needstr pkcs11-id-request` takes
 *   (c) NEED-OK token-insertion-request:  p11_token_present(p, label) == 1
 *   p11_provider_close(p);
 *
 * Freshness: every call asks the module again (C_GetSlotList + C_GetTokenInfo); nothing is
 * cached between calls.  Some modules see only the tokens present when they were loaded
 * (SoftHSM2 reads its token directory once): for those, open a new p11_provider to look again.
 *
 * Not thread-safe; one p11_provider per thread.  Token labels are compared byte for byte with
 * the label as C_GetTokenInfo gives it, trailing blanks stripped (what OpenVPN puts in
 * ">PASSWORD:Need '<label> token' password" and "Please insert <label> token").
 */
#ifndef OVPN_TOKEN_PROVIDER_H
#define OVPN_TOKEN_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

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

/* One certificate object on a token.  Display strings are safe to print (no control bytes). */
struct p11_cert {
	struct p11_token token;
	char serialized_id[P11_ID_MAX];       /* byte for byte what --show-pkcs11-ids prints */
	char object_label[65];                 /* CKA_LABEL, sanitized */
	unsigned char *der;                    /* the certificate (CKA_VALUE) */
	size_t der_len;
	bool described;                        /* false: the DER did not parse; fields below "" */
	char subject[512];                     /* RFC 2253 one-line */
	char subject_cn[256];
	char issuer[512];
	char serial_hex[80];                   /* as `openssl x509 -serial` */
	char not_before[20];                   /* "YYYY-MM-DD HH:MM:SS" UTC */
	char not_after[20];
	long long not_before_epoch;
	long long not_after_epoch;
	char key_type[32];                     /* "RSA 2048", "EC P-256", "Ed25519", "?" */
};

struct p11_cert_list {
	struct p11_cert *items;
	size_t count;
};

/* False in a build without PKCS#11 support: then every call below fails. */
bool p11_available(void);

/* Loads and initializes the module at path.  NULL with the reason in err. */
struct p11_provider *p11_provider_open(const char *path, char *err, size_t errsz);
void p11_provider_close(struct p11_provider *p);
/*
 * Finalizes and initializes the module again (C_Finalize, C_Initialize): the only way to see
 * a token added since with modules like SoftHSM2.  -1 with err filled; p must then only be
 * closed.
 */
int p11_provider_reload(struct p11_provider *p, char *err, size_t errsz);

/*
 * Every token present now, into out[0..max) in slot order.  Returns the number found (may be
 * more than max: only max are written), or -1 with err filled.
 */
int p11_list_tokens(struct p11_provider *p, struct p11_token *out, size_t max, char *err,
                    size_t errsz);

/*
 * Every certificate on every token present now (tokens that fail to list are skipped, their
 * error in err with a 0 return when nothing was found at all).  Returns 0 (list possibly
 * empty) or -1.  Free with p11_cert_list_free().
 */
int p11_list_certs(struct p11_provider *p, struct p11_cert_list *out, char *err, size_t errsz);
void p11_cert_list_free(struct p11_cert_list *list);

/* 1 when a token with this label is present, 0 when not, -1 when the module failed. */
int p11_token_present(struct p11_provider *p, const char *label);

/* See enum p11_pin_state; P11_PIN_UNKNOWN when the token is absent or on error. */
enum p11_pin_state p11_token_pin_state(struct p11_provider *p, const char *label);
const char *p11_pin_state_name(enum p11_pin_state s);

enum p11_wait_result {
	P11_WAIT_OK,
	P11_WAIT_TIMEOUT,
	P11_WAIT_INTERRUPTED,
	P11_WAIT_ERROR,
};

/* Polled between looks; true ends the wait (e.g. a wrapper around plat_take_interrupt()). */
typedef bool (*p11_interrupted_fn)(void *arg);

/*
 * Waits until a token with this label (NULL: any token) is present (present=true) or gone
 * (present=false).  libp11 does not offer C_WaitForSlotEvent, so this looks about once a
 * second, reloading the module between looks (see p11_provider_reload), and sleeps in
 * between with plat_wait_until(), which Ctrl-C also ends (P11_WAIT_INTERRUPTED; the interrupt is
 * taken).  timeout_ms < 0 waits forever.  interrupted (may be NULL) is asked between looks.
 */
enum p11_wait_result p11_wait_for_token(struct p11_provider *p, const char *label, bool present,
                                        int timeout_ms, p11_interrupted_fn interrupted,
                                        void *arg);

/* Waits the same way until at least one certificate is present; fills out then. */
enum p11_wait_result p11_wait_for_cert(struct p11_provider *p, int timeout_ms,
                                       p11_interrupted_fn interrupted, void *arg,
                                       struct p11_cert_list *out, char *err, size_t errsz);

#endif
