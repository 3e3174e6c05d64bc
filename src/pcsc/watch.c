/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcsc/watch.h through the PC/SC API (pcsc-lite, or winscard.dll on Windows). */
#include <winscard.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcsc/watch.h"
#include "pcsc_names.h"

/* How long a stop waits for the thread before it cancels its wait again. */
#define STOP_RETRY_MS 100
/* How long a stop may take before the watch is left to the process's end (pcscd stopped). */
#define STOP_BOUND_MS 1000

#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif

struct pcsc_watch {
	SCARDCONTEXT ctx;
	char reader[256];
	struct plat_notice *news;
	struct plat_thread *thread;
	atomic_int card;              /* 1, 0, or -1 once the service went away */
	atomic_bool stopping;
	struct pcsc_watch *next_left; /* the watches a stop had to leave running */
};

/* Watches whose service did not answer their stop: kept for the process's end. */
static struct pcsc_watch *left;

int pcsc_reader_for_slot(const char *slot_description, char *name, size_t namesz)
{
	SCARDCONTEXT ctx;
	DWORD len = 0;
	char *multi = NULL;
	int found = -1;

	if (SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
		return -1;
	if (LIST_READERS(ctx, NULL, NULL, &len) == SCARD_S_SUCCESS && len > 1 &&
	    (multi = calloc(len + 1, 1)) != NULL &&
	    LIST_READERS(ctx, NULL, multi, &len) == SCARD_S_SUCCESS) {
		/* A "multi-string": names each ended by NUL, the list ended by an empty name. */
		for (const char *r = multi; *r != '\0' && found < 0; r += strlen(r) + 1)
			if (strncmp(slot_description, r, strlen(r)) == 0 && strlen(r) < namesz) {
				memcpy(name, r, strlen(r) + 1);
				found = 0;
			}
	}
	free(multi);
	SCardReleaseContext(ctx);
	return found;
}

static int card_in(DWORD state)
{
	return (state & SCARD_STATE_PRESENT) != 0 ? 1 : 0;
}

static void watch(void *arg)
{
	struct pcsc_watch *w = arg;
	reader_state rs;

	memset(&rs, 0, sizeof rs);
	rs.szReader = w->reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	while (!atomic_load(&w->stopping)) {
		LONG rv = GET_STATUS_CHANGE(w->ctx, INFINITE, &rs, 1);

		if (rv == SCARD_E_TIMEOUT)
			continue;
		if (rv != SCARD_S_SUCCESS) {
			/* Cancelled (we stop), or the service or the reader is gone: no more news. */
			if (!atomic_load(&w->stopping)) {
				atomic_store(&w->card, rv == SCARD_E_UNKNOWN_READER ? 0 : -1);
				plat_notice_post(w->news);
			}
			return;
		}
		atomic_store(&w->card, card_in(rs.dwEventState));
		if (atomic_load(&w->stopping))
			return;
		plat_notice_post(w->news);
		rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
	}
}

struct pcsc_watch *pcsc_watch_start(const char *reader, struct plat_notice *news, char *err,
                                    size_t errsz)
{
	struct pcsc_watch *w = calloc(1, sizeof *w);
	reader_state rs;
	LONG rv;

	if (w == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	snprintf(w->reader, sizeof w->reader, "%s", reader);
	w->news = news;
	rv = SCardEstablishContext(SCARD_SCOPE_USER, NULL, NULL, &w->ctx);
	if (rv != SCARD_S_SUCCESS) {
		snprintf(err, errsz, "the PC/SC service cannot be reached (0x%08lX)", (unsigned long)rv);
		free(w);
		return NULL;
	}
	/* The state now, so that a question before the first news has an answer. */
	memset(&rs, 0, sizeof rs);
	rs.szReader = w->reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	rv = GET_STATUS_CHANGE(w->ctx, 0, &rs, 1);
	atomic_init(&w->card, rv == SCARD_S_SUCCESS ? card_in(rs.dwEventState) : -1);
	atomic_init(&w->stopping, false);
	w->thread = plat_thread_start(watch, w);
	if (w->thread == NULL) {
		snprintf(err, errsz, "cannot start a thread to watch reader '%s'", reader);
		SCardReleaseContext(w->ctx);
		free(w);
		return NULL;
	}
	return w;
}

int pcsc_watch_card(const struct pcsc_watch *w)
{
	return atomic_load(&w->card);
}

/* On a thread of its own: a stopped service never answers, and the caller must not wait. */
static void stop(void *arg)
{
	struct pcsc_watch *w = arg;

	/*
	 * A cancel ends only a wait already under way; one that came while the thread was on its
	 * way into its next wait (just started, or just back from news) is lost: cancel again.
	 */
	do
		SCardCancel(w->ctx);
	while (!plat_thread_join_within(w->thread, STOP_RETRY_MS));
	SCardReleaseContext(w->ctx);
}

bool pcsc_watch_stop(struct pcsc_watch *w)
{
	struct plat_thread *stopper;

	if (w == NULL)
		return true;
	atomic_store(&w->stopping, true);
	stopper = plat_thread_start(stop, w);
	if (stopper != NULL && plat_thread_join_within(stopper, STOP_BOUND_MS)) {
		free(w);
		return true;
	}
	w->next_left = left;
	left = w;
	return false;
}
