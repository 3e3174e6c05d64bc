/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: who is at the other end of a unix socket. */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

#ifdef SO_PEERCRED
enum plat_peer plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err,
                                    size_t errsz)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (getsockopt(posix_sock_fd(s), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(err, errsz, "cannot tell who serves the management socket (%s)",
		         strerror(errno));
		return PLAT_PEER_FOREIGN;
	}
	if (cred.uid != getuid()) {
		snprintf(err, errsz, "the management socket belongs to uid %ld, not to you",
		         (long)cred.uid);
		return PLAT_PEER_FOREIGN;
	}
	if (expected_pid > 0 && cred.pid != (pid_t)expected_pid) {
		snprintf(err, errsz, "the management socket is served by process %ld, not by the "
		         "openvpn we started (%ld)", (long)cred.pid, expected_pid);
		return PLAT_PEER_FOREIGN;
	}
	return PLAT_PEER_OURS;
}
#else
/* Without SO_PEERCRED the private 0700 directory is the protection. */
enum plat_peer plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err,
                                    size_t errsz)
{
	(void)s;
	(void)expected_pid;
	(void)err;
	(void)errsz;
	return PLAT_PEER_OURS;
}
#endif
