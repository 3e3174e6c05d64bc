/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one-shot looks of provider.h: the module is loaded for one question and unloaded again,
 * so that modules which see only the tokens present at load time (SoftHSM2) answer for now.
 */
#include <stdio.h>

#include "pkcs11/provider.h"

int p11_fresh_token_present(const char *provider, const char *label)
{
	char err[300];
	struct p11_provider *p = p11_provider_open(provider, err, sizeof err);
	int rc;

	if (p == NULL)
		return -1;
	rc = p11_token_present(p, label);
	p11_provider_close(p);
	return rc;
}

enum p11_pin_state p11_fresh_pin_state(const char *provider, const char *label, char *err,
                                      size_t errsz)
{
	struct p11_provider *p = p11_provider_open(provider, err, errsz);
	enum p11_pin_state state;

	if (p == NULL)
		return P11_PIN_UNKNOWN;
	state = p11_token_pin_state(p, label);
	p11_provider_close(p);
	return state;
}

int p11_fresh_certs(const char *provider, struct p11_cert_list *out, char *err, size_t errsz)
{
	struct p11_provider *p = p11_provider_open(provider, err, errsz);
	int rc;

	out->items = NULL;
	out->count = 0;
	if (p == NULL)
		return -1;
	rc = p11_list_certs(p, out, err, errsz);
	p11_provider_close(p);
	return rc;
}
