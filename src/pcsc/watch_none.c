/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcsc/watch.h for a build without PC/SC: no reader is ever matched. */
#include <stdio.h>

#include "pcsc/watch.h"

int pcsc_reader_for_slot(const char *slot_description, char *name, size_t namesz)
{
	(void)slot_description;
	(void)name;
	(void)namesz;
	return -1;
}

struct pcsc_watch *pcsc_watch_start(const char *reader, struct plat_notice *news, char *err,
                                    size_t errsz)
{
	(void)reader;
	(void)news;
	snprintf(err, errsz, "PC/SC is not available in this build");
	return NULL;
}

int pcsc_watch_card(const struct pcsc_watch *w)
{
	(void)w;
	return -1;
}

bool pcsc_watch_stop(struct pcsc_watch *w)
{
	(void)w;
	return true;
}
