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

/*
 * Looks up the row of our peer's endpoint; *pid: its owner.  *rc: the system's error when the
 * table cannot be read (it grows between the size query and the read: tried a few times).
 */
static enum win32_tcp_row find_ipv4_peer(const struct sockaddr_in *peer,
                                         const struct sockaddr_in *self, DWORD *pid, DWORD *rc)
{
	MIB_TCPTABLE_OWNER_PID *table = NULL;
	DWORD size = 0;
	enum win32_tcp_row found = WIN32_TCP_NOT_LISTED;

	*pid = 0;
	for (int tries = 0;; tries++) {
		*rc = GetExtendedTcpTable(table, &size, FALSE, AF_INET,
		                          TCP_TABLE_OWNER_PID_CONNECTIONS, 0);
		if (*rc == NO_ERROR && table != NULL)
			break;
		free(table);
		table = NULL;
		if ((*rc != NO_ERROR && *rc != ERROR_INSUFFICIENT_BUFFER) || tries == 4)
			return WIN32_TCP_NO_TABLE;
		/* Room for a few more rows than asked for: the table may grow meanwhile. */
		size += 8 * sizeof(MIB_TCPROW_OWNER_PID);
		table = malloc(size);
		if (table == NULL) {
			*rc = ERROR_NOT_ENOUGH_MEMORY;
			return WIN32_TCP_NO_TABLE;
		}
	}
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

enum plat_peer win32_judge_tcp_peer(enum win32_tcp_row found, DWORD owner, DWORD table_rc,
                                    long expected_pid, char *err, size_t errsz)
{
	/*
	 * Whoever it is could be an impostor, and the password does not stop one.  Not knowing may
	 * pass (under wine the table comes from /proc and a driver that may still be starting):
	 * the caller asks again, and refuses when it never learns.
	 */
	if (found == WIN32_TCP_NO_TABLE) {
		snprintf(err, errsz, "cannot tell which process serves the management port (the "
		         "system's TCP table cannot be read: error %lu)", (unsigned long)table_rc);
		return PLAT_PEER_UNKNOWN;
	}
	if (found == WIN32_TCP_NOT_LISTED) {
		snprintf(err, errsz, "cannot tell which process serves the management port (the "
		         "system's TCP table does not list it)");
		return PLAT_PEER_UNKNOWN;
	}
	/*
	 * Listed without an owner: a system that does not record owners (wine).  Windows itself
	 * never gives a connection to process 0, so no impostor gets through this way there.
	 */
	if (owner == 0 || owner == (DWORD)expected_pid)
		return PLAT_PEER_OURS;
	snprintf(err, errsz, "the management port is served by process %lu, not by the openvpn "
	         "we started (%ld)", (unsigned long)owner, expected_pid);
	return PLAT_PEER_FOREIGN;
}

enum plat_peer plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err,
                                    size_t errsz)
{
	struct sockaddr_in peer, self;
	int plen = sizeof peer, slen = sizeof self;
	enum win32_tcp_row found;
	DWORD owner, table_rc = NO_ERROR;

	if (expected_pid <= 0)
		return PLAT_PEER_OURS;
	if (getpeername(win32_sock_handle(s), (struct sockaddr *)&peer, &plen) != 0 ||
	    getsockname(win32_sock_handle(s), (struct sockaddr *)&self, &slen) != 0 ||
	    peer.sin_family != AF_INET) {
		snprintf(err, errsz, "cannot tell which process serves the management port (not an "
		         "IPv4 connection)");
		return PLAT_PEER_FOREIGN;
	}
	found = find_ipv4_peer(&peer, &self, &owner, &table_rc);
	return win32_judge_tcp_peer(found, owner, table_rc, expected_pid, err, errsz);
}
