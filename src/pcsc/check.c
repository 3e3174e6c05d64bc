/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcsc/check.h through the PC/SC API (pcsc-lite, or winscard.dll on Windows). */
#include <winscard.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc/check.h"
#include "ui/sanitize.h"
#include "pcsc_names.h"


static const char *pcsc_reason(LONG rv)
{
	switch (rv) {
	case SCARD_E_NO_SERVICE:
		return "the PC/SC service is not running";
	case SCARD_E_SERVICE_STOPPED:
		return "the PC/SC service stopped";
	case SCARD_E_NO_READERS_AVAILABLE:
		return "no reader is connected";
	case SCARD_E_NO_MEMORY:
		return "out of memory";
	case SCARD_E_TIMEOUT:
		return "timed out";
	case SCARD_F_INTERNAL_ERROR:
		return "internal error of the PC/SC service";
	default:
		return NULL;
	}
}

static void set_error(struct pcsc_status *st, const char *what, LONG rv)
{
	const char *why = pcsc_reason(rv);

	if (why != NULL)
		snprintf(st->error, sizeof st->error, "%s: %s", what, why);
	else
		snprintf(st->error, sizeof st->error, "%s: error 0x%08lX", what,
		         (unsigned long)rv);
}

/* Card presence of the filled readers, without waiting for any change. */
static void ask_presence(SCARDCONTEXT ctx, const char *multi, struct pcsc_status *st)
{
	reader_state states[PCSC_MAX_READERS];
	size_t n = st->nreaders < PCSC_MAX_READERS ? st->nreaders : PCSC_MAX_READERS;
	const char *name = multi;

	memset(states, 0, sizeof states);
	for (size_t i = 0; i < n; i++, name += strlen(name) + 1) {
		states[i].szReader = name;
		states[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	if (GET_STATUS_CHANGE(ctx, 0, states, (DWORD)n) != SCARD_S_SUCCESS)
		return;
	for (size_t i = 0; i < n; i++) {
		st->readers[i].card_present = (states[i].dwEventState & SCARD_STATE_PRESENT) != 0;
		if (st->readers[i].card_present)
			st->ncards++;
	}
}

void pcsc_check(struct pcsc_status *st)
{
	SCARDCONTEXT ctx;
	DWORD len = 0;
	char *multi;
	LONG rv;

	memset(st, 0, sizeof *st);
	st->built_in = true;
	rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS) {
		set_error(st, "cannot reach the PC/SC service", rv);
		return;
	}
	st->service = true;
	rv = LIST_READERS(ctx, NULL, NULL, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE || (rv == SCARD_S_SUCCESS && len <= 1)) {
		SCardReleaseContext(ctx);
		return;
	}
	if (rv != SCARD_S_SUCCESS || (multi = calloc(len + 1, 1)) == NULL) {
		set_error(st, "cannot list the readers", rv);
		SCardReleaseContext(ctx);
		return;
	}
	rv = LIST_READERS(ctx, NULL, multi, &len);
	if (rv == SCARD_S_SUCCESS) {
		/* A "multi-string": names each ended by NUL, the list ended by an empty name. */
		for (const char *name = multi; *name != '\0'; name += strlen(name) + 1) {
			if (st->nreaders < PCSC_MAX_READERS)
				sanitize_str(st->readers[st->nreaders].name,
				          sizeof st->readers[st->nreaders].name, name);
			st->nreaders++;
		}
		ask_presence(ctx, multi, st);
	} else if (rv != SCARD_E_NO_READERS_AVAILABLE) {
		set_error(st, "cannot list the readers", rv);
	}
	free(multi);
	SCardReleaseContext(ctx);
}

const char *pcsc_library_version(void)
{
	/* pcsc-lite's winscard.h brings its version; Windows' own WinSCard has none to give. */
#ifdef PCSCLITE_VERSION_NUMBER
	return "pcsc-lite " PCSCLITE_VERSION_NUMBER;
#else
	return "WinSCard";
#endif
}
