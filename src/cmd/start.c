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

#include "cmd/cmd.h"
#include "cli/exit_codes.h"
#include "mgmt/conn.h"
#include "openvpn/config.h"
#include "openvpn/config_check.h"
#include "platform/platform.h"
#include "session/session.h"
#include "ui/output.h"

#define SOCKET_NAME "management.sock"
#define PASSWORD_NAME "management.pw"
/* --external-key: the config as openvpn gets it, without its pkcs11-* lines. */
#define CONFIG_COPY_NAME "config.ovpn"
/* openvpn opens its management socket early; a slow start is a broken start. */
#define SOCKET_WAIT_MS 30000
#define LOG_TAIL_LINES 8
/* --restart waits 1, 2, 4 ... seconds, never more than this. */
#define RESTART_DELAY_MAX_S 60
/* A run that stayed up this long starts the backoff again from the beginning. */
#define RESTART_RESET_S 300

struct launch {
	char config[512];               /* absolute: openvpn runs in the config's folder */
	char openvpn_config[512];       /* what openvpn's --config gets: config, or our copy */
	char workdir[512];
	char dir[256];
	struct mgmt_address addr;       /* where we connect */
	char management_arg[512];       /* what openvpn's --management gets (path or host) */
	char port[16];
	char password_file[320];        /* TCP only: the random management password */
	char log_path[512];
	bool via_service;               /* Windows: OpenVPN's interactive service starts openvpn */
	struct plat_child *child;
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
	const char *base, *dot;
	unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
	size_t n;

