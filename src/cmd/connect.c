/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token connect NAME: bring up the tunnel NAME that root's `serve` runs, as its one user
 * for now.  openvpn asks us for the certificate and every signature (external key): they come
 * from the user's own token, through the session's every rule (the choice, the PIN and its
 * cache, lockout protection, the removal watch).  Ctrl-C, or this process ending however it
 * ends, closes the management connection: openvpn takes the tunnel down and waits in its hold
 * for the next user, and the kernel drops our lock on the holder file.
 *
 * Exit: the session's codes (as attach), and 16 not served, 17 held by another user, 18 not in
 * the group (cli/exit_codes.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "codec/utc.h"
#include "mgmt/conn.h"
#include "pkcs11/provider.h"
#include "pkcs11/provider_select.h"
#include "platform/platform.h"
#include "program/world.h"
#include "session/session.h"
#include "ui/output.h"

/* The holder file while we hold the tunnel: who we are, then the session's status text. */
struct holding {
	struct plat_held_file *file;
	char user[64];
	long uid, pid;
	char since[32];
};

static void holder_write(void *ctx, const char *status, size_t len)
{
	struct holding *h = ctx;
	char text[SERVED_FILE_MAX], copy[SERVED_FILE_MAX];
	size_t n;

	snprintf(copy, sizeof copy, "%.*s", (int)len, status);
	n = served_holder_text(h->user, h->uid, h->pid, h->since, copy, text, sizeof text);
	if (n > 0)
		plat_held_file_write(h->file, text, n);
}

/* The lock on the holder file: ours, or a refusal naming who has it. */
static int take_holder(const struct served_view *v, struct holding *h)
{
	struct served_view now;
	char err[600];
	long holder;

	h->file = plat_hold_file(v->paths.holder, false, &holder, err, sizeof err);
	if (h->file != NULL) {
		h->uid = plat_user_id();
		h->pid = plat_process_id();
		plat_user_name(h->uid, h->user, sizeof h->user);
		utc_text((long long)time(NULL), UTC_ISO8601, h->since, sizeof h->since);
		holder_write(h, "state=CONNECTING\n", strlen("state=CONNECTING\n"));
		return EXIT_OK;
	}
	if (holder <= 0) {
		out_error("cannot take %s: %s", v->name, err);
		return EXIT_INTERNAL;
	}
	/* Looked at again: who holds it now, as its process says. */
	served_view_load(v->name, &now);
	if (now.holder_pid > 0 && now.holder_since[0] != '\0')
		out_error("%s is in use by %s since %s", v->name, now.holder_user, now.holder_since);
	else if (now.holder_pid > 0)
		out_error("%s is in use by %s", v->name, now.holder_user);
	else
		out_error("%s is in use (process %ld)", v->name, holder);
	served_view_holder_note(&now, err, sizeof err);
	if (err[0] != '\0')
		out_error("%s", err);
	return EXIT_IN_USE;
}

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

/* openvpn's management socket, and proof that root's openvpn (serve's) is at the other end. */
static int reach_openvpn(const struct served_view *v, struct mgmt_conn *conn)
{
	struct mgmt_address addr = {.is_unix = true};
	char err[600];

	snprintf(addr.path, sizeof addr.path, "%s", v->paths.socket);
	if (mgmt_conn_open(conn, &addr, err, sizeof err) != 0) {
		out_error("cannot reach %s's openvpn: %s", v->name, err);
		return EXIT_MGMT_FAILED;
	}
	/* Anyone else's socket there could collect the PIN's signatures: refuse before any answer. */
	if (plat_sock_check_root_peer(conn->sock, v->openvpn_pid, err, sizeof err) != 0) {
		out_error("%s; refusing", err);
		mgmt_conn_close(conn);
		return EXIT_MGMT_FAILED;
	}
	return EXIT_OK;
}

static int run(const struct options *opts, const struct served_view *v, struct session *s)
{
	struct holding h;
	const struct io_status sink = {&h, holder_write};
	struct mgmt_conn conn;
	int rc = choose_provider(opts, v, s);

	if (rc != EXIT_OK)
		return rc;
	memset(&h, 0, sizeof h);
	rc = take_holder(v, &h);
	if (rc != EXIT_OK)
		return rc;
	rc = reach_openvpn(v, &conn);
	if (rc == EXIT_OK) {
		out_status("Connecting %s (root's openvpn, pid %ld; your token signs)", v->name,
		           v->openvpn_pid);
		session_set_status_sink(s, &sink);
		rc = program_attach(s, &conn);
		session_set_status_sink(s, NULL);
		/* Detached: openvpn keeps running, as the session says, but held, without the tunnel. */
		if (rc == EXIT_OK)
			out_status("%s is down: root's openvpn waits for the next ovpn-token connect %s",
			           v->name, v->name);
	}
	/* Free again: nothing of ours stays in the file. */
	plat_held_file_write(h.file, "", 0);
	plat_held_file_release(h.file);
	return rc;
}

int cmd_connect(const struct options *opts)
{
	struct served_view v;
	struct session *s;
	char err[600];
	int rc;

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (!served_name_ok(opts->target)) {
		out_error("'%s' is not a tunnel's name: connect takes the NAME of serve's "
		          "/etc/openvpn/client/NAME.conf (ovpn-token status lists them)", opts->target);
		return EXIT_USAGE;
	}
	served_view_load(opts->target, &v);
	rc = served_view_refusal(&v);
	if (rc != EXIT_OK)
		return rc;
	s = session_new(opts, false);
	if (s == NULL)
		return EXIT_INTERNAL;
	rc = session_check_sources(s) == 0 ? run(opts, &v, s) : EXIT_USAGE;
	session_free(s);
	return rc;
}
