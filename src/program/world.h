/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's world as the program wires it (world.c): the session (src/session/) reaches
 * the management connection, the terminal, the PKCS#11 module, the clock, the status file and
 * the openvpn process only through io.h, and this is where io.h meets the real things.
 */
#ifndef OVPN_TOKEN_PROGRAM_WORLD_H
#define OVPN_TOKEN_PROGRAM_WORLD_H

#include "mgmt/conn.h"
#include "session/session.h"

/*
 * start: how to run openvpn (start.c).  The session spawns it, reaches its management
 * interface through connect, and ends it; child is what the one wait watches.
 */
struct program_openvpn_ops {
	struct io_openvpn openvpn;
	enum io_open_result (*connect)(void *ctx, struct mgmt_conn *conn, char *err,
	                               size_t errsz);
	struct plat_child *(*child)(void *ctx);
};

/* attach: manages the open connection conn until it ends; an exit code (exit_codes.h). */
int program_attach(struct session *s, struct mgmt_conn *conn);
/* start: runs openvpn (again after failures, with --restart) and manages it until it ends. */
int program_start(struct session *s, const struct program_openvpn_ops *openvpn_ops);

#endif
