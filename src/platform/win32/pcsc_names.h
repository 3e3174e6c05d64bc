/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PC/SC calls by the names winscard.dll gives them: with UNICODE defined the plain names
 * are the wide variants, and the PC/SC code works with narrow strings, so ask for those.
 */
#ifndef OVPN_TOKEN_PCSC_NAMES_H
#define OVPN_TOKEN_PCSC_NAMES_H

#include <winscard.h>

#define LIST_READERS SCardListReadersA
#define GET_STATUS_CHANGE SCardGetStatusChangeA
typedef SCARD_READERSTATEA reader_state;

#endif
