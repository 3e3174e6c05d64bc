/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Watching one smartcard reader for its card going and coming, through the PC/SC service's own
 * events: a helper thread blocks in SCardGetStatusChange and wakes the one wait with a notice,
 * so nothing polls while the card stays.  pcsc/watch.c talks to PC/SC; watch_none.c stands in
 * for builds without it.
 */
#ifndef OVPN_TOKEN_PCSC_WATCH_H
#define OVPN_TOKEN_PCSC_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/platform.h"

struct pcsc_watch;

/*
 * The reader that a PKCS#11 slot of a PC/SC module stands for (OpenSC's slot description is
 * the reader's name, sometimes with more after it) into name.  -1 when no reader of the
 * service matches (a software token, or no PC/SC here).
 */
int pcsc_reader_for_slot(const char *slot_description, char *name, size_t namesz);
/* Starts watching reader; every change posts news.  NULL with err filled. */
struct pcsc_watch *pcsc_watch_start(const char *reader, struct plat_notice *news, char *err,
                                    size_t errsz);
/* 1 a card is in the reader, 0 none, -1 the service is gone (the watch ended). */
int pcsc_watch_card(const struct pcsc_watch *w);
/*
 * Ends the thread (cancels its wait) and frees w: true.  A service that does not answer within
 * a second (pcscd stopped) never holds the caller: false, and w with its thread is left to the
 * process's end, still holding news (do not free it then).
 */
bool pcsc_watch_stop(struct pcsc_watch *w);

#endif
