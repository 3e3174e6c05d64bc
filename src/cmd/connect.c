/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token connect NAME: bring up the tunnel NAME that root's `serve` runs, as its one user
 * for now.  openvpn asks us for the certificate and every signature (external key): they come
 * from the user's own token, through the session's every rule (the choice, the PIN and its
 * cache, lockout protection, the removal watch).  We talk to root's serve, the broker of
 * openvpn's management connection: the connection it takes is the holder.  Ctrl-C, or this
 * process ending however it ends, closes it: serve has openvpn take the tunnel down and wait in
 * its hold for the next user.
 *
 * Exit: the session's codes (as attach), and 16 not served, 17 held by another user, 18 not in
 * the group (exit_codes.h).
 */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "cmd/session_settings.h"
#include "mgmt/conn.h"
#include "pkcs11/provider.h"
#include "pkcs11/provider_select.h"
#include "platform/platform.h"
#include "program/world.h"
#include "session/session.h"
#include "ui/output.h"
#include "ui/sanitize.h"

/* The token's provider: --provider, else the one serve announces (the config's), else ours. */
static int choose_provider(const struct options *opts, const struct served_view *v,
                           struct session *s)
{
	enum p11_provider_source source;
	struct p11_provider *p;
	char used[1024], err[768];

	p = p11_provider_select(opts->provider, v->provider, used, sizeof used, &source, err,
	                        sizeof err);
	if (p == NULL) {
		out_error("%s -- name your token's PKCS#11 module with --provider LIB", err);
		return EXIT_PROVIDER;
	}
	/* Kept loaded, not finalized: the session's looks and signer take this same load. */
	p11_provider_leave(p);
	out_verbose("PKCS#11 provider %s (from %s)", used, p11_provider_source_name(source));
	session_set_provider(s, used);
	/* Root's openvpn logs in to no token (external key): our signer does, and names the pad. */
	session_set_openvpn_pinpads(s, false);
	return EXIT_OK;
}

/* How long serve may take to greet us: openvpn returns to its hold within a second or two. */
#define GREETING_MS 15000

/*
 * serve's first line: openvpn's greeting (left in the buffer for the session), or why not now
 * ("ERROR: office is in use by anna since 09:12").  EXIT_OK, or the exit code after saying it.
 */
static int first_line(const struct served_view *v, struct mgmt_conn *conn)
{
	long long end = plat_now_ms() + GREETING_MS;
	struct mgmt_line_reader *r = &conn->reader;
	struct served_view now;
	char err[600], shown[600];

	while (memchr(r->buf + r->start, '\n', r->len - r->start) == NULL) {
		struct plat_wait_set set = {.peer = conn->sock, .deadline_ms = end};
		unsigned ready;
		enum plat_wait_result w = plat_wait(&set, &ready);

		if (w == PLAT_WAIT_INTERRUPT && plat_take_interrupt())
			return EXIT_CANCELLED;
		if (w == PLAT_WAIT_TIMEOUT) {
			out_error("%s's serve did not answer in %d s: sudo systemctl restart "
			          "ovpn-token-serve@%s", v->name, GREETING_MS / 1000, v->name);
			return EXIT_MGMT_FAILED;
		}
		if (w == PLAT_WAIT_READY && mgmt_conn_fill(conn, err, sizeof err) <= 0) {
			out_error("%s's serve closed the connection before a word", v->name);
			return EXIT_NOT_SERVED;
		}
	}
	if (strncmp(r->buf + r->start, "ERROR: ", 7) != 0)
		return EXIT_OK;
	sanitize_text(shown, sizeof shown, r->buf + r->start + 7,
	              (size_t)((char *)memchr(r->buf + r->start, '\n', r->len - r->start) -
	                       (r->buf + r->start + 7)));
	out_error("%s", shown);
	if (strstr(shown, " is in use by ") == NULL)
		return EXIT_NOT_SERVED;
	/* A holder whose token is out holds a tunnel that is down: say so, and who can free it. */
	served_view_load(v->name, &now);
	served_view_holder_note(&now, err, sizeof err);
	if (err[0] != '\0')
		out_error("%s", err);
	return EXIT_IN_USE;
}

