/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of provider.h that need no PKCS#11 library: names and freeing. */
#include <stdlib.h>
#include <string.h>

#include "pkcs11/provider.h"

const char *p11_pin_state_name(enum p11_pin_state s)
{
	switch (s) {
	case P11_PIN_OK:
		return "ok";
	case P11_PIN_COUNT_LOW:
		return "count_low";
	case P11_PIN_FINAL_TRY:
		return "final_try";
	case P11_PIN_LOCKED:
		return "locked";
	case P11_PIN_UNKNOWN:
		break;
	}
	return "unknown";
}

void p11_cert_list_free(struct p11_cert_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].der);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/*
 * A PIV card's digital signature key (slot 9C) wants the PIN right before every signature
 * (CKA_ALWAYS_AUTHENTICATE): OpenVPN's PKCS#11 support logs in once, and the handshake's
 * signature then fails.  The key's attribute shows only after a login; the certificate's label
 * tells before: OpenSC's piv driver and Yubico's ykcs11 name the slot's certificate so.
 */
static bool pin_for_every_signature(const struct p11_cert *c)
{
	return strcmp(c->object_label, "Certificate for Digital Signature") == 0 ||
	       strcmp(c->object_label, "X.509 Certificate for Digital Signature") == 0;
}

const char *p11_cert_cannot_log_in(const struct p11_cert *c, bool external_key)
{
	const char *why;

	if (c->key == P11_KEY_NONE)
		return "the token holds no private key for it";
	if (c->described && (why = cert_purpose_text(cert_info_purpose(&c->info))) != NULL)
		return why;
	if (c->key == P11_KEY_OTHER_ID && !external_key)
		return "its private key has another CKA_ID: OpenVPN's PKCS#11 support cannot pair "
		       "them (--external-key can)";
	if (!external_key && pin_for_every_signature(c))
		return "its key wants the PIN for every signature (a PIV card's slot 9C): OpenVPN's "
		       "PKCS#11 support cannot use it, --external-key can";
	return NULL;
}
