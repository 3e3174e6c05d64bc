/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Certificates through libp11, listed the way `openvpn --show-pkcs11-ids` (pkcs11-helper)
 * lists them: one per token and CKA_ID, certificates without a CKA_ID left out (no id can
 * name them), and certificates that signed another one on the tokens left out (a CA
 * certificate stored beside the user's is not a login certificate).
 */
#include <libp11.h>
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

		if (slot->token == NULL || !slot->token->initialized)
			continue;
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
			if (append(out, &cap, &c) != 0) {
				free(c.der);
				p11_cert_list_free(out);
				snprintf(err, errsz, "out of memory");
				return -1;
			}
		}
	}
	drop_issuers(out);
	return 0;
}