/* serve's members' socket, and proof that root's serve (this tunnel's) is at the other end. */
static int reach_serve(const struct served_view *v, struct mgmt_conn *conn)
{
	struct mgmt_address addr = {.is_unix = true};
	char err[600];
	int rc;

	snprintf(addr.path, sizeof addr.path, "%s", v->paths.socket);
	if (mgmt_conn_open(conn, &addr, err, sizeof err) != 0) {
		out_error("cannot reach %s's serve: %s", v->name, err);
		return EXIT_MGMT_FAILED;
	}
	/* Anyone else's socket there could collect the PIN's signatures: refuse before any answer. */
	if (plat_sock_check_root_peer(conn->sock, v->serve_pid, err, sizeof err) != 0) {
		out_error("%s; refusing", err);
		mgmt_conn_close(conn);
		return EXIT_MGMT_FAILED;
	}
	rc = first_line(v, conn);
	if (rc != EXIT_OK)
		mgmt_conn_close(conn);
	return rc;
}

/*
 * The connection ended under us: if serve itself stopped or was restarted (root's doing), say
 * so and what to run, rather than only that the connection closed (doc/guide.md, "When two
 * things happen at once").
 */
static int after_lost(const struct served_view *v, int rc)
{
	struct served_view now;

	if (rc != EXIT_MGMT_FAILED)
		return rc;
	served_view_load(v->name, &now);
	if (now.serve_pid == v->serve_pid && strcmp(now.state, "STOPPED") != 0)
		return rc;
	if (now.serve_pid != 0 && now.serve_pid != v->serve_pid)
		out_error("%s's service was restarted while you were connected (by root): connect "
		          "again: ovpn-token connect %s", v->name, v->name);
	else
		out_error("%s's service stopped while you were connected (by root): once "
		          "`ovpn-token status` shows it again, run: ovpn-token connect %s", v->name,
		          v->name);
	return EXIT_NOT_SERVED;
}

/*
 * The session's status text, told to serve (ovpn-token-state, serve's own command): the holder
 * file and `status` show the session's state as the member sees it (TOKEN_REMOVED too).
 */
static void tell_serve(void *ctx, const char *text, size_t len)
{
	struct mgmt_conn *conn = ctx;
	char copy[SERVED_FILE_MAX], v[4][64], line[512];
	const char *keys[4] = {"state", "time", "tunnel_ip", "remote"};
	const char *args[5];
	size_t n;

	snprintf(copy, sizeof copy, "%.*s", (int)len, text);
	for (int i = 0; i < 4; i++) {
		served_value(copy, keys[i], v[i], sizeof v[i]);
		args[i] = v[i];
	}
	/*
	 * EXITED is the session's last word, said after it closed the connection (the socket is
	 * gone then): serve sees the connection end anyway.
	 */
	if (strcmp(v[0], "EXITED") == 0 || conn->sock == NULL)
		return;
	args[4] = NULL;
	if (mgmt_command_build(line, sizeof line, &n, "ovpn-token-state", args) == MGMT_CMD_OK)
		plat_sock_write_all(conn->sock, line, n);
}

static int run(const struct options *opts, const struct served_view *v, struct session *s)
{
	struct mgmt_conn conn;
	const struct io_status sink = {&conn, tell_serve};
	int rc = choose_provider(opts, v, s);

	if (rc != EXIT_OK)
		return rc;
	rc = reach_serve(v, &conn);
	if (rc != EXIT_OK)
		return rc;
	out_status("Connecting %s (root's openvpn, pid %ld; your token signs)", v->name,
	           v->openvpn_pid);
	session_set_status_sink(s, &sink);
	rc = program_attach(s, &conn);
	session_set_status_sink(s, NULL);
	/* Detached: openvpn keeps running, as the session says, but held, without the tunnel. */
	if (rc == EXIT_OK)
		out_status("%s is down: root's openvpn waits for the next ovpn-token connect %s",
		           v->name, v->name);
	return after_lost(v, rc);
}

int cmd_connect(const struct options *opts)
{
	/* serve's openvpn asks each member for the certificate and every signature. */
	const struct session_settings settings = session_settings_from(opts, SESSION_KEY_EXTERNAL);
	struct served_view v;
	struct session *s;
	char err[600];
	int rc;

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (!served_name_ok(opts->target)) {
		out_error("'%s' is not a tunnel's name (%s): connect takes the NAME of serve's "
		          "/etc/openvpn/client/NAME.conf (ovpn-token status lists them)", opts->target,
		          served_name_rule());
		return EXIT_USAGE;
	}
	served_view_load(opts->target, &v);
	rc = served_view_refusal(&v);
	if (rc != EXIT_OK)
		return rc;
	s = session_new(&settings, false);
	if (s == NULL)
		return EXIT_INTERNAL;
	rc = session_check_sources(s) == 0 ? run(opts, &v, s) : EXIT_USAGE;
	session_free(s);
	return rc;
}
