/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token start CONFIG: run openvpn on a management endpoint only we can reach, and manage
 * it until it ends; with --restart, start it again after failures a retry can fix.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/chosen_cert.h"
#include "cmd/cmd.h"
#include "cmd/openvpn_setup.h"
#include "cmd/session_settings.h"
#include "exit_codes.h"
#include "mgmt/conn.h"
#include "openvpn/argv.h"
#include "openvpn/config.h"
#include "openvpn/config_check.h"
#include "openvpn/signer_choice.h"
#include "platform/platform.h"
#include "program/world.h"
#include "served/served.h"
#include "session/session.h"
#include "ui/output.h"

#define SOCKET_NAME "management.sock"
#define PASSWORD_NAME "management.pw"
/* --external-key: the config as openvpn gets it, without its pkcs11-* lines. */
#define CONFIG_COPY_NAME "config.ovpn"
#define LOG_TAIL_LINES 8

struct start_run {
	char config[OVPN_CONFIG_PATH_MAX]; /* absolute: openvpn runs in the config's folder */
	char openvpn_config[OVPN_CONFIG_PATH_MAX]; /* what openvpn's --config gets: config, or our copy */
	char workdir[OVPN_CONFIG_PATH_MAX];
	char dir[256];
	struct mgmt_address addr;       /* where we connect */
	char management_arg[512];       /* what openvpn's --management gets (path or host) */
	char port[16];
	char password_file[320];        /* TCP only: the random management password */
	char log_path[OVPN_CONFIG_PATH_MAX];
	bool via_service;               /* Windows: OpenVPN's interactive service starts openvpn */
	bool external_key;              /* we sign: asked (--external-key) or chosen (signer_choose) */
	struct plat_child *child;
	char stem[160];                 /* the config's instance: NAME-HASH (lock, chosen cert) */
	char tunnel_file[300];          /* in dir: what `status` reads of this tunnel */
	struct chosen_cert chosen;
	const struct options *opts;
	const struct ovpn_config_settings *settings;
};

/*
 * What names a config's instance: its file name without the extension ("~/vpn/office.ovpn" ->
 * "office"; on Windows also "C:\\Users\\anna\\office.ovpn") and a hash of its one canonical
 * path, so that "./office.ovpn", a link to it and its full path are one config, and two
 * office.ovpn in different folders are two.
 */
