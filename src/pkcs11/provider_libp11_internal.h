/* What the libp11 provider files share.  Only for provider_libp11*.c and cert_details_openssl.c. */
#ifndef OVPN_TOKEN_PROVIDER_LIBP11_INTERNAL_H
#define OVPN_TOKEN_PROVIDER_LIBP11_INTERNAL_H

#include <libp11.h>

#include "pkcs11/provider.h"

struct p11_provider {
	PKCS11_CTX *ctx;
	char *path;
	/* The slot list of the last look; released and read anew by every call. */
	PKCS11_SLOT *slots;
	unsigned int nslots;
};

/* Reads the slot list anew (so token presence and flags are current).  -1 with err filled. */
int p11_refresh_slots(struct p11_provider *p, char *err, size_t errsz);
/* Fills out from a slot that has a token. */
void p11_token_from_slot(const PKCS11_SLOT *slot, struct p11_token *out);
/* The reason of the last libp11/OpenSSL error, or fallback; clears the error queue. */
void p11_last_error(char *err, size_t errsz, const char *what, const char *fallback);

/*
 * Describes one DER certificate into c's display fields (subject, issuer, serial, validity,
 * key type); c->described tells whether it parsed.
 */
void p11_describe_cert(struct p11_cert *c);
/*
 * Whether the certificate a signed another certificate b (b's signature verifies with a's
 * key): pkcs11-helper, and so OpenVPN, lists such an issuer certificate not as a usable one.
 */
bool p11_cert_signed(const struct p11_cert *a, const struct p11_cert *b);

#endif
