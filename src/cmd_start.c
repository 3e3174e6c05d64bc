/* ovpn-token start CONFIG: run openvpn on a private management socket and manage it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exit_codes.h"
#include "mgmt/conn.h"
#include "ovpn_config.h"
#include "platform/platform.h"
#include "session.h"
#include "ui/output.h"

#define SOCKET_NAME "management.sock"
/* openvpn opens its management socket early; a slow start is a broken start. */
#define SOCKET_WAIT_MS 30000
#define LOG_TAIL_LINES 8

struct launch {
	char dir[256];
	char socket_path[320];
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
	config_name(opts->target, name, sizeof name);
	if (plat_default_log_path(name, l->log_path, sizeof l->log_path) != 0) {
		out_error("cannot create a log file for openvpn; name one with --log FILE");
		return -1;
	}
	return 0;
}

static int spawn_openvpn(const struct options *opts, const struct ovpn_config_facts *facts,
                         struct launch *l)
{
	const char *argv[12];
	int argc = 0;
	char err[512];

	argv[argc++] = opts->openvpn != NULL ? opts->openvpn : "openvpn";
	argv[argc++] = "--config";
	argv[argc++] = opts->target;
	/* After --config, so these win over anything the config says. */
	argv[argc++] = "--management";
	argv[argc++] = l->socket_path;
	argv[argc++] = "unix";
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
	out_error("openvpn exited with status %d%s; the end of its log (%s):", status, when,
	          l->log_path);
	plat_print_file_tail(l->log_path, LOG_TAIL_LINES, "  | ");
}

/*
 * Connects once openvpn listens; gives up when it ends first or the user interrupts.
 * *connected tells whether there is a session to run; the return value is the exit code if not.
 */
static int connect_when_ready(struct launch *l, struct mgmt_conn *conn, bool *connected)
{
	struct mgmt_address addr = {.is_unix = true};
	long long deadline = plat_now_ms() + SOCKET_WAIT_MS;
	char err[512];
	int status;

	*connected = false;
	snprintf(addr.port, sizeof addr.port, "%s", l->socket_path);
	for (;;) {
		if (plat_child_exited(l->child, &status)) {
			report_exit(l, status, " before its management interface was up");
			return EXIT_OPENVPN_FAILED;
		}
		if (mgmt_conn_open(conn, &addr, err, sizeof err) == 0) {
			*connected = true;
			return EXIT_OK;
		}
		if (plat_take_interrupt()) {
			out_status("Stopping OpenVPN...");
			plat_child_stop(l->child, 0);
			out_status("OpenVPN stopped.");
			return EXIT_OK;
		}
		if (plat_now_ms() > deadline) {
			out_error("openvpn did not open its management interface: %s", err);
			plat_child_stop(l->child, 0);
			return EXIT_OPENVPN_FAILED;
		}
		plat_sleep_ms(50);
	}
}

static int manage(const struct options *opts, struct launch *l)
{
	struct mgmt_conn conn;
	bool connected;
	int rc = connect_when_ready(l, &conn, &connected), status;

	if (!connected)
		return rc;
	rc = session_run(&conn, opts, true);
	mgmt_conn_close(&conn);
	/* After a clean "signal SIGTERM" openvpn is on its way out; otherwise make it go. */
	status = plat_child_stop(l->child, rc == EXIT_OPENVPN_FAILED ? 5000 : 10000);
	if (rc == EXIT_OPENVPN_FAILED)
		report_exit(l, status, "");
	else
		out_status("OpenVPN stopped.");
	return rc;
}

int cmd_start(const struct options *opts)
{
	struct ovpn_config_facts facts;
	struct launch l;
	char err[512];
	int rc;

	memset(&l, 0, sizeof l);
	if (read_config(opts->target, &facts) != 0)
		return EXIT_USAGE;
	if (facts.management)
		out_verbose("The config's own 'management' line is replaced by a private socket");
	if (choose_log_path(opts, &l) != 0)
		return EXIT_USAGE;
	if (plat_make_private_dir(l.dir, sizeof l.dir, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_INTERNAL;
	}
	snprintf(l.socket_path, sizeof l.socket_path, "%s/%s", l.dir, SOCKET_NAME);
	out_status("OpenVPN log: %s", l.log_path);
	if (spawn_openvpn(opts, &facts, &l) != 0) {
		plat_remove_private_dir(l.dir, NULL);
		return EXIT_OPENVPN_FAILED;
	}
	rc = manage(opts, &l);
	plat_child_free(l.child);
	plat_remove_private_dir(l.dir, SOCKET_NAME);
	return rc;
}
