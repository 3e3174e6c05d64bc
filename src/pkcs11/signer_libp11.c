/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The token signs for --external-key, through libp11 0.4.12 and OpenSSL's low-level RSA and
 * EC calls on the key libp11 hands out (its RSA_METHOD / EC_KEY_METHOD turn them into
 * C_Sign).  Low-level on purpose: EVP_PKEY_sign() on such a key would let OpenSSL 3 decide
 * between its provider and legacy paths; RSA_private_encrypt() always reaches the token, with
 * CKM_RSA_PKCS for PKCS#1 and CKM_RSA_X_509 for raw blocks.  PSS is padded here
 * (RSA_padding_add_PKCS1_PSS_mgf1 needs only the modulus) and signed raw, so tokens without
 * CKM_RSA_PKCS_PSS work too; the same for PKCS#1 with hashalg= (the DigestInfo is built here).
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <libp11.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "pkcs11/id_codec.h"
#include "pkcs11/module.h"
#include "pkcs11/provider_libp11_internal.h"
#include "pkcs11/signer.h"
#include "secret/secret.h"

/* CK_RV values (PKCS#11 v2.40) that libp11 puts as the reason of its errors. */
#define CKR_DEVICE_REMOVED_ 0x32UL
#define CKR_PIN_INCORRECT_ 0xA0UL
#define CKR_PIN_LOCKED_ 0xA4UL
#define CKR_SESSION_CLOSED_ 0xB0UL
#define CKR_SESSION_HANDLE_INVALID_ 0xB3UL
#define CKR_TOKEN_NOT_PRESENT_ 0xE0UL
#define CKR_USER_NOT_LOGGED_IN_ 0x101UL
#define CKR_DEVICE_ERROR_ 0x30UL

struct p11_signer {
	struct p11_module *mod;   /* the module's one load, shared with the looks (module.h) */
	PKCS11_CTX *ctx;          /* libp11's context on it */
	bool loaded;
	struct p11_signer *next_left; /* p11_signer_leave's list */
	PKCS11_SLOT *slots;
	unsigned int nslots;
	/* The selection: pointers into slots, valid until the slots are released. */
	char id[P11_ID_MAX];
	PKCS11_SLOT *slot;
	PKCS11_CERT *cert;
	PKCS11_KEY *key;
	char key_type[32];
	/*
	 * The PIN of the last good C_Login, for the context-specific login of
	 * CKA_ALWAYS_AUTHENTICATE keys: libp11 0.4.12 does that login between C_SignInit and C_Sign
	 * but takes the PIN from its OpenSSL UI, which by default prompts on the terminal ("Enter
	 * PKCS#11 key PIN for ..."), seen with SoftHSM2.  Our UI method answers from here instead,
	 * and never prompts.  In locked memory (secret.h); wiped on close, reload and a failed login.
	 */
	struct secret pin;
	UI_METHOD *ui;
};

static void forget_pin(struct p11_signer *s)
{
	secret_clear(&s->pin);
}

static void keep_pin(struct p11_signer *s, const char *pin)
{
	if (secret_set(&s->pin, pin, strlen(pin)) != 0)
		secret_clear(&s->pin);
}

/* libp11's question for the key PIN: the kept PIN, or no answer (the signature then fails). */
static int ui_answer(UI *ui, UI_STRING *uis)
{
	struct p11_signer *s = UI_get0_user_data(ui);

	switch (UI_get_string_type(uis)) {
	case UIT_PROMPT:
	case UIT_VERIFY:
		if (s == NULL || secret_empty(&s->pin))
			return -1;
		return UI_set_result(ui, uis, s->pin.data) == 0 ? 1 : -1;
	default:
		return 1; /* info and error texts: shown to nobody */
	}
}

