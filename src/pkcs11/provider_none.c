/* SPDX-License-Identifier: GPL-3.0-or-later */
/* provider.h for a build without libp11: every look fails with one clear reason. */
#include <stdio.h>

#include "pkcs11/provider.h"

#define NOT_HERE "PKCS#11 support is not available in this build (built without libp11)"

const char *p11_library_version(void)
{
	return NULL;
}

bool p11_available(void)
{
	return false;
}

struct p11_provider *p11_provider_open(const char *path, char *err, size_t errsz)
{
	(void)path;
	snprintf(err, errsz, NOT_HERE);
	return NULL;
}

void p11_provider_close(struct p11_provider *p)
{
	(void)p;
}

void p11_provider_leave(struct p11_provider *p)
{
	(void)p;
}

int p11_list_tokens(struct p11_provider *p, struct p11_token *out, size_t max, char *err,
                    size_t errsz)
{
	(void)p;
	(void)out;
	(void)max;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int p11_list_certs(struct p11_provider *p, struct p11_cert_list *out, char *err, size_t errsz)
{
	(void)p;
	out->items = NULL;
	out->count = 0;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int p11_slot_count(struct p11_provider *p, char *err, size_t errsz)
{
	(void)p;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int p11_token_present(struct p11_provider *p, const char *label)
{
	(void)p;
	(void)label;
	return -1;
}

enum p11_pin_state p11_token_pin_state(struct p11_provider *p, const char *label)
{
	(void)p;
	(void)label;
	return P11_PIN_UNKNOWN;
}
