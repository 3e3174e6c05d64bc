/* ovpn-token attach ADDRESS: manage an openvpn someone else started. */
#include "commands.h"
#include "exit_codes.h"
#include "mgmt/conn.h"
#include "session.h"
#include "ui/output.h"

int cmd_attach(const struct options *opts)
{
	struct mgmt_address addr;
	struct mgmt_conn conn;
	char err[512];
	int rc;

	if (mgmt_address_parse(opts->target, &addr) != 0) {
		out_error("'%s' is not a management address (HOST:PORT, [IPv6]:PORT or a socket path)",
		          opts->target);
		return EXIT_USAGE;
	}
	if (mgmt_conn_open(&conn, &addr, err, sizeof err) != 0) {
		out_error("cannot reach the management interface: %s", err);
		return EXIT_MGMT_FAILED;
	}
	rc = session_run(&conn, opts, false);
	mgmt_conn_close(&conn);
	return rc;
}
