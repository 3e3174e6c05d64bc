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

/* The owner of the local endpoint that our peer address names; 0 when it cannot be found. */
static DWORD owner_of_ipv4_peer(const struct sockaddr_in *peer, const struct sockaddr_in *self)
{
	MIB_TCPTABLE_OWNER_PID *table = NULL;
	DWORD size = 0, pid = 0;

	for (int tries = 0; tries < 3; tries++) {
		DWORD rc = GetExtendedTcpTable(table, &size, FALSE, AF_INET,
		                               TCP_TABLE_OWNER_PID_CONNECTIONS, 0);

		if (rc == NO_ERROR)
			break;
		free(table);
		table = NULL;
		if (rc != ERROR_INSUFFICIENT_BUFFER)
			return 0;
		table = malloc(size);
		if (table == NULL)
			return 0;
	}
	if (table == NULL)
		return 0;
	/* The peer's row: its local end is our remote end, and its remote end is us. */
	for (DWORD i = 0; i < table->dwNumEntries; i++) {
		const MIB_TCPROW_OWNER_PID *row = &table->table[i];

		if (row->dwLocalAddr == peer->sin_addr.s_addr &&
		    (u_short)row->dwLocalPort == peer->sin_port &&
		    row->dwRemoteAddr == self->sin_addr.s_addr &&
		    (u_short)row->dwRemotePort == self->sin_port) {
			pid = row->dwOwningPid;
			break;
		}
	}
	free(table);
	return pid;
}

int plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err, size_t errsz)
{
	struct sockaddr_in peer, self;
	int plen = sizeof peer, slen = sizeof self;
	DWORD owner;

	if (expected_pid <= 0)
		return 0;
	if (getpeername(win32_sock_handle(s), (struct sockaddr *)&peer, &plen) != 0 ||
	    getsockname(win32_sock_handle(s), (struct sockaddr *)&self, &slen) != 0 ||
	    peer.sin_family != AF_INET)
		return 0; /* start only uses 127.0.0.1; nothing to compare otherwise */
	owner = owner_of_ipv4_peer(&peer, &self);
	/* Not listed (an old system, or wine without the table): the password still stands. */
	if (owner == 0 || owner == (DWORD)expected_pid)
		return 0;
	snprintf(err, errsz, "the management port is served by process %lu, not by the openvpn "
	         "we started (%ld)", (unsigned long)owner, expected_pid);
	return -1;
}
