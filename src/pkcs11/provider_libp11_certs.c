/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Certificates through libp11, listed the way `openvpn --show-pkcs11-ids` (pkcs11-helper)
 * lists them: one per token and CKA_ID, certificates without a CKA_ID left out (no id can
 * name them), and certificates that signed another one on the tokens left out (a CA
 * certificate stored beside the user's is not a login certificate).  Each gets what can be
 * seen of its key without a login (enum p11_key_found).
 */
#include <libp11.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11/id_codec.h"
#include "pkcs11/provider_libp11_internal.h"
#include "ui/sanitize.h"

/* Fills c from one libp11 certificate; -1 when it has no CKA_ID or no readable value. */
static int cert_from_libp11(const PKCS11_SLOT *slot, const PKCS11_CERT *pc, struct p11_cert *c)
{
	struct p11_id_fields f;
	const PKCS11_TOKEN *t = slot->token;
	unsigned char *der = NULL;
	int n;

	memset(c, 0, sizeof *c);
	memset(&f, 0, sizeof f);
	if (pc->x509 == NULL || p11_id_set_cka_id(&f, pc->id, pc->id_len) != 0)
		return -1;
	p11_id_set_token(&f, t->manufacturer, P11_MANUFACTURER_LEN, t->model, P11_MODEL_LEN,
	                 t->serialnr, P11_SERIAL_LEN, t->label, P11_LABEL_LEN);
	if (p11_id_encode(&f, c->serialized_id, sizeof c->serialized_id) < 0)
		return -1;
	n = i2d_X509(pc->x509, &der);
	if (n <= 0)
		return -1;
	c->der = malloc((size_t)n);
	if (c->der == NULL) {
		OPENSSL_free(der);
		return -1;
	}
	memcpy(c->der, der, (size_t)n);
	c->der_len = (size_t)n;
	OPENSSL_free(der);
	p11_token_from_slot(slot, &c->token);
	sanitize_str(c->object_label, sizeof c->object_label, pc->label);
	c->described = cert_info_from_der(c->der, c->der_len, &c->info) == 0;
	return 0;
}

/* The key objects a token shows without a login: private keys (when visible) and public ones. */
struct token_keys {
	PKCS11_KEY *priv, *pub;
	unsigned int npriv, npub;
};

static void read_keys(PKCS11_TOKEN *t, struct token_keys *k)
{
	memset(k, 0, sizeof *k);
	if (PKCS11_enumerate_keys(t, &k->priv, &k->npriv) != 0)
		k->npriv = 0;
	if (PKCS11_enumerate_public_keys(t, &k->pub, &k->npub) != 0)
		k->npub = 0;
	ERR_clear_error();
}

static bool same_id(const PKCS11_KEY *key, const PKCS11_CERT *pc)
{
	return key->id_len == pc->id_len && key->id_len > 0 &&
	       memcmp(key->id, pc->id, key->id_len) == 0;
}

/*
 * libp11 0.4.12 never frees the key object behind an EVP_PKEY it made for a public key (only a
 * private key's EC/RSA method frees it): a few hundred bytes per comparison below, kept until
 * exit.  The sanitizer build is told so; its stack ends inside libp11 (no frame pointers
 * there), so only the library can be named.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LEAK_CHECKED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LEAK_CHECKED 1
#endif
#ifdef LEAK_CHECKED
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libp11.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* A key object holding the certificate's public key, whatever its CKA_ID. */
static bool same_public_key(PKCS11_KEY *key, const PKCS11_CERT *pc)
{
	EVP_PKEY *mine = PKCS11_get_public_key(key);
	bool same = mine != NULL && pc->x509 != NULL &&
	            EVP_PKEY_eq(mine, X509_get0_pubkey(pc->x509)) == 1;

	EVP_PKEY_free(mine);
	ERR_clear_error();
	return same;
}

/* Whether any certificate on the token has key's CKA_ID. */
static bool has_cert(const PKCS11_KEY *key, const PKCS11_CERT *certs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (same_id(key, &certs[i]))
			return true;
	return false;
}

/*
 * By CKA_ID, as pkcs11-helper pairs them; else by the public key, but only against keys no
 * certificate claims by id (on a card, each comparison reads the key's attributes).
 */
static void judge_key(struct token_keys *k, const PKCS11_CERT *certs, unsigned int ncerts,
                      const PKCS11_CERT *pc, struct p11_cert *c)
{
	PKCS11_KEY *all[2] = {k->priv, k->pub};
	unsigned int n[2] = {k->npriv, k->npub};

	c->key = k->npriv + k->npub == 0 ? P11_KEY_UNKNOWN : P11_KEY_NONE;
	for (int set = 0; set < 2 && c->key != P11_KEY_BY_ID; set++)
		for (unsigned int i = 0; i < n[set]; i++)
			if (same_id(&all[set][i], pc)) {
				c->key = P11_KEY_BY_ID;
				break;
			}
	for (int set = 0; set < 2 && c->key == P11_KEY_NONE; set++)
		for (unsigned int i = 0; i < n[set]; i++) {
			PKCS11_KEY *key = &all[set][i];

			if (has_cert(key, certs, ncerts) || !same_public_key(key, pc))
				continue;
			c->key = P11_KEY_OTHER_ID;
			for (size_t b = 0; b < key->id_len && 2 * b + 2 < sizeof c->key_id_hex; b++)
				snprintf(c->key_id_hex + 2 * b, 3, "%02X", key->id[b]);
			break;
		}
}

static int append(struct p11_cert_list *list, size_t *cap, struct p11_cert *c)
{
	/* Same token and CKA_ID twice: pkcs11-helper takes the one that expires last. */
	for (size_t i = 0; i < list->count; i++) {
		struct p11_cert *old = &list->items[i];

		if (strcmp(old->serialized_id, c->serialized_id) != 0)
			continue;
		if (c->info.not_after_epoch > old->info.not_after_epoch) {
			free(old->der);
			*old = *c;
		} else {
			free(c->der);
		}
		return 0;
	}
	if (list->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct p11_cert *n = realloc(list->items, ncap * sizeof *n);

		if (n == NULL)
			return -1;
		list->items = n;
		*cap = ncap;
	}
	list->items[list->count++] = *c;
	return 0;
}

/*
 * Whether the certificate a signed another certificate b (b's signature verifies with a's
 * key): pkcs11-helper, and so OpenVPN, lists such an issuer certificate not as a usable one.
 */
static bool cert_signed(const struct p11_cert *a, const struct p11_cert *b)
{
	const unsigned char *pa = a->der, *pb = b->der;
	X509 *xa = d2i_X509(NULL, &pa, (long)a->der_len);
	X509 *xb = d2i_X509(NULL, &pb, (long)b->der_len);
	EVP_PKEY *key = xa != NULL ? X509_get0_pubkey(xa) : NULL;
	bool signed_it = key != NULL && xb != NULL && X509_verify(xb, key) == 1;

	X509_free(xa);
	X509_free(xb);
	return signed_it;
}

static void drop_issuers(struct p11_cert_list *list)
{
	bool *issuer = calloc(list->count ? list->count : 1, sizeof *issuer);
	size_t kept = 0;

	if (issuer == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		for (size_t j = 0; j < list->count && !issuer[i]; j++)
			issuer[i] = i != j && cert_signed(&list->items[i], &list->items[j]);
	for (size_t i = 0; i < list->count; i++) {
		if (issuer[i])
			free(list->items[i].der);
		else
			list->items[kept++] = list->items[i];
	}
	list->count = kept;
	free(issuer);
}

int p11_list_certs(struct p11_provider *p, struct p11_cert_list *out, char *err, size_t errsz)
{
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if (p11_refresh_slots(p, err, errsz) != 0)
		return -1;
	for (unsigned int i = 0; i < p->nslots; i++) {
		PKCS11_SLOT *slot = &p->slots[i];
		PKCS11_CERT *certs = NULL;
		unsigned int n = 0;
		struct token_keys keys;

		if (slot->token == NULL || !slot->token->initialized)
			continue;
		read_keys(slot->token, &keys);
		/* Certificates are public objects: no login, as pkcs11-helper lists them. */
		if (PKCS11_enumerate_certs(slot->token, &certs, &n) != 0) {
			char what[128];

			snprintf(what, sizeof what, "cannot list the certificates of slot %lu",
			         PKCS11_get_slotid_from_slot(slot));
			p11_last_error(err, errsz, what, "C_FindObjects failed");
			continue;
		}
		for (unsigned int k = 0; k < n; k++) {
			struct p11_cert c;

			if (cert_from_libp11(slot, &certs[k], &c) != 0)
				continue;
			judge_key(&keys, certs, n, &certs[k], &c);
			if (append(out, &cap, &c) != 0) {
				free(c.der);
				p11_cert_list_free(out);
				p11_release_slots(p);
				snprintf(err, errsz, "out of memory");
				return -1;
			}
		}
	}
	drop_issuers(out);
	/*
	 * The list holds copies: the slots go now, not at the provider's close, as letting go of
	 * them closes every session of their tokens (C_CloseAllSessions), the signer's login
	 * among them once it has one (module.h).
	 */
	p11_release_slots(p);
	return 0;
}
