/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PC/SC calls as the PC/SC code makes them, on Windows: winscard.dll's narrow variants
 * (with UNICODE defined the plain names are the wide ones), called through scard_dll.h, which
 * loads winscard.dll at run time (or, in the wine tests only, their test reader's DLL).
 */
#ifndef OVPN_TOKEN_PCSC_NAMES_H
#define OVPN_TOKEN_PCSC_NAMES_H

#include <winscard.h>

#include "scard_dll.h"

#define SCardEstablishContext(scope, r1, r2, ctx) \
	(scard_dll()->establish_context((scope), (r1), (r2), (ctx)))
#define SCardReleaseContext(ctx) (scard_dll()->release_context(ctx))
#define SCardCancel(ctx) (scard_dll()->cancel(ctx))
#define LIST_READERS(ctx, groups, readers, len) \
	(scard_dll()->list_readers((ctx), (groups), (readers), (len)))
#define GET_STATUS_CHANGE(ctx, timeout, states, n) \
	(scard_dll()->get_status_change((ctx), (timeout), (states), (n)))
typedef SCARD_READERSTATEA reader_state;

#endif
