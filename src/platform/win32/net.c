/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: the management connection (TCP only) and waiting on it.
 *
 * Each socket gets an event through WSAEventSelect, so one WaitForMultipleObjects can watch the
 * socket, the interrupt event and (for prompts) the console.  WSAEventSelect also makes the
 * socket non-blocking; read and write wait on the event themselves to keep the blocking
 * behaviour platform.h promises.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <ws2tcpip.h>

struct plat_sock {
	SOCKET fd;
	WSAEVENT event;
	bool closed; /* FD_CLOSE seen */
};

static int winsock_start(char *err, size_t errsz)
{
	static bool started;
	WSADATA wsa;
	int rc;

	if (started)
		return 0;
	rc = WSAStartup(MAKEWORD(2, 2), &wsa);
	if (rc != 0) {
		win32_error_text((DWORD)rc, err, errsz);
		return -1;
	}
	started = true;
	return 0;
}

static void sock_error(const char *what, char *err, size_t errsz)
{
	char text[256];

	win32_error_text((DWORD)WSAGetLastError(), text, sizeof text);
	snprintf(err, errsz, "%s: %s", what, text);
}

static SOCKET connect_tcp(const char *host, const char *port, char *err, size_t errsz)
{
	struct addrinfo hints, *res, *ai;
	SOCKET fd = INVALID_SOCKET;
	int rc, last = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		char text[256];

		win32_error_text((DWORD)rc, text, sizeof text);
		snprintf(err, errsz, "%s port %s: %s", host, port, text);
		return INVALID_SOCKET;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		/* WSA_FLAG_NO_HANDLE_INHERIT: openvpn, our child, must not hold our end open. */
		fd = WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol, NULL, 0,
		                WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
		if (fd == INVALID_SOCKET)
			continue;
		if (connect(fd, ai->ai_addr, (int)ai->ai_addrlen) == 0)
			break;
		last = WSAGetLastError();
		closesocket(fd);
		fd = INVALID_SOCKET;
	}
	freeaddrinfo(res);
	if (fd == INVALID_SOCKET) {
		char text[256];

		win32_error_text((DWORD)last, text, sizeof text);
		snprintf(err, errsz, "%s port %s: %s", host, port, text);
	}
	return fd;
}

struct plat_sock *plat_connect(const char *host, const char *port, char *err, size_t errsz)
{
	struct plat_sock *s;
	SOCKET fd;

	if (host == NULL) {
		/* OpenVPN for Windows has no `management PATH unix` either. */
		snprintf(err, errsz, "%s: unix sockets are not supported on Windows; use HOST:PORT",
		         port);
		return NULL;
	}
	if (winsock_start(err, errsz) != 0)
		return NULL;
	fd = connect_tcp(host, port, err, errsz);
	if (fd == INVALID_SOCKET)
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->event = WSACreateEvent()) == WSA_INVALID_EVENT ||
	    WSAEventSelect(fd, s->event, FD_READ | FD_WRITE | FD_CLOSE) != 0) {
		sock_error("cannot watch the management connection", err, errsz);
		if (s != NULL && s->event != WSA_INVALID_EVENT && s->event != NULL)
			WSACloseEvent(s->event);
		free(s);
		closesocket(fd);
		return NULL;
	}
	s->fd = fd;
	return s;
}

SOCKET win32_sock_handle(const struct plat_sock *s)
{
	return s->fd;
}

HANDLE win32_sock_event(const struct plat_sock *s)
{
	return s != NULL ? s->event : NULL;
}

bool win32_sock_peer_gone(struct plat_sock *s)
{
	WSANETWORKEVENTS ev;

	/* Also resets the event; FD_READ is signalled again only after the next recv(). */
	if (WSAEnumNetworkEvents(s->fd, s->event, &ev) != 0)
		return true;
	if (ev.lNetworkEvents & FD_CLOSE)
		s->closed = true;
	return s->closed;
}

/* Waits for the socket's event and the interrupt; false when interrupted or failed. */
static bool wait_socket(struct plat_sock *s, DWORD timeout)
{
	HANDLE h[2] = {s->event, win32_wake_event()};
	DWORD rc = WaitForMultipleObjects(h[1] != NULL ? 2 : 1, h, FALSE, timeout);

	if (rc == WAIT_OBJECT_0)
		ResetEvent(s->event);
	return rc == WAIT_OBJECT_0 && !win32_interrupt_pending();
}

long plat_sock_read(struct plat_sock *s, void *buf, size_t n, char *err, size_t errsz)
{
	int len = n > INT_MAX ? INT_MAX : (int)n;

	for (;;) {
		int got = recv(s->fd, buf, len, 0);

		if (got >= 0)
			return got;
		if (WSAGetLastError() != WSAEWOULDBLOCK) {
			sock_error("read", err, errsz);
			return -1;
		}
		if (!wait_socket(s, INFINITE)) {
			snprintf(err, errsz, "interrupted");
			return -1;
		}
	}
}

bool plat_openvpn_rereads_mid_command(void)
{
	return true;
}

int plat_sock_write_all(struct plat_sock *s, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		int put = send(s->fd, p, n > INT_MAX ? INT_MAX : (int)n, 0);

		if (put == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK) {
			/* FD_WRITE fires once the send buffer has room again; never with a dead peer. */
			if (s->closed || !wait_socket(s, 5000))
				return -1;
			continue;
		}
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
	closesocket(s->fd);
	WSACloseEvent(s->event);
	free(s);
}

/*
 * Network events are edge-triggered (FD_READ is re-armed only by recv, FD_CLOSE is reported
 * once), so the one wait first asks the socket itself whether a read would return at once.
 */
bool win32_sock_readable_now(struct plat_sock *s)
{
	char c;
	int got = recv(s->fd, &c, 1, MSG_PEEK);

	return got >= 0 || WSAGetLastError() != WSAEWOULDBLOCK;
}

bool plat_has_unix_sockets(void)
{
	/* Windows 10 has AF_UNIX, but OpenVPN for Windows cannot put its management interface there. */
	return false;
}

int plat_free_local_port(char *port, size_t portsz)
{
	struct sockaddr_in sin;
	int len = sizeof sin, rc = -1;
	char err[128];
	SOCKET fd;

	if (winsock_start(err, sizeof err) != 0)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Port 0: the system picks one that is free now. */
	if (fd != INVALID_SOCKET && bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0) {
		snprintf(port, portsz, "%u", (unsigned)ntohs(sin.sin_port));
		rc = 0;
	}
	if (fd != INVALID_SOCKET)
		closesocket(fd);
	return rc;
}
