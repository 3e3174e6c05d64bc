/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: OpenVPN's interactive service is a Windows thing; there is none here. */
#include <stdio.h>
#include <unistd.h>

#include "platform/platform.h"

int plat_service_check(char *err, size_t errsz)
{
	snprintf(err, errsz, "OpenVPN's interactive service exists only on Windows, not on this "
	         "system");
	return -1;
}

bool plat_user_is_admin(void)
{
	return geteuid() == 0;
}
