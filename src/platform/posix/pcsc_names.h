/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The PC/SC calls by the names pcsc-lite gives them.  The build puts this folder (or win32/,
 * whose header names the narrow variants of a UNICODE Windows build) on the include path, so
 * the PC/SC code itself has no platform conditionals.
 */
#ifndef OVPN_TOKEN_PCSC_NAMES_H
#define OVPN_TOKEN_PCSC_NAMES_H

#include <winscard.h>

#define LIST_READERS SCardListReaders
#define GET_STATUS_CHANGE SCardGetStatusChange
typedef SCARD_READERSTATE reader_state;

#endif
