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
	if (p == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	p->mod = p11_module_get(path, err, errsz);
	if (p->mod == NULL) {
		free(p);
		return NULL;
	}
	p->ctx = p11_module_ctx(p->mod);
	return p;
}

void p11_release_slots(struct p11_provider *p)
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
	p11_release_slots(p);
	p11_module_put(p->mod);
	free(p);
}

/* Left at the program's end: kept, never released (that would speak to the module). */
static struct p11_provider *left;

void p11_provider_leave(struct p11_provider *p)
{
	if (p == NULL)
		return;
	p11_module_leave(p->mod);
	p->next_left = left;
	left = p;
}

int p11_refresh_slots(struct p11_provider *p, char *err, size_t errsz)
{
	/*
	 * A fresh enumeration rather than PKCS11_update_slots(): it calls C_GetTokenInfo for
	 * every slot again on all libp11 versions, which the PIN flags need.
	 */
	p11_release_slots(p);
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
	return p11_module_tokens(p->mod, out, max, NULL, err, errsz);
}

int p11_slot_count(struct p11_provider *p, char *err, size_t errsz)
{
	int nslots;

	return p11_module_tokens(p->mod, NULL, 0, &nslots, err, errsz) < 0 ? -1 : nslots;
}

/* The token called label now: 1 (into *out), 0 when absent, -1 when the module failed. */
static int find_labelled(struct p11_provider *p, const char *label, struct p11_token *out)
{
	struct p11_token tokens[32];
	char err[256];
	int n = p11_module_tokens(p->mod, tokens, sizeof tokens / sizeof tokens[0], NULL, err,
	                          sizeof err);

	if (n < 0)
		return -1;
	for (int i = 0; i < n && i < (int)(sizeof tokens / sizeof tokens[0]); i++)
		if (strcmp(tokens[i].label, label) == 0) {
			*out = tokens[i];
			return 1;
		}
	return 0;
}

int p11_token_present(struct p11_provider *p, const char *label)
{
	struct p11_token t;

	return label == NULL ? -1 : find_labelled(p, label, &t);
}

enum p11_pin_state p11_token_pin_state(struct p11_provider *p, const char *label)
{
	struct p11_token t;

	if (label == NULL || find_labelled(p, label, &t) != 1)
		return P11_PIN_UNKNOWN;
	return t.pin_state;
}
