/*
 * The PC/SC calls by the names each system gives them: a Windows build with UNICODE must ask
 * for the narrow (char) variants by name; pcsc-lite has only those.
 */
#ifndef OVPN_TOKEN_PCSC_NAMES_H
#define OVPN_TOKEN_PCSC_NAMES_H

#include <winscard.h>

#ifdef _WIN32
#define LIST_READERS SCardListReadersA
#define GET_STATUS_CHANGE SCardGetStatusChangeA
typedef SCARD_READERSTATEA reader_state;
#else
#define LIST_READERS SCardListReaders
#define GET_STATUS_CHANGE SCardGetStatusChange
typedef SCARD_READERSTATE reader_state;
#endif

#endif
