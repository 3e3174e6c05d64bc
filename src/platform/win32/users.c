/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: no tunnels served to a group.  There OpenVPN's interactive service starts openvpn for
 * a user who is no administrator (start --service), and serve, connect and status say so.
 */
#include <stdio.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

static const char not_here[] =
	"serve and connect exist on Linux only; on Windows OpenVPN's interactive service starts "
	"openvpn for a user who is no administrator: use ovpn-token start (--service)";

static int refuse(char *err, size_t errsz)
{
	snprintf(err, errsz, "%s", not_here);
	return -1;
}

int plat_served_check(char *why, size_t whysz)
{
	return refuse(why, whysz);
}

long plat_user_id(void)
{
	return -1;
}

void plat_user_name(long uid, char *out, size_t outsz)
{
	snprintf(out, outsz, "uid %ld", uid);
}

long plat_group_id(const char *name)
{
	(void)name;
	return -1;
}

void plat_group_name(long gid, char *out, size_t outsz)
{
	snprintf(out, outsz, "gid %ld", gid);
}

enum plat_membership plat_group_membership(long gid)
{
	(void)gid;
	return PLAT_NOT_IN_GROUP;
}

int plat_file_facts(const char *path, struct plat_file_facts *f, char *err, size_t errsz)
{
	(void)path;
	(void)f;
	return refuse(err, errsz);
}

bool plat_may_write(const char *path)
{
	(void)path;
	return false;
}

int plat_make_shared_dir(const char *path, int mode, long gid, char *err, size_t errsz)
{
	(void)path;
	(void)mode;
	(void)gid;
	return refuse(err, errsz);
}

int plat_write_shared_file(const char *path, const void *data, size_t n, int mode, long gid,
                           char *err, size_t errsz)
{
	(void)path;
	(void)data;
	(void)n;
	(void)mode;
	(void)gid;
	return refuse(err, errsz);
}

int plat_share_socket(const char *path, long gid, char *err, size_t errsz)
{
	(void)path;
	(void)gid;
	return refuse(err, errsz);
}

int plat_list_dir(const char *path, void (*each)(void *arg, const char *name), void *arg,
                  char *err, size_t errsz)
{
	(void)path;
	(void)each;
	(void)arg;
	return refuse(err, errsz);
}

struct plat_file_lock *plat_file_lock_take(const char *path, bool create, long *owner, char *err,
                                      size_t errsz)
{
	(void)path;
	(void)create;
	*owner = 0;
	refuse(err, errsz);
	return NULL;
}

int plat_file_lock_write(struct plat_file_lock *h, const void *data, size_t n)
{
	(void)h;
	(void)data;
	(void)n;
	return -1;
}

void plat_file_lock_release(struct plat_file_lock *h)
{
	(void)h;
}

long plat_file_lock_owner(const char *path, char *err, size_t errsz)
{
	(void)path;
	return refuse(err, errsz);
}

long plat_process_id(void)
{
	return (long)GetCurrentProcessId();
}

long plat_process_uid(long pid)
{
	(void)pid;
	return -1;
}

int plat_process_terminate(long pid, char *err, size_t errsz)
{
	(void)pid;
	return refuse(err, errsz);
}

int plat_sock_check_root_peer(struct plat_sock *s, long pid, char *err, size_t errsz)
{
	(void)s;
	(void)pid;
	return refuse(err, errsz);
}

void plat_local_time_text(long long epoch, char *out, size_t outsz)
{
	(void)epoch;
	snprintf(out, outsz, "?");
}
