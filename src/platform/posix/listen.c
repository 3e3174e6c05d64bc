/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: serve's members' socket: listening, and taking one connection with who made it. */
#define _GNU_SOURCE /* struct ucred, accept4 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

struct plat_listener {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int posix_listener_fd(const struct plat_listener *l)
{
	return l != NULL ? l->fd : -1;
}

struct plat_listener *plat_listen_shared(const char *path, long gid, char *err, size_t errsz)
{
	struct plat_listener *l = calloc(1, sizeof *l);
	struct sockaddr_un sun;

	if (l == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errsz, "socket path too long: %s", path);
		free(l);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	snprintf(l->path, sizeof l->path, "%s", path);
	unlink(path);
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd == -1 || bind(l->fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(l->fd, 8) != 0) {
		snprintf(err, errsz, "cannot listen on %s: %s", path, strerror(errno));
		if (l->fd != -1)
			close(l->fd);
		unlink(path);
		free(l);
		return NULL;
	}
	if (plat_share_socket(path, gid, err, errsz) < 0) {
		plat_listener_close(l);
		return NULL;
	}
	return l;
}

struct plat_sock *plat_accept(struct plat_listener *l, long *uid, long *pid, char *err,
                              size_t errsz)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct plat_sock *s;

	if (fd == -1) {
		snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(err, errsz, "cannot tell who connected (%s)", strerror(errno));
		close(fd);
		return NULL;
	}
	s = posix_sock_from_fd(fd);
	if (s == NULL) {
		snprintf(err, errsz, "out of memory");
		close(fd);
		return NULL;
	}
	*uid = (long)cred.uid;
	*pid = (long)cred.pid;
	return s;
}

void plat_listener_close(struct plat_listener *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	unlink(l->path);
	free(l);
}