static void config_name(const char *path, char *out, size_t outsz, unsigned long long *id)
{
	char real[1024];
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a */

	if (plat_canonical_path(path, real, sizeof real) != 0)
		snprintf(real, sizeof real, "%s", path);
	for (const unsigned char *p = (const unsigned char *)real; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	*id = h;
	ovpn_config_name(real, out, outsz);
}

/*
 * --log wins; else the config's own log line (openvpn writes there, so that is what to show
 * and read); else a file of ours per config.
 */
static int choose_log_path(const struct options *opts, const struct ovpn_config_settings *settings,
                           struct start_run *l)
{
	char name[128], stem[160], err[512], found[512], found_name[128];
	unsigned long long id, found_id;
	bool by_name = false;

	if (opts->log_file != NULL) {
		snprintf(l->log_path, sizeof l->log_path, "%s", opts->log_file);
	} else if (settings->log_line != 0 && settings->log_file[0] != '\0') {
		/* Already resolved from openvpn's folder (ovpn_config_load). */
		snprintf(l->log_path, sizeof l->log_path, "%s", settings->log_file);
		out_verbose("openvpn logs where the config's line %d says", settings->log_line);
	} else {
		/*
		 * NAME.log for the config "start NAME" finds in OpenVPN's config folders (one per
		 * name), NAME-HASH.log for any other: two office.ovpn in two folders get two logs.
		 */
		config_name(l->config, name, sizeof name, &id);
		if (plat_resolve_config(name, found, sizeof found) == 0 && plat_path_base(found) != found) {
			config_name(found, found_name, sizeof found_name, &found_id);
			by_name = found_id == id;
		}
		if (by_name)
			snprintf(stem, sizeof stem, "%s", name);
		else
			snprintf(stem, sizeof stem, "%s-%08llx", name, id >> 32);
		if (plat_default_log_path(stem, l->log_path, sizeof l->log_path, err, sizeof err) != 0) {
			out_error("cannot create a log file for openvpn (%s); name one with --log FILE",
			          err);
			return -1;
		}
	}
	return 0;
}

/*
 * Found out before openvpn starts, not as a baffling "cannot run openvpn" from the child; and
 * made here, private and never through a link, so that openvpn's own append finds it so.
 */
static int check_log_writable(const struct start_run *l)
{
	char err[512];

	if (plat_prepare_log(l->log_path, err, sizeof err) != 0) {
		out_error("cannot write the log file %s: %s", l->log_path, err);
		return -1;
	}
	return 0;
}

/*
 * One ovpn-token per config: a second would interleave the log and fight the first for the
 * server.  The lock's name: the config's name and the hash of its canonical path.  A lock that
 * cannot be taken for want of a safe state folder is not fixed by starting again: EXIT_SETUP.
 */
static struct plat_lock *take_instance_lock(struct start_run *l, int *code)
{
	char name[128], lock_name[160], err[600];
	unsigned long long id;
	struct plat_lock *lock;
	long owner;

	config_name(l->config, name, sizeof name, &id);
	snprintf(lock_name, sizeof lock_name, "%s-%016llx", name, id);
	snprintf(l->stem, sizeof l->stem, "%s", lock_name);
	lock = plat_lock_take(lock_name, &owner, err, sizeof err);
	if (lock != NULL)
		return lock;
	if (owner > 0) {
		out_error("ovpn-token is already running for %s (pid %ld); stop that one first",
		          l->config, owner);
		*code = EXIT_ALREADY_RUNNING;
	} else {
		out_error("cannot take the instance lock: %s", err);
		*code = EXIT_SETUP;
	}
	return NULL;
}

/* A unix socket in our private directory; else 127.0.0.1 with a random password. */
static int prepare_endpoint(struct start_run *l, struct session *s)
{
	unsigned char raw[24];
	char password[2 * sizeof raw + 1], err[512];
	int rc;

	if (plat_has_unix_sockets()) {
		l->addr.is_unix = true;
		snprintf(l->addr.path, sizeof l->addr.path, "%s/%s", l->dir, SOCKET_NAME);
		snprintf(l->management_arg, sizeof l->management_arg, "%s", l->addr.path);
		return 0;
	}
	if (plat_free_local_port(l->port, sizeof l->port) != 0 ||
	    plat_random_bytes(raw, sizeof raw) != 0) {
		out_error("cannot prepare a management port");
		return -1;
	}
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(password + 2 * i, 3, "%02x", raw[i]);
	snprintf(l->addr.host, sizeof l->addr.host, "127.0.0.1");
	snprintf(l->addr.port, sizeof l->addr.port, "%s", l->port);
	snprintf(l->management_arg, sizeof l->management_arg, "127.0.0.1");
	snprintf(l->password_file, sizeof l->password_file, "%s/%s", l->dir, PASSWORD_NAME);
	rc = plat_write_private_file(l->password_file, password, strlen(password), err, sizeof err);
	if (rc == 0)
		rc = session_set_mgmt_password(s, password);
	else
		out_error("%s", err);
	plat_wipe(password, sizeof password);
	plat_wipe(raw, sizeof raw);
	return rc;
}

/*
 * ---- OpenVPN's interactive service (Windows; --service) ----
 * A user who is not an administrator cannot create the adapter and routes, so (like OpenVPN
 * GUI) we may ask the service to start openvpn instead.  It lets such a user pass only a short
 * list of options: not --pkcs11-id-management and none of --external-key's, so the config must
 * choose its certificate itself.  The management password goes to openvpn's stdin.
 */
static int choose_service(const struct options *opts, const struct ovpn_config_settings *settings,
                          struct start_run *l, const char *config)
{
	char why[512];

	if (opts->service_mode == SERVICE_NEVER)
		return EXIT_OK;
	/* always: whatever is wrong with the service is said when we ask it (spawn). */
	if (opts->service_mode == SERVICE_AUTO &&
	    (plat_user_is_admin() || plat_service_check(why, sizeof why) != 0))
		return EXIT_OK;
	if (opts->external_key) {
		out_error("--external-key cannot go through OpenVPN's interactive service (it does not "
		          "pass --management-external-key for you); use --service never as an "
		          "administrator");
		return EXIT_USAGE;
	}
	if (!settings->pkcs11_id && !settings->pkcs11_id_management) {
		out_error("%s: through OpenVPN's interactive service the config must carry the line "
		          "'pkcs11-id-management' itself (the service does not let ovpn-token add "
		          "--pkcs11-id-management); add it to the config, or name a pkcs11-id",
		          config);
		return EXIT_USAGE;
	}
	out_verbose("openvpn is started by OpenVPN's interactive service");
	l->via_service = true;
	return EXIT_OK;
}

/*
 * Through the service openvpn is not our child: no job ends it if we are killed.  Its stdin
 * gets the management password.
 */
static int spawn_through_service(const char *const *args, struct start_run *l)
{
	char err[1200], *pw;
	long n;
	size_t pwsz = 256;

	pw = plat_secure_alloc(pwsz);
	if (pw == NULL) {
		out_error("out of memory");
		return -1;
	}
	n = plat_read_file(l->password_file, pw, pwsz - 2, err, sizeof err);
	if (n < 0) {
		out_error("%s", err);
		plat_secure_free(pw, pwsz);
		return -1;
	}
	pw[n] = '\n';
	pw[n + 1] = '\0';
	l->child = plat_service_spawn(args, l->workdir, pw, err, sizeof err);
	plat_secure_free(pw, pwsz);
	if (l->child == NULL) {
		out_error("%s", err);
		return -1;
	}
	return 0;
}

static int spawn_openvpn(const struct options *opts, const struct ovpn_config_settings *settings,
                         struct start_run *l)
{
	const char *argv[OVPN_ARGV_MAX];
	char program[512], err[512];
	struct ovpn_argv_spec d = {
		.config = l->openvpn_config,
		.mgmt_unix = l->addr.is_unix,
		.mgmt_host = l->management_arg,
		.mgmt_port = l->port,
		/* The service takes the password on openvpn's stdin. */
		.mgmt_password_file = l->via_service ? NULL : l->password_file,
		.external_key = l->external_key,
		.pkcs11_id_management = ovpn_config_wants_id_management(settings),
		.auth_retry_interact = ovpn_config_wants_auth_retry(settings),
	};

	/*
	 * Through the service openvpn's stdout goes nowhere: only a log it opens itself shows
	 * the config's errors.  Our own child writes to the log we give it; the user's --log must
	 * still win over the config's log line.
	 */
	if (l->via_service || (opts->log_file != NULL && settings->log_line != 0))
		d.log_file = l->log_path;
	if (!l->via_service) {
		setup_program_path(opts->openvpn, program, sizeof program);
		d.program = program;
	}
	if (ovpn_argv_build(&d, argv, OVPN_ARGV_MAX) < 0) {
		out_error("internal error: too many arguments for openvpn");
		return -1;
	}
	if (l->via_service)
		return spawn_through_service(argv, l);
	l->child = plat_spawn(argv, l->log_path, l->workdir, err, sizeof err);
	if (l->child == NULL) {
		out_error("%s", err);
		return -1;
	}
	return 0;
}

/* ---- the openvpn_ops: how the session runs openvpn ---- */

static int ops_spawn(void *ctx)
{
	struct start_run *l = ctx;

	return spawn_openvpn(l->opts, l->settings, l);
}

static bool ops_exited(void *ctx, int *status)
{
	struct start_run *l = ctx;

	return l->child == NULL || plat_child_exited(l->child, status);
}

static void ops_terminate(void *ctx)
{
	struct start_run *l = ctx;

	if (l->child != NULL)
		plat_child_terminate(l->child);
}

static void ops_kill(void *ctx)
{
	struct start_run *l = ctx;

	if (l->child != NULL)
		plat_child_kill(l->child);
}

static void ops_tell_end(void *ctx, int status, const char *when)
{
	static char tail[8192];
	struct start_run *l = ctx;
	char how[64], note[1024];

	plat_describe_exit(status, how, sizeof how);
	plat_child_exit_note(l->child, note, sizeof note);
	if (note[0] != '\0')
		out_error("%s", note);
	out_error("openvpn %s%s; the end of its log (%s):", how, when, l->log_path);
	if (plat_read_file_tail(l->log_path, tail, sizeof tail) >= 0)
		out_tail(tail, LOG_TAIL_LINES, "  | ");
}

static void ops_forget(void *ctx)
{
	struct start_run *l = ctx;

	plat_child_free(l->child);
	l->child = NULL;
}

/* One attempt to reach openvpn's management interface, and to make sure it is openvpn's. */
static enum io_open_result ops_connect(void *ctx, struct mgmt_conn *conn, char *err,
                                            size_t errsz)
{
	struct start_run *l = ctx;

	if (mgmt_conn_open(conn, &l->addr, err, errsz) != 0)
		return IO_OPEN_NOT_YET;
	/* The 0700 directory keeps others out; this catches what got in anyway. */
	switch (plat_sock_check_peer(conn->sock, plat_child_pid(l->child), err, errsz)) {
	case PLAT_PEER_OURS:
		return IO_OPEN_OK;
	case PLAT_PEER_UNKNOWN:
		mgmt_conn_close(conn);
		return IO_OPEN_UNVERIFIED;
	case PLAT_PEER_FOREIGN:
		break;
	}
	out_error("%s; refusing", err);
	mgmt_conn_close(conn);
	return IO_OPEN_FOREIGN;
}

static struct plat_child *ops_child(void *ctx)
{
	struct start_run *l = ctx;

	return l->child;
}

/*
 * OpenVPN loads the config's provider only after the hold is released, and a broken one then
 * looks like a missing token forever: load it once ourselves first.
 */
static int check_provider(const struct ovpn_config_settings *settings, const char *config)
{
	char err[512];

	if (settings->pkcs11_providers[0] == '\0' ||
	    plat_check_pkcs11_module(settings->pkcs11_providers, err, sizeof err) == 0)
		return 0;
	out_error("%s: the PKCS#11 provider '%s' (pkcs11-providers) cannot be used: %s", config,
	          settings->pkcs11_providers, err);
	return -1;
}

/* Whether we sign for openvpn: the user's word, else the rule of openvpn/signer_choice.h. */
static void choose_signer(const struct options *opts, const struct ovpn_config_settings *settings,
                          struct start_run *l)
{
	enum signer_asked asked = signer_asked_by(opts->external_key, opts->no_external_key);
	struct signer_choice c = signer_choose(asked, settings, opts->provider, l->via_service);

	l->external_key = c.ovpn_token_signs;
	out_verbose("%s signs for openvpn (%s)", c.ovpn_token_signs ? "ovpn-token" : "openvpn", c.why);
}

static int prepare(const struct options *opts, struct ovpn_config_settings *settings,
                   struct start_run *l)
{
	static struct ovpn_config cfg; /* some 60 KiB: not for the stack */
	char err[1200];
	int rc;

	if (ovpn_config_load(opts->target, &cfg, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	memcpy(l->config, cfg.path, sizeof l->config);
	memcpy(l->workdir, cfg.dir, sizeof l->workdir);
	*settings = cfg.settings;
	rc = choose_service(opts, settings, l, cfg.path);
	if (rc != EXIT_OK)
		return rc;
	choose_signer(opts, settings, l);
	if (setup_check_config(settings,
	                        &(struct config_check_mode){opts->cert_pattern != NULL,
	                                                    l->external_key},
	                        cfg.path) != 0)
		return EXIT_USAGE;
	if (check_provider(settings, cfg.path) != 0)
		return EXIT_PROVIDER;
	return choose_log_path(opts, settings, l) == 0 ? EXIT_OK : EXIT_USAGE;
}

/* We sign and the config has pkcs11-* lines: openvpn gets a copy without them. */
static int prepare_config_copy(const struct ovpn_config_settings *settings, struct start_run *l)
{
	snprintf(l->openvpn_config, sizeof l->openvpn_config, "%s", l->config);
	if (!l->external_key || settings->pkcs11_options[0] == '\0')
		return 0;
	snprintf(l->openvpn_config, sizeof l->openvpn_config, "%s/%s", l->dir, CONFIG_COPY_NAME);
	return setup_write_config_copy(l->config, l->openvpn_config);
}

/*
 * Until OpenVPN confirms the signal (at most 2 s): a client gone before its command was read
 * is a disconnect, which a held openvpn ignores.
 */
static bool signal_taken(struct mgmt_conn *conn)
{
	const struct plat_wait_set set = {.peer = conn->sock, .deadline_ms = plat_now_ms() + 2000};
	char err[200], *line;
	size_t len;
	unsigned ready;

	for (;;) {
		while (mgmt_line_reader_next(&conn->reader, &line, &len) == MGMT_LINE_OK)
			if (strncmp(line, "SUCCESS: signal", 15) == 0)
				return true;
		if (plat_wait(&set, &ready) != PLAT_WAIT_READY || mgmt_conn_fill(conn, err, sizeof err) <= 0)
			return false;
	}
}

/*
 * The run folder of an ovpn-token that was killed: its openvpn may still wait in its hold on
 * the socket there (--management-signal keeps it alive, held, when the kernel did not end it
 * with us: a setcap openvpn).  Nobody else could reach it: tell it to go.
 */
static void end_orphan(const char *dir, void *arg)
{
	struct mgmt_address addr = {.is_unix = true};
	struct mgmt_conn conn;
	char err[300];

	(void)arg;
	if ((size_t)snprintf(addr.path, sizeof addr.path, "%s/%s", dir, SOCKET_NAME) >=
	        sizeof addr.path ||
	    !plat_has_unix_sockets() || mgmt_conn_open(&conn, &addr, err, sizeof err) != 0)
		return;
	if (mgmt_conn_send(&conn, REPLY_STATUS, 0, "signal", (const char *const[]){"SIGTERM", NULL}) ==
	        MGMT_CMD_OK &&
	    signal_taken(&conn))
		out_verbose("told the openvpn a killed ovpn-token left in %s to exit", dir);
	mgmt_conn_close(&conn);
}

/* The config is read and ours alone: run openvpn under a session until it is over. */
/* The run folder's tunnel file: which config, which process, then the session's status text. */
static void tunnel_file_write(void *ctx, const char *status, size_t len)
{
	struct start_run *l = ctx;
	char name[256], text[SERVED_FILE_MAX], err[512];
	int n;

	ovpn_config_name(l->config, name, sizeof name);
	n = snprintf(text, sizeof text, "name=%s\nconfig=%s\npid=%ld\n%.*s", name, l->config,
	             plat_process_id(), (int)len, status);
	if (n > 0 && (size_t)n < sizeof text)
		plat_replace_file(l->tunnel_file, text, (size_t)n, err, sizeof err);
}

static int start_session(const struct options *opts, const struct ovpn_config_settings *settings,
                         struct start_run *l)
{
	const struct program_openvpn_ops openvpn_ops = {
		.openvpn = {l, ops_spawn, ops_exited, ops_terminate, ops_kill,
		            ops_tell_end, ops_forget},
		.connect = ops_connect,
		.child = ops_child,
	};
	const struct io_status tunnel_sink = {l, tunnel_file_write};
	struct session_settings for_session = session_settings_from(
	    opts, l->external_key ? SESSION_KEY_EXTERNAL : SESSION_KEY_OPENVPN);
	struct session *s;
	char err[512];
	int rc;

	for_session.openvpn_cert_rule = l->external_key && !opts->external_key;
	s = session_new(&for_session, true);
	if (s == NULL)
		return EXIT_INTERNAL;
	if (session_check_sources(s) != 0 || check_log_writable(l) != 0) {
		session_free(s);
		return EXIT_USAGE;
	}
	if (opts->provider == NULL)
		session_set_provider(s, settings->pkcs11_providers);
	if (settings->pkcs11_id)
		session_set_config_id(s, settings->pkcs11_id_value);
	/* With --external-key openvpn logs in to no token: our signer does, and names the pad. */
	session_set_openvpn_pinpads(s, settings->pkcs11_pinpad_logins && !l->external_key);
	chosen_cert_load(&l->chosen, l->stem);
	session_set_remembered_cert(s, &l->chosen.memory, chosen_cert_save, &l->chosen);
	plat_remove_stale_run_dirs(end_orphan, NULL);
	if (plat_make_private_dir(l->dir, sizeof l->dir, err, sizeof err) != 0) {
		out_error("cannot make a private folder for the management interface: %s", err);
		session_free(s);
		return EXIT_SETUP;
	}
	snprintf(l->tunnel_file, sizeof l->tunnel_file, "%s/%s", l->dir, SERVED_RUN_FILE);
	tunnel_file_write(l, "state=CONNECTING\n", strlen("state=CONNECTING\n"));
	session_set_status_sink(s, &tunnel_sink);
	out_status("OpenVPN log: %s", l->log_path);
	l->opts = opts;
	l->settings = settings;
	rc = prepare_endpoint(l, s) == 0 && prepare_config_copy(settings, l) == 0
	         ? program_start(s, &openvpn_ops)
	         : EXIT_INTERNAL;
	session_free(s);
	if (strcmp(l->openvpn_config, l->config) != 0)
		remove(l->openvpn_config);
	remove(l->tunnel_file);
	plat_remove_private_dir(l->dir, l->addr.is_unix ? SOCKET_NAME : PASSWORD_NAME);
	return rc;
}

int cmd_start(const struct options *opts)
{
	struct ovpn_config_settings settings;
	struct start_run l;
	struct plat_lock *lock;
	int rc;

	memset(&l, 0, sizeof l);
	rc = prepare(opts, &settings, &l);
	if (rc != EXIT_OK)
		return rc;
	lock = take_instance_lock(&l, &rc);
	if (lock == NULL)
		return rc;
	rc = start_session(opts, &settings, &l);
	plat_lock_release(lock);
	return rc;
}
