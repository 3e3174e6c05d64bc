/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token attach ADDRESS: manage an openvpn someone else started. */
#include "cmd/cmd.h"
#include "exit_codes.h"
#include "cmd/session_settings.h"
#include "mgmt/conn.h"
#include "platform/platform.h"
#include "program/world.h"
#include "session/session.h"
#include "ui/output.h"

static int connect_to(const char *target, struct mgmt_conn *conn)
{
	struct mgmt_address addr;
	char err[512];

	switch (mgmt_address_parse(target, &addr)) {
	case 0:
		break;
	case MGMT_ADDRESS_NO_PORT:
		out_error("'%s' needs a port: HOST:PORT, e.g. %s:7505 (a socket in this folder: ./%s)",
		          target, target, target);
		return EXIT_USAGE;
	default:
		out_error("'%s' is not a management address (HOST:PORT, [IPv6]:PORT or a socket path)",
		          target);
		return EXIT_USAGE;
	}
	if (mgmt_conn_open(conn, &addr, err, sizeof err) != 0) {
		out_error("cannot reach the management interface: %s", err);
		return EXIT_MGMT_FAILED;
	}
	/* A socket someone else listens on could collect the PIN: refuse before any answer. */
	if (addr.is_unix && plat_sock_check_peer(conn->sock, -1, err, sizeof err) != PLAT_PEER_OURS) {
		out_error("%s; refusing", err);
		mgmt_conn_close(conn);
		return EXIT_MGMT_FAILED;
	}
	return EXIT_OK;
}

int cmd_attach(const struct options *opts)
{
	/* Someone else started openvpn: whether it wants the external key, its requests say. */
	const struct session_settings settings = session_settings_from(opts, SESSION_KEY_AS_ASKED);
	struct session *s = session_new(&settings, false);
	struct mgmt_conn conn;
	int rc;

	if (s == NULL)
		return EXIT_INTERNAL;
	if (session_check_sources(s) != 0) {
		session_free(s);
		return EXIT_USAGE;
	}
	rc = connect_to(opts->target, &conn);
	if (rc == EXIT_OK)
		rc = program_attach(s, &conn);
	session_free(s);
	return rc;
}
