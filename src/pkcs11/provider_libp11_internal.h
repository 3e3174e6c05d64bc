/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the libp11 provider files share.  Only for provider_libp11*.c. */
#ifndef OVPN_TOKEN_PROVIDER_LIBP11_INTERNAL_H
#define OVPN_TOKEN_PROVIDER_LIBP11_INTERNAL_H

#include <libp11.h>

#include "pkcs11/module.h"
#include "pkcs11/provider.h"

struct p11_provider {
	struct p11_module *mod;            /* the module's one load (module.h) */
	PKCS11_CTX *ctx;                   /* libp11's context on it */
	/* The slot list of the last look; released and read anew by every call. */
	PKCS11_SLOT *slots;
	unsigned int nslots;
	struct p11_provider *next_left;    /* p11_provider_leave's list */
};

/* Reads the slot list anew (so token presence and flags are current).  -1 with err filled. */
int p11_refresh_slots(struct p11_provider *p, char *err, size_t errsz);
/* Lets go of libp11's slot list: closes every session of their tokens in the process. */
void p11_release_slots(struct p11_provider *p);
/* Fills out from a slot that has a token. */
void p11_token_from_slot(const PKCS11_SLOT *slot, struct p11_token *out);
/* The token's PIN flags, worst first (P11_PIN_UNKNOWN for no token). */
enum p11_pin_state p11_pin_state_of(const PKCS11_TOKEN *t);
/* The reason of the last libp11/OpenSSL error, or fallback; clears the error queue. */
void p11_last_error(char *err, size_t errsz, const char *what, const char *fallback);


#endif