static void set_ui(struct p11_signer *s)
{
	if (s->ui == NULL) {
		s->ui = UI_create_method("ovpn-token kept PIN");
		if (s->ui != NULL)
			UI_method_set_reader(s->ui, ui_answer);
	}
	if (s->ui != NULL)
		PKCS11_set_ui_method(s->ctx, s->ui, s);
}

/* The CK_RV behind the newest libp11 error, 0 if none; the queue is cleared. */
static unsigned long last_ckr(char *err, size_t errsz, const char *what)
{
	unsigned long e = ERR_peek_last_error(), ckr = 0;
	char reason[200];

	if (e != 0 && (int)ERR_GET_LIB(e) == ERR_get_CKR_code())
		ckr = (unsigned long)ERR_GET_REASON(e);
	if (err != NULL) {
		if (e != 0) {
			ERR_error_string_n(e, reason, sizeof reason);
			snprintf(err, errsz, "%s: %s", what, reason);
		} else {
			snprintf(err, errsz, "%s failed", what);
		}
	}
	ERR_clear_error();
	return ckr;
}

static void drop_slots(struct p11_signer *s)
{
	if (s->slots != NULL)
		PKCS11_release_all_slots(s->ctx, s->slots, s->nslots);
	s->slots = NULL;
	s->nslots = 0;
	s->slot = NULL;
	s->cert = NULL;
	s->key = NULL;
}

struct p11_signer *p11_signer_open(const char *provider_path, char *err, size_t errsz)
{
	struct p11_signer *s;

