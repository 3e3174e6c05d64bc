/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PKCS#11 module through libp11: loading, slots, tokens and their PIN flags. */
#include <libp11.h>
#include <openssl/err.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "pkcs11/provider_libp11_internal.h"

/* libp11 has no version call: the build names the version it compiled against (Makefile). */
#ifndef LIBP11_BUILD_VERSION
#define LIBP11_BUILD_VERSION "(version unknown)"
#endif

const char *p11_library_version(void)
{
	return "libp11 " LIBP11_BUILD_VERSION;
}

bool p11_available(void)
{
	return true;
}

void p11_last_error(char *err, size_t errsz, const char *what, const char *fallback)
{
	unsigned long e = ERR_get_error();
	char reason[256];

	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof reason);
		snprintf(err, errsz, "%s: %s", what, reason);
	} else {
		snprintf(err, errsz, "%s: %s", what, fallback);
	}
	ERR_clear_error();
}

/* A path with a directory part must name a file; a bare name is left to the loader's search. */
static bool path_missing(const char *path)
{
	FILE *f;

	if (plat_path_base(path) == path)
		return false;
	f = fopen(path, "rb");
	if (f == NULL)
		return true;
	fclose(f);
	return false;
}

struct p11_provider *p11_provider_open(const char *path, char *err, size_t errsz)
{
	struct p11_provider *p;

	if (path == NULL || path[0] == '\0') {
		snprintf(err, errsz, "no PKCS#11 provider given");
		return NULL;
	}
	if (path_missing(path)) {
		snprintf(err, errsz, "PKCS#11 provider %s: no such file", path);
		return NULL;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL || (p->ctx = PKCS11_CTX_new()) == NULL) {
		snprintf(err, errsz, "out of memory");
		free(p);
		return NULL;
	}
	plat_preload_pkcs11_module(path);
	if (PKCS11_CTX_load(p->ctx, path) != 0) {
		char what[600];

		snprintf(what, sizeof what, "cannot load PKCS#11 provider %s", path);
		p11_last_error(err, errsz, what, "not a PKCS#11 module, or its C_Initialize failed");
		PKCS11_CTX_free(p->ctx);
		free(p);
		return NULL;
	}
	return p;
}

static void release_slots(struct p11_provider *p)
{
	if (p->slots != NULL)
		PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
	p->slots = NULL;
	p->nslots = 0;
}

void p11_provider_close(struct p11_provider *p)
{
	if (p == NULL)
		return;
	release_slots(p);
	PKCS11_CTX_unload(p->ctx);
	PKCS11_CTX_free(p->ctx);
	free(p);
}

int p11_refresh_slots(struct p11_provider *p, char *err, size_t errsz)
{
	/*
	 * A fresh enumeration rather than PKCS11_update_slots(): it calls C_GetTokenInfo for
	 * every slot again on all libp11 versions, which the PIN flags need.
	 */
	release_slots(p);
	ERR_clear_error();
	if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) != 0) {
		p->slots = NULL;
		p->nslots = 0;
		/*
		 * libp11 0.4.12 fails on an empty slot list (its malloc(0) may return NULL) without
		 * recording an error, while a failed C_GetSlotList always records one: no error
		 * recorded means no slots (OpenSC without any reader).
		 */
		if (ERR_peek_error() == 0)
			return 0;
		p11_last_error(err, errsz, "cannot list the PKCS#11 slots", "C_GetSlotList failed");
		return -1;
	}
	return 0;
}

static void copy_str(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src != NULL ? src : "");
}

enum p11_pin_state p11_pin_state_of(const PKCS11_TOKEN *t)
{
	if (t == NULL)
		return P11_PIN_UNKNOWN;
	/* Worst first: a locked token may still carry the FINAL_TRY flag from before. */
	if (t->userPinLocked)
		return P11_PIN_LOCKED;
	if (t->userPinFinalTry)
		return P11_PIN_FINAL_TRY;
	if (t->userPinCountLow)
		return P11_PIN_COUNT_LOW;
	return P11_PIN_OK;
}

void p11_token_from_slot(const PKCS11_SLOT *slot, struct p11_token *out)
{
	const PKCS11_TOKEN *t = slot->token;

	memset(out, 0, sizeof *out);
	out->slot_id = PKCS11_get_slotid_from_slot((PKCS11_SLOT *)slot);
	copy_str(out->slot_description, sizeof out->slot_description, slot->description);
	copy_str(out->label, sizeof out->label, t->label);
	copy_str(out->manufacturer, sizeof out->manufacturer, t->manufacturer);
	copy_str(out->model, sizeof out->model, t->model);
	copy_str(out->serial, sizeof out->serial, t->serialnr);
	out->login_required = t->loginRequired != 0;
	out->protected_auth_path = t->secureLogin != 0;
	out->pin_state = p11_pin_state_of(t);
}

int p11_list_tokens(struct p11_provider *p, struct p11_token *out, size_t max, char *err,
                    size_t errsz)
{
	size_t found = 0;

	if (p11_refresh_slots(p, err, errsz) != 0)
		return -1;
	for (unsigned int i = 0; i < p->nslots; i++) {
		const PKCS11_SLOT *slot = &p->slots[i];

		/* An uninitialized token (SoftHSM2's free slot) holds nothing OpenVPN can use. */
		if (slot->token == NULL || !slot->token->initialized)
			continue;
		if (found < max)
			p11_token_from_slot(slot, &out[found]);
		found++;
	}
	return (int)found;
}

int p11_slot_count(struct p11_provider *p, char *err, size_t errsz)
{
	if (p11_refresh_slots(p, err, errsz) != 0)
		return -1;
	return (int)p->nslots;
}

static const PKCS11_SLOT *find_labelled(struct p11_provider *p, const char *label)
{
	for (unsigned int i = 0; i < p->nslots; i++) {
		const PKCS11_SLOT *slot = &p->slots[i];

		if (slot->token != NULL && slot->token->initialized && slot->token->label != NULL &&
		    strcmp(slot->token->label, label) == 0)
			return slot;
	}
	return NULL;
}

int p11_token_present(struct p11_provider *p, const char *label)
{
	char err[256];

	if (label == NULL || p11_refresh_slots(p, err, sizeof err) != 0)
		return -1;
	return find_labelled(p, label) != NULL;
}

enum p11_pin_state p11_token_pin_state(struct p11_provider *p, const char *label)
{
	const PKCS11_SLOT *slot;
	char err[256];

	if (label == NULL || p11_refresh_slots(p, err, sizeof err) != 0)
		return P11_PIN_UNKNOWN;
	slot = find_labelled(p, label);
	return slot != NULL ? p11_pin_state_of(slot->token) : P11_PIN_UNKNOWN;
}
