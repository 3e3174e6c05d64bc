/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one owner of each PKCS#11 module in the process (module.h), through libp11. */
#include <openssl/err.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11/cryptoki.h"
#include "pkcs11/module.h"
#include "pkcs11/provider_libp11_internal.h"
#include "platform/platform.h"

/* The reason OpenSSL (libp11) left for the last failure, else fallback. */
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

struct p11_module {
	struct p11_module *next;
	char *path;
	int refs;
	PKCS11_CTX *ctx;                   /* libp11's load: C_Initialize, C_Finalize */
	bool ctx_loaded;                   /* false after a reload that failed */
	struct ck_function_list_head *fl;  /* the same module's calls, for the session-less reads */
};

/* The modules loaded now (one per path; usually one). */
static struct p11_module *loaded;

static struct p11_module *find(const char *path)
{
	for (struct p11_module *m = loaded; m != NULL; m = m->next)
		if (strcmp(m->path, path) == 0)
			return m;
	return NULL;
}

static void unlink_module(struct p11_module *m)
{
	for (struct p11_module **at = &loaded; *at != NULL; at = &(*at)->next)
		if (*at == m) {
			*at = m->next;
			return;
		}
}

static PKCS11_CTX *load_ctx(const char *path, char *err, size_t errsz)
{
	PKCS11_CTX *ctx = PKCS11_CTX_new();
	char what[600];

	if (ctx == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	plat_preload_pkcs11_module(path);
	if (PKCS11_CTX_load(ctx, path) != 0) {
		snprintf(what, sizeof what, "cannot load PKCS#11 provider %s", path);
		p11_last_error(err, errsz, what, "not a PKCS#11 module, or its C_Initialize failed");
		PKCS11_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static struct ck_function_list_head *function_list(const char *path, char *err, size_t errsz)
{
	void *entry = plat_pkcs11_entry(path, err, errsz);
	ck_get_function_list_fn get;
	struct ck_function_list_head *fl = NULL;

	if (entry == NULL)
		return NULL;
	memcpy(&get, &entry, sizeof get);
	if (get(&fl) != CKR_OK_ || fl == NULL) {
		snprintf(err, errsz, "%s: C_GetFunctionList failed", path);
		return NULL;
	}
	return fl;
}

struct p11_module *p11_module_get(const char *path, char *err, size_t errsz)
{
	struct p11_module *m = find(path);

	if (m != NULL) {
		/* A module left at the end of a run is still initialized: it serves again. */
		m->refs++;
		return m;
	}
	m = calloc(1, sizeof *m);
	if (m == NULL || (m->path = strdup(path)) == NULL) {
		free(m);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	m->ctx = load_ctx(path, err, errsz);
	if (m->ctx != NULL && (m->fl = function_list(path, err, errsz)) == NULL) {
		PKCS11_CTX_unload(m->ctx);
		PKCS11_CTX_free(m->ctx);
		m->ctx = NULL;
	}
	if (m->ctx == NULL) {
		free(m->path);
		free(m);
		return NULL;
	}
	m->ctx_loaded = true;
	m->refs = 1;
	m->next = loaded;
	loaded = m;
	return m;
}

void p11_module_put(struct p11_module *m)
{
	if (m == NULL || --m->refs > 0)
		return;
	unlink_module(m);
	if (m->ctx_loaded)
		PKCS11_CTX_unload(m->ctx);
	PKCS11_CTX_free(m->ctx);
	free(m->path);
	free(m);
}

void p11_module_leave(struct p11_module *m)
{
	if (m != NULL && m->refs > 0)
		m->refs--;
}

int p11_module_reload(struct p11_module *m, char *err, size_t errsz)
{
	if (m->refs > 1)
		return 0;
	if (m->ctx_loaded)
		PKCS11_CTX_unload(m->ctx);
	/* libp11 0.4.12 needs a fresh context after unload: the old one keeps the module name. */
	PKCS11_CTX_free(m->ctx);
	m->ctx_loaded = false;
	m->ctx = load_ctx(m->path, err, errsz);
	if (m->ctx == NULL) {
		/* Unusable now (its holder lets go of it): an empty context for the last put. */
		m->ctx = PKCS11_CTX_new();
		return -1;
	}
	m->ctx_loaded = true;
	return 0;
}

int p11_module_refs(const struct p11_module *m)
{
	return m->refs;
}

PKCS11_CTX *p11_module_ctx(struct p11_module *m)
{
	return m->ctx;
}

/* A blank-padded PKCS#11 text as libp11 gives it: trailing blanks gone. */
static void padded(char *out, size_t outsz, const unsigned char *in, size_t inlen)
{
	while (inlen > 0 && in[inlen - 1] == ' ')
		inlen--;
	if (inlen >= outsz)
		inlen = outsz - 1;
	memcpy(out, in, inlen);
	out[inlen] = '\0';
}

static enum p11_pin_state pin_state_of(ck_ulong flags)
{
	/* Worst first: a locked token may still carry the FINAL_TRY flag from before. */
	if (flags & CKF_USER_PIN_LOCKED_)
		return P11_PIN_LOCKED;
	if (flags & CKF_USER_PIN_FINAL_TRY_)
		return P11_PIN_FINAL_TRY;
	if (flags & CKF_USER_PIN_COUNT_LOW_)
		return P11_PIN_COUNT_LOW;
	return P11_PIN_OK;
}

/* The token in slot into out: 1, 0 for none (or not initialized), -1 when the module failed. */
static int read_token(struct p11_module *m, ck_ulong slot, struct p11_token *out)
{
	struct ck_slot_info si;
	struct ck_token_info ti;
	ck_rv rv;

	memset(&si, 0, sizeof si);
	memset(&ti, 0, sizeof ti);
	if (m->fl->get_slot_info(slot, &si) != CKR_OK_)
		return -1;
	if (!(si.flags & CKF_TOKEN_PRESENT_))
		return 0;
	rv = m->fl->get_token_info(slot, &ti);
	if (rv == CKR_TOKEN_NOT_PRESENT_ || rv == CKR_TOKEN_NOT_RECOGNIZED_)
		return 0;
	if (rv != CKR_OK_)
		return -1;
	if (!(ti.flags & CKF_TOKEN_INITIALIZED_))
		return 0;
	memset(out, 0, sizeof *out);
	out->slot_id = slot;
	padded(out->slot_description, sizeof out->slot_description, si.slot_description,
	       sizeof si.slot_description);
	padded(out->label, sizeof out->label, ti.label, sizeof ti.label);
	padded(out->manufacturer, sizeof out->manufacturer, ti.manufacturer_id,
	       sizeof ti.manufacturer_id);
	padded(out->model, sizeof out->model, ti.model, sizeof ti.model);
	padded(out->serial, sizeof out->serial, ti.serial_number, sizeof ti.serial_number);
	out->login_required = (ti.flags & CKF_LOGIN_REQUIRED_) != 0;
	out->protected_auth_path = (ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH_) != 0;
	out->pin_state = pin_state_of(ti.flags);
	return 1;
}

int p11_module_tokens(struct p11_module *m, struct p11_token *out, size_t max, int *nslots,
                      char *err, size_t errsz)
{
	ck_ulong count = 0, *slots;
	size_t found = 0;
	ck_rv rv;

	if (nslots != NULL)
		*nslots = 0;
	rv = m->fl->get_slot_list(0, NULL, &count);
	if (rv != CKR_OK_) {
		snprintf(err, errsz, "cannot list the PKCS#11 slots: C_GetSlotList: CK_RV 0x%lX",
		         (unsigned long)rv);
		return -1;
	}
	if (count == 0)
		return 0;
	slots = calloc(count, sizeof *slots);
	if (slots == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rv = m->fl->get_slot_list(0, slots, &count);
	if (rv != CKR_OK_) {
		free(slots);
		snprintf(err, errsz, "cannot list the PKCS#11 slots: C_GetSlotList: CK_RV 0x%lX",
		         (unsigned long)rv);
		return -1;
	}
	if (nslots != NULL)
		*nslots = (int)count;
	for (ck_ulong i = 0; i < count; i++) {
		struct p11_token t;

		/* A slot that fails alone (its reader gone between the calls) holds no token. */
		if (read_token(m, slots[i], &t) != 1)
			continue;
		if (found < max)
			out[found] = t;
		found++;
	}
	free(slots);
	return (int)found;
}
