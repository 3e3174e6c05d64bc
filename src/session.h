/* One management session: reacts to OpenVPN's events until the connection ends. */
#ifndef OVPN_TOKEN_SESSION_H
#define OVPN_TOKEN_SESSION_H

#include <stdbool.h>

#include "mgmt/conn.h"
#include "options.h"

struct session;

/*
 * owns_openvpn: we started it (start), so Ctrl-C and cancelling stop it; otherwise (attach)
 * they only detach.  Returns an exit code (exit_codes.h).
 */
int session_run(struct mgmt_conn *conn, const struct options *opts, bool owns_openvpn);

#endif
