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

struct plat_child *plat_service_spawn(const char *const *args, const char *workdir,
                                      const char *stdin_data, char *err, size_t errsz)
{
	(void)args;
	(void)workdir;
	(void)stdin_data;
	plat_service_check(err, errsz);
	return NULL;
}

void plat_child_exit_note(struct plat_child *c, char *out, size_t outsz)
{
	(void)c;
	if (outsz > 0)
		out[0] = '\0';
}
