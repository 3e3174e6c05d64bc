/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: the management connection (TCP or unix socket). */
#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

struct plat_sock {
	int fd;
};

int posix_sock_fd(const struct plat_sock *s)
{
	return s != NULL ? s->fd : -1;
}

struct plat_sock *posix_sock_from_fd(int fd)
{
	struct plat_sock *s = malloc(sizeof *s);

	if (s != NULL)
		s->fd = fd;
	return s;
}

static int connect_unix(const char *path, char *err, size_t errsz)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errsz, "socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

static int connect_tcp(const char *host, const char *port, char *err, size_t errsz)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc, last_errno = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errsz, "%s port %s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		last_errno = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errsz, "%s port %s: %s", host, port, strerror(last_errno));
	return fd;
}

struct plat_sock *plat_connect(const char *host, const char *port, char *err, size_t errsz)
{
	struct plat_sock *s;
	int fd = host == NULL ? connect_unix(port, err, errsz) : connect_tcp(host, port, err, errsz);

	if (fd == -1)
		return NULL;
	s = malloc(sizeof *s);
	if (s == NULL) {
		close(fd);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->fd = fd;
	return s;
}

long plat_sock_read(struct plat_sock *s, void *buf, size_t n, char *err, size_t errsz)
{
	ssize_t got;

	do
		got = read(s->fd, buf, n);
	while (got == -1 && errno == EINTR && !posix_interrupt_pending());
	if (got == -1)
		snprintf(err, errsz, "%s", strerror(errno));
	return (long)got;
}

bool plat_openvpn_rereads_mid_command(void)
{
	return false;
}

int plat_sock_write_all(struct plat_sock *s, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t put = write(s->fd, p, n);

		if (put == -1 && errno == EINTR)
			continue;
		if (put <= 0)
			return -1;
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

void plat_sock_close(struct plat_sock *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}

bool plat_has_unix_sockets(void)
{
	return true;
}

int plat_free_local_port(char *port, size_t portsz)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc = -1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Port 0: the kernel picks one that is free now. */
	if (fd != -1 && bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
		snprintf(port, portsz, "%u", (unsigned)ntohs(sin.sin_port));
		rc = 0;
	}
	if (fd != -1)
		close(fd);
	return rc;
}
