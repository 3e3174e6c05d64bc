/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One owner per PKCS#11 module in the process.  The looks (provider.h) and the signer
 * (signer.h) each hold a reference to the one load of a module: it is initialized once
 * (C_Initialize) when the first reference is taken, and finalized (C_Finalize) when the last is
 * put back, never while another holds it: a finalize ends every session and login the process
 * has with the module (the signer's among them).  Through libp11 (module_libp11.c); only the
 * libp11 files use it.
 *
 * The slots and tokens are read with the module's own calls (C_GetSlotList, C_GetSlotInfo,
 * C_GetTokenInfo) and no session: libp11 closes every session of a slot (C_CloseAllSessions)
 * when it lets go of its slot list, which would end the signer's login on that token.
 *
 * Not thread-safe: the program's one thread uses it.
 */
#ifndef OVPN_TOKEN_PKCS11_MODULE_H
#define OVPN_TOKEN_PKCS11_MODULE_H

#include <libp11.h>
#include <stddef.h>

#include "pkcs11/provider.h"

struct p11_module;

/* The module at path: the one already loaded (one more reference), or loaded and initialized
 * now.  NULL with the reason in err. */
struct p11_module *p11_module_get(const char *path, char *err, size_t errsz);
/* One reference less; the last one finalizes and unloads the module. */
void p11_module_put(struct p11_module *m);
/*
 * One reference less, never finalizing: for the end of the program, where a finalize could hang
 * (OpenSC waits on a stopped pcscd) and the process's end unloads the module anyway.
 */
void p11_module_leave(struct p11_module *m);
/*
 * C_Finalize and C_Initialize again, so that the module sees tokens it reads only at load
 * (SoftHSM2).  Only when m is its only reference: else nothing happens (0), as the others'
 * sessions would end.  -1 with err when the module failed to come back.
 */
int p11_module_reload(struct p11_module *m, char *err, size_t errsz);
/* How many hold m. */
int p11_module_refs(const struct p11_module *m);
/* libp11's context on the module, for what needs sessions (certificates, login, signing). */
PKCS11_CTX *p11_module_ctx(struct p11_module *m);

/*
 * Every slot now; the tokens present (initialized) into out[0..max) in slot order.  Returns
 * how many tokens (may be more than max), the number of slots in *nslots (may be NULL), or -1
 * with err filled.
 */
int p11_module_tokens(struct p11_module *m, struct p11_token *out, size_t max, int *nslots,
                      char *err, size_t errsz);

#endif
