/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: serve's members' socket does not exist here (plat_served_check says why: OpenVPN's
 * interactive service is the way there); the wait never gets a listener or a member.
 */
#include <stdio.h>

#include "platform/platform.h"

struct plat_listener *plat_listen_shared(const char *path, long gid, char *err, size_t errsz)
{
	(void)path;
	(void)gid;
	plat_served_check(err, errsz);
	return NULL;
}

struct plat_sock *plat_accept(struct plat_listener *l, long *uid, long *pid, char *err,
                              size_t errsz)
{
	(void)l;
	*uid = -1;
	*pid = -1;
	plat_served_check(err, errsz);
	return NULL;
}

void plat_listener_close(struct plat_listener *l)
{
	(void)l;
}
