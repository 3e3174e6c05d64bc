/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `doctor` asks the PC/SC service (pcscd on Linux and macOS, the Smart Card service on
 * Windows): is it there, which readers does it know, which hold a card.  pcsc/check.c talks to
 * it; pcsc_none.c stands in for builds without PC/SC.
 */
#ifndef OVPN_TOKEN_PCSC_CHECK_H
#define OVPN_TOKEN_PCSC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#define PCSC_MAX_READERS 16

struct pcsc_reader {
	char name[128];            /* through ui/sanitize.h */
	bool card_present;
};

struct pcsc_status {
	bool built_in;             /* false: this build has no PC/SC support */
	bool service;              /* SCardEstablishContext succeeded */
	char error[256];           /* why not, when !service or listing failed */
	size_t nreaders;           /* may be more than PCSC_MAX_READERS: only those are filled */
	struct pcsc_reader readers[PCSC_MAX_READERS];
	size_t ncards;             /* readers (of the filled ones) with a card */
};

/* Fills st; never blocks on a reader (status asked with a zero timeout). */
void pcsc_check(struct pcsc_status *st);
/* "pcsc-lite 1.9.9" (Windows: "WinSCard"), the PC/SC library of this build, for --version; NULL: none. */
const char *pcsc_library_version(void);

#endif
