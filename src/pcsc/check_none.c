/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcsc/check.h for a build without PC/SC. */
#include <stdio.h>
#include <string.h>

#include "pcsc/check.h"

void pcsc_check(struct pcsc_status *st)
{
	memset(st, 0, sizeof *st);
	snprintf(st->error, sizeof st->error, "PC/SC is not available in this build");
}

const char *pcsc_library_version(void)
{
	return NULL;
}
