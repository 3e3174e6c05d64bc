/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: who is at the other end of a TCP management connection.
 *
 * start picks a free port and hands it to openvpn; another local process could grab it first and
 * pose as openvpn to collect the PIN.  The management password does not help against that (an
 * impostor need not check it), but Windows knows which process owns each end of a loopback
 * connection: the TCP table lists our peer's endpoint with its owning process id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <ws2tcpip.h>
#include <iphlpapi.h>

/* Looks up the row of our peer's endpoint; *pid: its owner. */
static enum win32_tcp_row find_ipv4_peer(const struct sockaddr_in *peer,
                                         const struct sockaddr_in *self, DWORD *pid)
{
	MIB_TCPTABLE_OWNER_PID *table = NULL;
	DWORD size = 0;
	enum win32_tcp_row found = WIN32_TCP_NOT_LISTED;

	*pid = 0;
	for (int tries = 0; tries < 3; tries++) {
		DWORD rc = GetExtendedTcpTable(table, &size, FALSE, AF_INET,
		                               TCP_TABLE_OWNER_PID_CONNECTIONS, 0);

		if (rc == NO_ERROR)
			break;
		free(table);
		table = NULL;
		if (rc != ERROR_INSUFFICIENT_BUFFER)
			return WIN32_TCP_NO_TABLE;
		table = malloc(size);
		if (table == NULL)
			return WIN32_TCP_NO_TABLE;
	}
	if (table == NULL)
		return WIN32_TCP_NO_TABLE;
	/* The peer's row: its local end is our remote end, and its remote end is us. */
	for (DWORD i = 0; i < table->dwNumEntries; i++) {
		const MIB_TCPROW_OWNER_PID *row = &table->table[i];

		if (row->dwLocalAddr == peer->sin_addr.s_addr &&
		    (u_short)row->dwLocalPort == peer->sin_port &&
		    row->dwRemoteAddr == self->sin_addr.s_addr &&
		    (u_short)row->dwRemotePort == self->sin_port) {
			*pid = row->dwOwningPid;
			found = WIN32_TCP_LISTED;
			break;
		}
	}
	free(table);
	return found;
}

int win32_judge_tcp_peer(enum win32_tcp_row found, DWORD owner, long expected_pid, char *err,
                         size_t errsz)
{
	/* Whoever it is could be an impostor, and the password does not stop one. */
	if (found != WIN32_TCP_LISTED) {
		snprintf(err, errsz, "cannot tell which process serves the management port (%s)",
		         found == WIN32_TCP_NO_TABLE ? "the system's TCP table cannot be read"
		                                     : "the system's TCP table does not list it");
		return -1;
	}
	/*
	 * Listed without an owner: a system that does not record owners (wine).  Windows itself
	 * never gives a connection to process 0, so no impostor gets through this way there.
	 */
	if (owner == 0 || owner == (DWORD)expected_pid)
		return 0;
	snprintf(err, errsz, "the management port is served by process %lu, not by the openvpn "
	         "we started (%ld)", (unsigned long)owner, expected_pid);
	return -1;
}

int plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err, size_t errsz)
{
	struct sockaddr_in peer, self;
	int plen = sizeof peer, slen = sizeof self;
	enum win32_tcp_row found;
	DWORD owner;

	if (expected_pid <= 0)
		return 0;
	if (getpeername(win32_sock_handle(s), (struct sockaddr *)&peer, &plen) != 0 ||
	    getsockname(win32_sock_handle(s), (struct sockaddr *)&self, &slen) != 0 ||
	    peer.sin_family != AF_INET) {
		snprintf(err, errsz, "cannot tell which process serves the management port (not an "
		         "IPv4 connection)");
		return -1;
	}
	found = find_ipv4_peer(&peer, &self, &owner);
	return win32_judge_tcp_peer(found, owner, expected_pid, err, errsz);
}
