/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: desktop shortcuts (Shell links) are made only on Windows. */
#include <stdio.h>

#include "platform/platform.h"

enum plat_shortcut_result plat_shortcut_create(const struct plat_shortcut *sc,
                                               void (*report)(const char *path), char *err,
                                               size_t errsz)
{
	(void)sc;
	(void)report;
	snprintf(err, errsz, "only on Windows");
	return PLAT_SHORTCUT_UNSUPPORTED;
}
