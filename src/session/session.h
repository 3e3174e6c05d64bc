/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The management session: reacts to OpenVPN's events, remembers what survives a restart. */
#ifndef OVPN_TOKEN_SESSION_H
#define OVPN_TOKEN_SESSION_H

#include <stdbool.h>

#include "mgmt/conn.h"
#include "cli/options.h"

struct session;

/*
 * owns_openvpn: we started it (start), so Ctrl-C and cancelling stop it; otherwise (attach)
 * they only detach.  NULL when out of memory (said why).
 */
struct session *session_new(const struct options *opts, bool owns_openvpn);
/* A management password we chose ourselves (start on systems without unix sockets). */
int session_set_mgmt_password(struct session *s, const char *password);
/* The PKCS#11 module to read token state with (lockout protection); NULL or "" for none. */
void session_set_provider(struct session *s, const char *path);
/* The config's own pkcs11-id, so a failure can be blamed on it when it names no certificate. */
void session_set_config_id(struct session *s, const char *id);
/* Checks the secret sources before anything is sent.  -1 after saying why. */
int session_check_sources(struct session *s);
/*
 * Manages one connection until it ends; returns an exit code (exit_codes.h).  The chosen
 * certificate and the confirmed PIN stay for the next run, after openvpn was started again.
 */
int session_run(struct session *s, struct mgmt_conn *conn);
/* The same through any io (session/io.h): what session_run does with the program's. */
struct session_io;
int session_run_io(struct session *s, const struct session_io *io);
/* Writes state (at the current time, with no IP or remote) to the --status-file, if any. */
void session_report_status(struct session *s, const char *state);
/* Whether the last run saw the tunnel up. */
bool session_was_connected(const struct session *s);
/* Whether the user asked to stop (Ctrl-C, SIGTERM) during the last run. */
bool session_stop_was_asked(const struct session *s);
void session_free(struct session *s);

#endif