	if (provider_path == NULL || provider_path[0] == '\0') {
		snprintf(err, errsz, "no PKCS#11 provider given");
		return NULL;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL || secret_init(&s->pin) != 0) {
		free(s);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->mod = p11_module_get(provider_path, err, errsz);
	if (s->mod == NULL) {
		secret_free(&s->pin);
		free(s);
		return NULL;
	}
	s->ctx = p11_module_ctx(s->mod);
	s->loaded = true;
	set_ui(s);
	return s;
}

void p11_signer_close(struct p11_signer *s)
{
	if (s == NULL)
		return;
	drop_slots(s);
	PKCS11_set_ui_method(s->ctx, NULL, NULL);
	p11_module_put(s->mod);
	secret_free(&s->pin);
	if (s->ui != NULL)
		UI_destroy_method(s->ui);
	free(s);
}

/* Left at the program's end: kept, never released (that would speak to the module). */
static struct p11_signer *left;

void p11_signer_leave(struct p11_signer *s)
{
	if (s == NULL)
		return;
	/* The PIN is wiped now; the slots and the module stay for the process's end. */
	forget_pin(s);
	p11_module_leave(s->mod);
	s->next_left = left;
	left = s;
}

int p11_signer_reload(struct p11_signer *s, char *err, size_t errsz)
{
	drop_slots(s);
	s->id[0] = '\0';
	forget_pin(s);
	/* Only when the signer alone holds the module: the looks' would end too (module.h). */
	s->loaded = p11_module_reload(s->mod, err, errsz) == 0;
	s->ctx = p11_module_ctx(s->mod);
	if (!s->loaded)
		return -1;
	set_ui(s);
	return 0;
}

static void describe_key(struct p11_signer *s)
{
	EVP_PKEY *pub = s->cert != NULL ? X509_get0_pubkey(s->cert->x509) : NULL;
	char group[64] = "";
	size_t glen = 0;

	s->key_type[0] = '\0';
	if (pub == NULL)
		return;
	switch (EVP_PKEY_get_base_id(pub)) {
	case EVP_PKEY_RSA:
		snprintf(s->key_type, sizeof s->key_type, "RSA %d", EVP_PKEY_get_bits(pub));
		break;
	case EVP_PKEY_EC:
		EVP_PKEY_get_group_name(pub, group, sizeof group, &glen);
		snprintf(s->key_type, sizeof s->key_type, "EC %.20s",
		         strcmp(group, "prime256v1") == 0 ? "P-256" :
		         strcmp(group, "secp384r1") == 0 ? "P-384" :
		         strcmp(group, "secp521r1") == 0 ? "P-521" : group);
		break;
	case EVP_PKEY_ED25519:
		snprintf(s->key_type, sizeof s->key_type, "Ed25519");
		break;
	default:
		snprintf(s->key_type, sizeof s->key_type, "?");
	}
}

static bool token_matches(const PKCS11_TOKEN *t, const struct p11_id_fields *want)
{
	struct p11_id_fields f;

	memset(&f, 0, sizeof f);
	p11_id_set_token(&f, t->manufacturer, P11_MANUFACTURER_LEN, t->model, P11_MODEL_LEN,
	                 t->serialnr, P11_SERIAL_LEN, t->label, P11_LABEL_LEN);
	return f.manufacturer_len == want->manufacturer_len &&
	       memcmp(f.manufacturer, want->manufacturer, f.manufacturer_len) == 0 &&
	       f.model_len == want->model_len && memcmp(f.model, want->model, f.model_len) == 0 &&
	       f.serial_len == want->serial_len && memcmp(f.serial, want->serial, f.serial_len) == 0 &&
	       f.label_len == want->label_len && memcmp(f.label, want->label, f.label_len) == 0;
}

/* Whether the private key key holds the public key of the certificate. */
static bool key_of_cert(PKCS11_KEY *key, const PKCS11_CERT *cert)
{
	EVP_PKEY *pk = PKCS11_get_private_key(key);
	bool same = pk != NULL && cert->x509 != NULL &&
	            EVP_PKEY_eq(pk, X509_get0_pubkey(cert->x509)) == 1;

	EVP_PKEY_free(pk);
	ERR_clear_error();
	return same;
}

/*
 * The private key with the certificate's CKA_ID, else the one that holds its public key (a key
 * stored under another CKA_ID, which pkcs11-helper cannot pair: list and doctor say so).
 * Private keys may be listed only after login.
 */
static void find_key(struct p11_signer *s)
{
	PKCS11_KEY *keys = NULL;
	unsigned int n = 0, i;

	if (s->key != NULL || s->cert == NULL || s->slot == NULL || s->slot->token == NULL)
		return;
	if (PKCS11_enumerate_keys(s->slot->token, &keys, &n) != 0) {
		ERR_clear_error();
		return;
	}
	for (i = 0; i < n; i++) {
		if (keys[i].isPrivate && keys[i].id_len == s->cert->id_len &&
		    memcmp(keys[i].id, s->cert->id, s->cert->id_len) == 0) {
			s->key = &keys[i];
			return;
		}
	}
	for (i = 0; i < n; i++)
		if (keys[i].isPrivate && key_of_cert(&keys[i], s->cert)) {
			s->key = &keys[i];
			return;
		}
}

enum p11_select_result p11_signer_select(struct p11_signer *s, const char *serialized_id,
                                         char *err, size_t errsz)
{
	struct p11_id_fields want;
	unsigned int i, j;
	bool token_seen = false;

	if (serialized_id != s->id)
		snprintf(s->id, sizeof s->id, "%s", serialized_id);
	if (p11_id_decode(s->id, &want, err, errsz) != 0)
		return P11_SELECT_ERROR;
	if (!s->loaded) {
		snprintf(err, errsz, "the PKCS#11 provider is not loaded");
		return P11_SELECT_ERROR;
	}
	drop_slots(s);
	if (PKCS11_enumerate_slots(s->ctx, &s->slots, &s->nslots) != 0) {
		/* libp11 0.4.12 fails without an error on an empty slot list. */
		last_ckr(err, errsz, "listing the slots");
		s->slots = NULL;
		s->nslots = 0;
		return P11_SELECT_TOKEN_ABSENT;
	}
	for (i = 0; i < s->nslots; i++) {
		PKCS11_SLOT *slot = &s->slots[i];
		PKCS11_CERT *certs = NULL;
		unsigned int ncerts = 0;

		if (slot->token == NULL || !token_matches(slot->token, &want))
			continue;
		token_seen = true;
		if (PKCS11_enumerate_certs(slot->token, &certs, &ncerts) != 0) {
			ERR_clear_error();
			continue;
		}
		for (j = 0; j < ncerts; j++) {
			if (certs[j].id_len == want.cka_id_len &&
			    memcmp(certs[j].id, want.cka_id, want.cka_id_len) == 0 &&
			    certs[j].x509 != NULL) {
				s->slot = slot;
				s->cert = &certs[j];
				describe_key(s);
				find_key(s);
				return P11_SELECT_OK;
			}
		}
	}
	snprintf(err, errsz, token_seen ? "no certificate with that id on the token" :
	                                  "the token is not present");
	return token_seen ? P11_SELECT_NO_KEY : P11_SELECT_TOKEN_ABSENT;
}

bool p11_signer_has_selected(const struct p11_signer *s, const char *serialized_id)
{
	return s->loaded && s->cert != NULL && serialized_id != NULL &&
	       strcmp(s->id, serialized_id) == 0;
}

int p11_signer_token(struct p11_signer *s, struct p11_token *out)
{
	memset(out, 0, sizeof *out);
	if (s->slot == NULL || s->slot->token == NULL)
		return -1;
	p11_token_from_slot(s->slot, out);
	return 0;
}

int p11_signer_cert_pem(struct p11_signer *s, char *out, size_t outsz)
{
	BIO *bio;
	char *mem;
	long n;
	int rc = -1;

	if (s->cert == NULL || s->cert->x509 == NULL || outsz == 0)
		return -1;
	bio = BIO_new(BIO_s_mem());
	if (bio != NULL && PEM_write_bio_X509(bio, s->cert->x509) == 1) {
		n = BIO_get_mem_data(bio, &mem);
		if (n > 0 && (size_t)n < outsz) {
			memcpy(out, mem, (size_t)n);
			out[n] = '\0';
			rc = 0;
		}
	}
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

const char *p11_signer_key_type(struct p11_signer *s)
{
	return s->key_type;
}

bool p11_signer_login_needed(struct p11_signer *s)
{
	int logged_in = 0;

	if (s->slot == NULL || s->slot->token == NULL || !s->slot->token->loginRequired)
		return false;
	if (PKCS11_is_logged_in(s->slot, 0, &logged_in) != 0) {
		ERR_clear_error();
		return true;
	}
	return !logged_in;
}

/* After a failed login: read the flags anew (the token may even be gone). */
static enum p11_pin_state flags_after_failure(struct p11_signer *s)
{
	char err[128];

	if (p11_signer_select(s, s->id, err, sizeof err) != P11_SELECT_OK)
		return P11_PIN_UNKNOWN;
	return p11_pin_state_of(s->slot->token);
}

enum p11_login_result p11_signer_login(struct p11_signer *s, const char *pin,
                                       struct p11_login_report *r)
{
	memset(r, 0, sizeof *r);
	if (s->slot == NULL) {
		snprintf(r->err, sizeof r->err, "no token selected");
		return r->result = P11_LOGIN_ERROR;
	}
	/* A PIN pad takes the PIN itself: C_Login(NULL); else an empty PIN is never sent. */
	if ((pin == NULL || pin[0] == '\0') && !s->slot->token->secureLogin) {
		snprintf(r->err, sizeof r->err, "an empty PIN is not sent");
		return r->result = P11_LOGIN_ERROR;
	}
	if (pin != NULL && pin[0] == '\0')
		pin = NULL;
	if (!p11_signer_login_needed(s)) {
		if (pin != NULL)
			keep_pin(s, pin);
		find_key(s);
		r->pin_state = p11_pin_state_of(s->slot->token);
		return r->result = P11_LOGIN_OK;
	}
	if (p11_pin_state_of(s->slot->token) == P11_PIN_LOCKED) {
		r->pin_state = P11_PIN_LOCKED;
		snprintf(r->err, sizeof r->err, "the token's PIN is locked");
		return r->result = P11_LOGIN_PIN_LOCKED;
	}
	if (PKCS11_login(s->slot, 0, pin) == 0) {
		if (pin != NULL)
			keep_pin(s, pin);
		find_key(s);
		r->pin_state = p11_pin_state_of(s->slot->token);
		return r->result = P11_LOGIN_OK;
	}
	forget_pin(s);
	r->ckr = last_ckr(r->err, sizeof r->err, "C_Login");
	r->pin_state = flags_after_failure(s);
	switch (r->ckr) {
	case CKR_PIN_INCORRECT_:
		r->result = r->pin_state == P11_PIN_LOCKED ? P11_LOGIN_PIN_LOCKED :
		                                             P11_LOGIN_PIN_INCORRECT;
		break;
	case CKR_PIN_LOCKED_:
		r->result = P11_LOGIN_PIN_LOCKED;
		break;
	case CKR_TOKEN_NOT_PRESENT_:
	case CKR_DEVICE_REMOVED_:
	case CKR_SESSION_CLOSED_:
	case CKR_SESSION_HANDLE_INVALID_:
		r->result = P11_LOGIN_TOKEN_ABSENT;
		break;
	default:
		r->result = s->slot == NULL ? P11_LOGIN_TOKEN_ABSENT : P11_LOGIN_ERROR;
	}
	return r->result;
}

/* ---------------------------------------------------------------- signing */

static const EVP_MD *md_of(enum pk_hash h)
{
	switch (h) {
	case PK_HASH_SHA1: return EVP_sha1();
	case PK_HASH_SHA224: return EVP_sha224();
	case PK_HASH_SHA256: return EVP_sha256();
	case PK_HASH_SHA384: return EVP_sha384();
	case PK_HASH_SHA512: return EVP_sha512();
	case PK_HASH_MD5_SHA1:
	case PK_HASH_NONE: break;
	}
	return NULL;
}

/* The DER prefixes of DigestInfo (RFC 8017, 9.2 note 1). */
static const unsigned char di_sha1[] = { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03,
	0x02, 0x1a, 0x05, 0x00, 0x04, 0x14 };
static const unsigned char di_sha224[] = { 0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c };
static const unsigned char di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const unsigned char di_sha384[] = { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 };
static const unsigned char di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

static const unsigned char *digest_info_prefix(enum pk_hash h, size_t *n)
{
	switch (h) {
	case PK_HASH_SHA1: *n = sizeof di_sha1; return di_sha1;
	case PK_HASH_SHA224: *n = sizeof di_sha224; return di_sha224;
	case PK_HASH_SHA256: *n = sizeof di_sha256; return di_sha256;
	case PK_HASH_SHA384: *n = sizeof di_sha384; return di_sha384;
	case PK_HASH_SHA512: *n = sizeof di_sha512; return di_sha512;
	case PK_HASH_MD5_SHA1:
	case PK_HASH_NONE: break;
	}
	*n = 0;
	return NULL;
}

/* The digest to sign: the data itself, or its hash for data=message.  -1: wrong size. */
static int digest_of(const struct pk_alg *alg, const unsigned char *data, size_t len,
                     unsigned char *out, size_t *outlen)
{
	unsigned int n = 0;

	if (alg->message) {
		const EVP_MD *md = md_of(alg->hash);

		if (md == NULL || EVP_Digest(data, len, out, &n, md, NULL) != 1)
			return -1;
		*outlen = n;
		return 0;
	}
	if (len > EVP_MAX_MD_SIZE || (alg->hash != PK_HASH_NONE && len != pk_hash_size(alg->hash)))
		return -1;
	memcpy(out, data, len);
	*outlen = len;
	return 0;
}

static enum p11_sign_result failure(const char *what, char *err, size_t errsz)
{
	unsigned long ckr = last_ckr(err, errsz, what);

	switch (ckr) {
	case CKR_USER_NOT_LOGGED_IN_:
		return P11_SIGN_NOT_LOGGED_IN;
	case CKR_TOKEN_NOT_PRESENT_:
	case CKR_DEVICE_REMOVED_:
	case CKR_SESSION_CLOSED_:
	case CKR_SESSION_HANDLE_INVALID_:
	case CKR_DEVICE_ERROR_:
		return P11_SIGN_TOKEN_ABSENT;
	default:
		return P11_SIGN_FAILED;
	}
}

static enum p11_sign_result sign_rsa(RSA *rsa, const struct pk_alg *alg,
                                     const unsigned char *data, size_t len, unsigned char *sig,
                                     size_t sigsz, size_t *siglen, char *err, size_t errsz)
{
	unsigned char block[P11_SIG_MAX], dg[EVP_MAX_MD_SIZE];
	size_t k = (size_t)RSA_size(rsa), dglen = 0, plen = 0;
	const unsigned char *prefix;
	int n = -1;

	if (k == 0 || k > sizeof block || k > sigsz) {
		snprintf(err, errsz, "RSA key of %zu bytes not supported", k);
		return P11_SIGN_UNSUPPORTED;
	}
	switch (alg->padding) {
	case PK_PAD_NONE:
		if (len != k) {
			snprintf(err, errsz, "raw RSA needs %zu bytes, got %zu", k, len);
			return P11_SIGN_BAD_INPUT;
		}
		n = RSA_private_encrypt((int)len, data, sig, rsa, RSA_NO_PADDING);
		break;
	case PK_PAD_PKCS1:
		if (alg->hash == PK_HASH_NONE) {
			/* The DigestInfo is given; PKCS#1 leaves at least 11 bytes of padding. */
			if (len + 11 > k) {
				snprintf(err, errsz, "PKCS#1 input of %zu bytes too long", len);
				return P11_SIGN_BAD_INPUT;
			}
			n = RSA_private_encrypt((int)len, data, sig, rsa, RSA_PKCS1_PADDING);
			break;
		}
		if (digest_of(alg, data, len, dg, &dglen) != 0 ||
		    (prefix = digest_info_prefix(alg->hash, &plen)) == NULL) {
			snprintf(err, errsz, "a %s digest must be %zu bytes, got %zu",
			         pk_hash_name(alg->hash), pk_hash_size(alg->hash), len);
			return P11_SIGN_BAD_INPUT;
		}
		memcpy(block, prefix, plen);
		memcpy(block + plen, dg, dglen);
		n = RSA_private_encrypt((int)(plen + dglen), block, sig, rsa, RSA_PKCS1_PADDING);
		break;
	case PK_PAD_PSS:
		if (digest_of(alg, data, len, dg, &dglen) != 0) {
			snprintf(err, errsz, "a %s digest must be %zu bytes, got %zu",
			         pk_hash_name(alg->hash), pk_hash_size(alg->hash), len);
			return P11_SIGN_BAD_INPUT;
		}
		if (RSA_padding_add_PKCS1_PSS_mgf1(rsa, block, dg, md_of(alg->hash), md_of(alg->hash),
		                                   alg->saltlen == PK_SALT_DIGEST ?
		                                   RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_MAX) != 1) {
			last_ckr(err, errsz, "PSS padding");
			return P11_SIGN_BAD_INPUT;
		}
		n = RSA_private_encrypt((int)k, block, sig, rsa, RSA_NO_PADDING);
		OPENSSL_cleanse(block, sizeof block);
		break;
	default:
		snprintf(err, errsz, "not an RSA algorithm");
		return P11_SIGN_UNSUPPORTED;
	}
	if (n <= 0)
		return failure("C_Sign (RSA)", err, errsz);
	*siglen = (size_t)n;
	return P11_SIGN_OK;
}

static enum p11_sign_result sign_ec(EC_KEY *ec, const struct pk_alg *alg,
                                    const unsigned char *data, size_t len, unsigned char *sig,
                                    size_t sigsz, size_t *siglen, char *err, size_t errsz)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	size_t dglen = 0;
	unsigned int n = 0;

	if (alg->padding != PK_PAD_ECDSA) {
		snprintf(err, errsz, "an EC key signs only ECDSA");
		return P11_SIGN_UNSUPPORTED;
	}
	if (digest_of(alg, data, len, dg, &dglen) != 0 || dglen == 0) {
		snprintf(err, errsz, "ECDSA digest of %zu bytes not usable", len);
		return P11_SIGN_BAD_INPUT;
	}
	if ((size_t)ECDSA_size(ec) > sigsz) {
		snprintf(err, errsz, "ECDSA signature too large");
		return P11_SIGN_UNSUPPORTED;
	}
	if (ECDSA_sign(0, dg, (int)dglen, sig, &n, ec) != 1)
		return failure("C_Sign (ECDSA)", err, errsz);
	*siglen = n;
	return P11_SIGN_OK;
}

enum p11_sign_result p11_signer_sign(struct p11_signer *s, const struct pk_alg *alg,
                                     const unsigned char *data, size_t len, unsigned char *sig,
                                     size_t sigsz, size_t *siglen, char *err, size_t errsz)
{
	EVP_PKEY *pkey;
	enum p11_sign_result r;

	*siglen = 0;
	if (alg->padding == PK_PAD_UNSUPPORTED) {
		snprintf(err, errsz, "algorithm not supported");
		return P11_SIGN_UNSUPPORTED;
	}
	if (alg->padding == PK_PAD_EDDSA) {
		/* libp11 0.4.12 has no CKM_EDDSA path (neither key method nor PKCS11_* call). */
		snprintf(err, errsz, "EdDSA signing is not available through libp11 0.4.12");
		return P11_SIGN_UNSUPPORTED;
	}
	if (s->slot == NULL || s->slot->token == NULL) {
		snprintf(err, errsz, "the token is not present");
		return P11_SIGN_TOKEN_ABSENT;
	}
	find_key(s);
	if (s->key == NULL) {
		if (p11_signer_login_needed(s)) {
			snprintf(err, errsz, "not logged in");
			return P11_SIGN_NOT_LOGGED_IN;
		}
		snprintf(err, errsz, "no private key for the certificate");
		return P11_SIGN_FAILED;
	}
	pkey = PKCS11_get_private_key(s->key);
	if (pkey == NULL)
		return failure("reading the private key", err, errsz);
	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA: {
		RSA *rsa = EVP_PKEY_get1_RSA(pkey);

		r = rsa == NULL ? P11_SIGN_FAILED :
		    sign_rsa(rsa, alg, data, len, sig, sigsz, siglen, err, errsz);
		RSA_free(rsa);
		break;
	}
	case EVP_PKEY_EC: {
		EC_KEY *ec = EVP_PKEY_get1_EC_KEY(pkey);

		r = ec == NULL ? P11_SIGN_FAILED :
		    sign_ec(ec, alg, data, len, sig, sigsz, siglen, err, errsz);
		EC_KEY_free(ec);
		break;
	}
	default:
		snprintf(err, errsz, "key type not supported");
		r = P11_SIGN_UNSUPPORTED;
	}
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return r;
}

const char *p11_sign_result_name(enum p11_sign_result r)
{
	switch (r) {
	case P11_SIGN_OK: return "ok";
	case P11_SIGN_UNSUPPORTED: return "unsupported";
	case P11_SIGN_BAD_INPUT: return "bad input";
	case P11_SIGN_NOT_LOGGED_IN: return "not logged in";
	case P11_SIGN_TOKEN_ABSENT: return "token absent";
	case P11_SIGN_FAILED: return "failed";
	}
	return "?";
}
