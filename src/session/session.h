/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The management session: answers OpenVPN's requests until the tunnel is over, and (start)
 * runs the openvpn process itself.  What a person chose and confirmed (the certificate, the
 * PIN) survives restarts of openvpn.
 */
#ifndef OVPN_TOKEN_SESSION_H
#define OVPN_TOKEN_SESSION_H

#include <stdbool.h>

#include "session/cert_memory.h"
#include "session/io.h"
#include "session/settings.h"

struct session;

/*
 * settings: the command's, for the session's life.  owns_openvpn: we started it (start), so
 * Ctrl-C and cancelling stop it; otherwise (attach) they only detach.  NULL when out of memory
 * (said why).
 */
struct session *session_new(const struct session_settings *settings, bool owns_openvpn);
/* A management password we chose ourselves (start on systems without unix sockets). */
int session_set_mgmt_password(struct session *s, const char *password);
/* The PKCS#11 module to look at the tokens with (lockout protection, late tokens); "" none. */
void session_set_provider(struct session *s, const char *path);
/* The config's own pkcs11-id, so a failure can be blamed on it when it names no certificate. */
void session_set_config_id(struct session *s, const char *id);
/* Whether OpenVPN logs in through a reader's PIN pad (the config's pkcs11-protected-authentication). */
void session_set_openvpn_pinpads(struct session *s, bool on);
/*
 * The certificate chosen on an earlier run of the same config (NULL or sha256 "": none): used by
 * itself when it is on the token (the remembered token first) and can log in, or its renewal,
 * unless --cert says otherwise.  on_choice is told each choice a person makes (the menu,
 * --cert) and a renewal taken, to remember for the next run.
 */
void session_set_remembered_cert(struct session *s, const struct cert_memory *remembered,
                                 void (*on_choice)(void *arg, const struct cert_memory *chosen),
                                 void *arg);
/*
 * Where the status text (what --status-file gets) goes as well: connect keeps the holder file
 * of a served tunnel up to date with it.  NULL: nowhere else.  It must outlive the runs.
 */
void session_set_status_sink(struct session *s, const struct io_status *sink);
/* Checks the secret sources before anything is sent.  -1 after saying why. */
int session_check_sources(struct session *s);
void session_free(struct session *s);

/*
 * The loop itself, through any world (io.h): what program/world.c runs for start and attach,
 * and what tests and fuzzers drive.
 */
int session_run(struct session *s, const struct session_world *w);

/* What the program's world needs of the session (program/world.c). */
const char *session_provider(const struct session *s);
const char *session_status_file(const struct session *s);
/* Who signs: openvpn through its PKCS#11 support, we (the external key), or as openvpn asks. */
enum session_key_mode session_who_signs(const struct session *s);
const struct io_status *session_status_sink(const struct session *s);

#endif
