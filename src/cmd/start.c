/*
 * ovpn-token start CONFIG: run openvpn on a management endpoint only we can reach, and manage
 * it until it ends; with --restart, start it again after failures a retry can fix.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cli/exit_codes.h"
#include "mgmt/conn.h"
#include "openvpn/config.h"
#include "platform/platform.h"
#include "session/session.h"
#include "ui/output.h"

#define SOCKET_NAME "management.sock"
#define PASSWORD_NAME "management.pw"
/* openvpn opens its management socket early; a slow start is a broken start. */
#define SOCKET_WAIT_MS 30000
#define LOG_TAIL_LINES 8
/* --restart waits 1, 2, 4 ... seconds, never more than this. */
#define RESTART_DELAY_MAX_S 60
/* A run that stayed up this long starts the backoff again from the beginning. */
#define RESTART_RESET_S 300

struct launch {
	char config[512];
	char dir[256];
	struct mgmt_address addr;       /* where we connect */
	char management_arg[512];       /* what openvpn's --management gets (path or host) */
	char port[16];
	char password_file[320];        /* TCP only: the random management password */
	char log_path[512];
	struct plat_child *child;
};

static int read_config(const char *path, struct ovpn_config_facts *facts)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		out_error("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	rc = ovpn_config_scan(f, facts);
	fclose(f);
	if (rc != 0)
		out_error("cannot read %s", path);
	return rc;
}

/* "~/vpn/office.ovpn" -> "office" */
static void config_name(const char *path, char *out, size_t outsz)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t n;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

static int choose_log_path(const struct options *opts, struct launch *l)
{
	char name[128];

	if (opts->log_file != NULL) {
		snprintf(l->log_path, sizeof l->log_path, "%s", opts->log_file);
		return 0;
	}
	config_name(l->config, name, sizeof name);
	if (plat_default_log_path(name, l->log_path, sizeof l->log_path) != 0) {
		out_error("cannot create a log file for openvpn; name one with --log FILE");
		return -1;
	}
	return 0;
}

/* A unix socket in our private directory; else 127.0.0.1 with a random password. */
static int prepare_endpoint(struct launch *l, struct session *s)
{
	unsigned char raw[24];
	char password[2 * sizeof raw + 1], err[512];
	int rc;

	if (plat_has_unix_sockets()) {
		l->addr.is_unix = true;
		snprintf(l->addr.port, sizeof l->addr.port, "%s/%s", l->dir, SOCKET_NAME);
		snprintf(l->management_arg, sizeof l->management_arg, "%s", l->addr.port);
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

static int spawn_openvpn(const struct options *opts, const struct ovpn_config_facts *facts,
                         struct launch *l)
{
	const char *argv[14];
	char program[512], err[512];
	int argc = 0;

	if (opts->openvpn != NULL)
		snprintf(program, sizeof program, "%s", opts->openvpn);
	else
		plat_find_openvpn(program, sizeof program);
	argv[argc++] = program;
	argv[argc++] = "--config";
	argv[argc++] = l->config;
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
	if (!facts->pkcs11_id && !facts->pkcs11_id_management)
		argv[argc++] = "--pkcs11-id-management";
	argv[argc] = NULL;
	l->child = plat_spawn(argv, l->log_path, err, sizeof err);
	if (l->child == NULL) {
		out_error("%s", err);
		return -1;
	}
	return 0;
}

static void report_exit(const struct launch *l, int status, const char *when)
{
	static char tail[8192];

	out_error("openvpn exited with status %d%s; the end of its log (%s):", status, when,
	          l->log_path);
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

static int prepare(const struct options *opts, struct ovpn_config_facts *facts,
                   struct launch *l)
{
	if (plat_resolve_config(opts->target, l->config, sizeof l->config) != 0) {
		out_error("no config '%s' (neither a file nor a config name OpenVPN knows)",
		          opts->target);
		return -1;
	}
	if (read_config(l->config, facts) != 0)
		return -1;
	if (facts->management)
		out_verbose("The config's own 'management' line is replaced by a private one");
	return choose_log_path(opts, l);
}

int cmd_start(const struct options *opts)
{
	struct ovpn_config_facts facts;
	struct launch l;
	struct session *s;
	char err[512];
	int rc;

	memset(&l, 0, sizeof l);
	if (prepare(opts, &facts, &l) != 0)
		return EXIT_USAGE;
	s = session_new(opts, true);
	if (s == NULL)
		return EXIT_INTERNAL;
	if (session_check_sources(s) != 0) {
		session_free(s);
		return EXIT_USAGE;
	}
	if (opts->provider == NULL)
		session_set_provider(s, facts.pkcs11_providers);
	if (plat_make_private_dir(l.dir, sizeof l.dir, err, sizeof err) != 0) {
		out_error("%s", err);
		session_free(s);
		return EXIT_INTERNAL;
	}
	out_status("OpenVPN log: %s", l.log_path);
	rc = prepare_endpoint(&l, s) == 0 ? run(opts, &facts, &l, s) : EXIT_INTERNAL;
	session_report_status(s, "EXITED");
	session_free(s);
	plat_remove_private_dir(l.dir, l.addr.is_unix ? SOCKET_NAME : PASSWORD_NAME);
	return rc;
}