	if (plat_canonical_path(path, real, sizeof real) != 0)
		snprintf(real, sizeof real, "%s", path);
	for (const unsigned char *p = (const unsigned char *)real; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	*id = h;
	base = plat_path_base(real);
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

/* A config file name as openvpn resolves it: from its working directory, after any "cd". */
static int config_file_path(const struct launch *l, const struct ovpn_config_facts *facts,
                            const char *name, char *out, size_t outsz)
{
	char dir[512];

	if (facts->cd_line == 0)
		return plat_path_join(l->workdir, name, out, outsz);
	if (plat_path_join(l->workdir, facts->cd_dir, dir, sizeof dir) != 0)
		return -1;
	return plat_path_join(dir, name, out, outsz);
}

/*
 * --log wins; else the config's own log line (openvpn writes there, so that is what to show
 * and read); else a file of ours per config.
 */
static int choose_log_path(const struct options *opts, const struct ovpn_config_facts *facts,
                           struct launch *l)
{
	char name[128], stem[160], err[512], found[512], found_name[128];
	unsigned long long id, found_id;
	bool by_name = false;

	if (opts->log_file != NULL) {
		snprintf(l->log_path, sizeof l->log_path, "%s", opts->log_file);
	} else if (facts->log_line != 0 && facts->log_file[0] != '\0') {
		if (config_file_path(l, facts, facts->log_file, l->log_path, sizeof l->log_path) != 0) {
			out_error("the config's log file name (line %d) is too long", facts->log_line);
			return -1;
		}
		out_verbose("openvpn logs where the config's line %d says", facts->log_line);
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
static int check_log_writable(const struct launch *l)
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
static struct plat_lock *take_instance_lock(const struct launch *l, int *code)
{
	char name[128], lock_name[160], err[600];
	unsigned long long id;
	struct plat_lock *lock;
	long holder;

	config_name(l->config, name, sizeof name, &id);
	snprintf(lock_name, sizeof lock_name, "%s-%016llx", name, id);
	lock = plat_lock_take(lock_name, &holder, err, sizeof err);
	if (lock != NULL)
		return lock;
	if (holder > 0) {
		out_error("ovpn-token is already running for %s (pid %ld); stop that one first",
		          l->config, holder);
		*code = EXIT_ALREADY_RUNNING;
	} else {
		out_error("cannot take the instance lock: %s", err);
		*code = EXIT_SETUP;
	}
	return NULL;
}

/* A unix socket in our private directory; else 127.0.0.1 with a random password. */
static int prepare_endpoint(struct launch *l, struct session *s)
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
static int choose_service(const struct options *opts, const struct ovpn_config_facts *facts,
                          struct launch *l, const char *config)
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
	if (!facts->pkcs11_id && !facts->pkcs11_id_management) {
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
 * Two-factor logins (session/auth.c): without auth-retry, OpenVPN exits on a CRV1 challenge
 * instead of asking again with it, so "interact" for a config with auth-user-pass, unless it
 * chose itself.  Not for other configs: auth-retry also turns 2.6's exit on a key it cannot
 * load (a pkcs11-pin-cache that expired) into endless retries.  IV_SSO tells the server which
 * pending-auth methods we answer.  Returns how many arguments it put into argv.
 */
static int two_factor_args(const struct ovpn_config_facts *facts, const char **argv)
{
	int argc = 0;

	if (facts->auth_user_pass && !facts->auth_retry) {
		argv[argc++] = "--auth-retry";
		argv[argc++] = "interact";
	}
	argv[argc++] = "--setenv";
	argv[argc++] = "IV_SSO";
	argv[argc++] = "crtext,openurl,webauth";
	return argc;
}

static int spawn_through_service(const struct ovpn_config_facts *facts, struct launch *l)
{
	const char *args[24];
	char err[1200], *pw;
	long n;
	int argc = 0;
	size_t pwsz = 256;

	/*
	 * First: openvpn takes the first log option it meets and its stdout goes nowhere under
	 * the service, so only a log opened before the config is read shows the config's errors.
	 * Appended, as our own start does.
	 */
	args[argc++] = "--log-append";
	args[argc++] = l->log_path;
	args[argc++] = "--config";
	args[argc++] = l->openvpn_config;
	args[argc++] = "--management";
	args[argc++] = l->management_arg;
	args[argc++] = l->port;
	args[argc++] = "stdin";
	args[argc++] = "--management-query-passwords";
	args[argc++] = "--management-hold";
	argc += two_factor_args(facts, args + argc);
	/*
	 * Not our child: no job ends it if we are killed.  This at least takes the tunnel down
	 * (openvpn restarts into the hold) when our management connection goes.
	 */
	args[argc++] = "--management-signal";
	args[argc] = NULL;
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

static int spawn_openvpn(const struct options *opts, const struct ovpn_config_facts *facts,
                         struct launch *l)
{
	const char *argv[28];
	char program[512], err[512];
	int argc = 0;

	if (l->via_service)
		return spawn_through_service(facts, l);
	/* openvpn runs in the config's folder: a relative --openvpn is ours, so make it absolute. */
	if (opts->openvpn == NULL)
		plat_find_openvpn(program, sizeof program);
	else if (strpbrk(opts->openvpn, "/\\") == NULL ||
	         plat_absolute_path(opts->openvpn, program, sizeof program) != 0)
		snprintf(program, sizeof program, "%s", opts->openvpn);
	argv[argc++] = program;
	argv[argc++] = "--config";
	argv[argc++] = l->openvpn_config;
	/* After --config, so these win over anything the config says. */
	argv[argc++] = "--management";
	argv[argc++] = l->management_arg;
	if (l->addr.is_unix) {
		argv[argc++] = "unix";
	} else {
		argv[argc++] = l->port;
		argv[argc++] = l->password_file;
	}
	argv[argc++] = "--management-query-passwords";
	argv[argc++] = "--management-hold";
	argc += two_factor_args(facts, argv + argc);
	if (opts->external_key) {
		/* OpenVPN asks us for the certificate and every signature (PROTOCOL.md). */
		argv[argc++] = "--management-external-key";
		argv[argc++] = "nopadding";
		argv[argc++] = "pkcs1";
		argv[argc++] = "pss";
		argv[argc++] = "digest";
		argv[argc++] = "--management-external-cert";
		argv[argc++] = "ovpn-token";
	} else if (!facts->pkcs11_id && !facts->pkcs11_id_management && !facts->own_cert_or_key) {
		/* (With cert/key of its own, OpenVPN refuses pkcs11-id-management: 2.7 URIs.) */
		argv[argc++] = "--pkcs11-id-management";
	}
	/* The user's --log wins over the config's log line, which would leave ours empty. */
	if (opts->log_file != NULL && facts->log_line != 0) {
		argv[argc++] = "--log-append";
		argv[argc++] = l->log_path;
	}
	argv[argc] = NULL;
	l->child = plat_spawn(argv, l->log_path, l->workdir, err, sizeof err);
	if (l->child == NULL) {
		out_error("%s", err);
		return -1;
	}
	return 0;
}

static void report_exit(const struct launch *l, int status, const char *when)
{
	static char tail[8192];
	char how[64], note[1024];

	plat_describe_exit(status, how, sizeof how);
	plat_child_exit_note(l->child, note, sizeof note);
	if (note[0] != '\0')
		out_error("%s", note);
	out_error("openvpn %s%s; the end of its log (%s):", how, when, l->log_path);
	if (plat_read_file_tail(l->log_path, tail, sizeof tail) >= 0)
		out_tail(tail, LOG_TAIL_LINES, "  | ");
}

enum connect_outcome { CONNECTED, OPENVPN_ENDED, INTERRUPTED, TIMED_OUT, FOREIGN_PEER };

/* Connects once openvpn listens; gives up when it ends first or the user interrupts. */
static enum connect_outcome connect_when_ready(struct launch *l, struct mgmt_conn *conn)
{
	long long deadline = plat_now_ms() + SOCKET_WAIT_MS;
	char err[512];
	int status;

	for (;;) {
		if (plat_child_exited(l->child, &status)) {
			report_exit(l, status, " before its management interface was up");
			return OPENVPN_ENDED;
		}
		if (mgmt_conn_open(conn, &l->addr, err, sizeof err) == 0)
			break;
		if (plat_take_interrupt())
			return INTERRUPTED;
		if (plat_now_ms() > deadline) {
			out_error("openvpn did not open its management interface: %s", err);
			return TIMED_OUT;
		}
		/* Until openvpn listens: try again in 50 ms, or stop at once on Ctrl-C. */
		if (plat_wait_until(NULL, plat_now_ms() + 50) == PLAT_WAIT_INTERRUPT) {
			plat_take_interrupt();
			return INTERRUPTED;
		}
	}
	/* The 0700 directory keeps others out; this catches what got in anyway. */
	if (plat_sock_check_peer(conn->sock, plat_child_pid(l->child), err, sizeof err) != 0) {
		out_error("%s; refusing", err);
		mgmt_conn_close(conn);
		return FOREIGN_PEER;
	}
	return CONNECTED;
}

struct run_result {
	int code;
	bool reached_management; /* openvpn got as far as its management interface */
	bool was_connected;
	bool user_stop;
};

static struct run_result run_once(const struct options *opts,
                                  const struct ovpn_config_facts *facts, struct launch *l,
                                  struct session *s)
{
	struct run_result r = {EXIT_OPENVPN_FAILED, false, false, false};
	struct mgmt_conn conn;
	int status;

	if (spawn_openvpn(opts, facts, l) != 0)
		return r;
	switch (connect_when_ready(l, &conn)) {
	case OPENVPN_ENDED:
		break;
	case INTERRUPTED:
		out_status("Stopping OpenVPN...");
		plat_child_stop(l->child, 0);
		out_status("OpenVPN stopped.");
		r.code = EXIT_OK;
		r.user_stop = true;
		break;
	case TIMED_OUT:
		plat_child_stop(l->child, 0);
		break;
	case FOREIGN_PEER:
		plat_child_stop(l->child, 0);
		r.code = EXIT_MGMT_FAILED;
		break;
	case CONNECTED:
		r.reached_management = true;
		r.code = session_run(s, &conn);
		r.was_connected = session_was_connected(s);
		r.user_stop = session_stop_was_asked(s);
		mgmt_conn_close(&conn);
		/* After a clean "signal SIGTERM" openvpn is on its way out; otherwise make it go. */
		status = plat_child_stop(l->child, r.code == EXIT_OPENVPN_FAILED ? 5000 : 10000);
		if (r.code == EXIT_OPENVPN_FAILED || r.code == EXIT_MGMT_FAILED)
			report_exit(l, status, "");
		else
			out_status("OpenVPN stopped.");
		break;
	}
	plat_child_free(l->child);
	l->child = NULL;
	return r;
}

/*
 * Failures a new openvpn may get past; never what the user or the token decided, and not a
 * setup that never once brought the tunnel up (a retry would fail the same way).
 */
static bool worth_retrying(const struct run_result *r, bool ever_connected)
{
	if (r->user_stop || !r->reached_management || !ever_connected)
		return false;
	return r->code == EXIT_OPENVPN_FAILED || r->code == EXIT_MGMT_FAILED;
}

/* Sleeps delay_s unless interrupted; false when the user asked to stop meanwhile. */
static bool wait_before_restart(int delay_s)
{
	if (plat_wait_until(NULL, plat_now_ms() + 1000LL * delay_s) == PLAT_WAIT_INTERRUPT) {
		plat_take_interrupt();
		return false;
	}
	return true;
}

static int run(const struct options *opts, const struct ovpn_config_facts *facts,
               struct launch *l, struct session *s)
{
	int delay_s = 1;
	bool ever_connected = false;

	for (;;) {
		long long started = plat_now_ms();
		struct run_result r = run_once(opts, facts, l, s);

		ever_connected = ever_connected || r.was_connected;
		if (!opts->restart || !worth_retrying(&r, ever_connected))
			return r.code;
		session_report_status(s, "RESTARTING");
		if (r.was_connected && plat_now_ms() - started > RESTART_RESET_S * 1000LL)
			delay_s = 1;
		out_status("Starting OpenVPN again in %d s (--restart; Ctrl-C to quit)", delay_s);
		if (!wait_before_restart(delay_s))
			return EXIT_OK;
		delay_s = delay_s * 2 > RESTART_DELAY_MAX_S ? RESTART_DELAY_MAX_S : delay_s * 2;
	}
}

/* Lines of the config that would defeat a managed start: refused with the line named. */
static int refuse_conflicts(const struct options *opts, const struct ovpn_config_facts *facts,
                            const char *config)
{
	struct config_finding found[CONFIG_MAX_FINDINGS];
	struct config_check_mode mode = {opts->cert_pattern != NULL, opts->external_key};
	size_t n = config_check(facts, &mode, found, CONFIG_MAX_FINDINGS);
	int fails = 0;
	char where[600];

	for (size_t i = 0; i < n; i++) {
		if (found[i].line > 0)
			snprintf(where, sizeof where, "%s line %d", config, found[i].line);
		else
			snprintf(where, sizeof where, "%s", config);
		if (found[i].severity == CONFIG_FAIL) {
			out_error("%s: %s", where, found[i].text);
			fails++;
		} else if (found[i].severity == CONFIG_WARN) {
			out_warning("%s: %s", where, found[i].text);
		} else {
			out_verbose("%s: %s", where, found[i].text);
		}
	}
	return fails > 0 ? -1 : 0;
}

/*
 * OpenVPN loads the config's provider only after the hold is released, and a broken one then
 * looks like a missing token forever: load it once ourselves first.
 */
static int check_provider(const struct ovpn_config_facts *facts, const char *config)
{
	char err[512];

	if (facts->pkcs11_providers[0] == '\0' ||
	    plat_check_pkcs11_module(facts->pkcs11_providers, err, sizeof err) == 0)
		return 0;
	out_error("%s: the PKCS#11 provider '%s' (pkcs11-providers) cannot be used: %s", config,
	          facts->pkcs11_providers, err);
	return -1;
}

static int prepare(const struct options *opts, struct ovpn_config_facts *facts,
                   struct launch *l)
{
	char found[512], err[600];
	int rc;

	if (plat_resolve_config(opts->target, found, sizeof found) != 0) {
		out_error("no config '%s' (neither a file nor a config name OpenVPN knows)",
		          opts->target);
		return EXIT_USAGE;
	}
	if (plat_absolute_path(found, l->config, sizeof l->config) != 0) {
		out_error("the config's path is too long: %s", found);
		return EXIT_USAGE;
	}
	plat_path_dir(l->config, l->workdir, sizeof l->workdir);
	if (ovpn_config_read(l->config, facts, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (refuse_conflicts(opts, facts, found) != 0)
		return EXIT_USAGE;
	if (check_provider(facts, found) != 0)
		return EXIT_PROVIDER;
	rc = choose_service(opts, facts, l, found);
	if (rc != EXIT_OK)
		return rc;
	return choose_log_path(opts, facts, l) == 0 ? EXIT_OK : EXIT_USAGE;
}

/* --external-key and a config with pkcs11-* lines: openvpn gets a copy without them. */
static int prepare_config_copy(const struct options *opts, const struct ovpn_config_facts *facts,
                               struct launch *l)
{
	char err[600], *text;
	size_t len;
	int rc;

	snprintf(l->openvpn_config, sizeof l->openvpn_config, "%s", l->config);
	if (!opts->external_key || facts->pkcs11_options[0] == '\0')
		return 0;
	if (ovpn_config_without_pkcs11(l->config, &text, &len, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	snprintf(l->openvpn_config, sizeof l->openvpn_config, "%s/%s", l->dir, CONFIG_COPY_NAME);
	rc = plat_write_private_file(l->openvpn_config, text, len, err, sizeof err);
	free(text);
	if (rc != 0)
		out_error("%s", err);
	return rc;
}

/* The config is read and ours alone: run openvpn under a session until it is over. */
static int start_session(const struct options *opts, const struct ovpn_config_facts *facts,
                         struct launch *l)
{
	struct session *s = session_new(opts, true);
	char err[512];
	int rc;

	if (s == NULL)
		return EXIT_INTERNAL;
	if (session_check_sources(s) != 0 || check_log_writable(l) != 0) {
		session_free(s);
		return EXIT_USAGE;
	}
	if (opts->provider == NULL)
		session_set_provider(s, facts->pkcs11_providers);
	if (facts->pkcs11_id)
		session_set_config_id(s, facts->pkcs11_id_value);
	if (plat_make_private_dir(l->dir, sizeof l->dir, err, sizeof err) != 0) {
		out_error("%s", err);
		session_free(s);
		return EXIT_INTERNAL;
	}
	out_status("OpenVPN log: %s", l->log_path);
	rc = prepare_endpoint(l, s) == 0 && prepare_config_copy(opts, facts, l) == 0
	         ? run(opts, facts, l, s)
	         : EXIT_INTERNAL;
	session_report_status(s, "EXITED");
	session_free(s);
	if (strcmp(l->openvpn_config, l->config) != 0)
		remove(l->openvpn_config);
	plat_remove_private_dir(l->dir, l->addr.is_unix ? SOCKET_NAME : PASSWORD_NAME);
	return rc;
}

int cmd_start(const struct options *opts)
{
	struct ovpn_config_facts facts;
	struct launch l;
	struct plat_lock *lock;
	int rc;

	memset(&l, 0, sizeof l);
	rc = prepare(opts, &facts, &l);
	if (rc != EXIT_OK)
		return rc;
	lock = take_instance_lock(&l, &rc);
	if (lock == NULL)
		return rc;
	rc = start_session(opts, &facts, &l);
	plat_lock_release(lock);
	return rc;
}
