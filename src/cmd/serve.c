/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token serve CONFIG (root): openvpn for CONFIG in external-key mode, held, on a management
 * socket in /run/ovpn-token/NAME/ that only the members of a group reach; one of them at a time
 * brings the tunnel up with `connect`, which signs on their own token.  serve never loads a
 * PKCS#11 module, never sees a PIN and never talks to openvpn (it takes one management client,
 * and that is the user's).  It keeps openvpn running (started again after it ends, with
 * back-off), keeps the folder's files true (served/served.h) and, on SIGTERM or Ctrl-C, stops
 * openvpn and removes the folder.
 *
 * Access is the file system's: the folder is 0750 root:GROUP (OpenVPN's own
 * --management-client-group compares the peer's primary group only, so a user added to the
 * group with adduser would be refused).  openvpn makes the socket with mode 0777 (it binds with
 * umask 0); serve gives it to root:GROUP 0660 once it is there.
 *
 * Exit: 0 stopped; 2 bad config, name or group; 3 openvpn ended before its management interface
 * was up (a restart would not help); 13 another serve serves NAME; 18 not root.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/launch.h"
#include "codec/utc.h"
#include "openvpn/argv.h"
#include "openvpn/config.h"
#include "openvpn/config_check.h"
#include "platform/platform.h"
#include "served/served.h"
#include "ui/output.h"

/* openvpn asked to end (SIGTERM) is killed after this; then we give up on it after KILLED_MS. */
#define STOP_GRACE_MS 10000
#define KILLED_MS 5000
/* How often the socket is looked for until it is there, and then the holder's lock. */
#define SOCKET_LOOK_MS 100
#define TICK_MS 1000
/* openvpn that has not made its socket by then is stopped. */
#define MANAGEMENT_MAX_MS 30000
/* As start --restart: 1, 2, 4 ... 60 s, from 1 again after a run of five minutes. */
#define RESTART_DELAY_MAX_S 60
#define RESTART_RESET_MS (300 * 1000LL)

enum phase { PHASE_RUNNING, PHASE_PAUSED, PHASE_STOPPING, PHASE_DONE };

struct served {
	const struct options *opts;
	const struct ovpn_config *cfg;
	char name[SERVED_NAME_MAX];
	struct served_paths paths;
	const char *group;
	long gid;
	char program[512];
	const char *openvpn_config; /* the config, or our copy without its pkcs11-* lines */
	struct plat_child *child;
	enum phase phase;
	enum served_state state;
	bool socket_ready;
	long holder_pid;            /* who holds the tunnel, as last looked (0: nobody) */
	long long run_started, next_tick, deadline;
	char started[32];           /* when this openvpn started, ISO 8601 UTC */
	int delay_s, escalation, result;
};

/* ---- the folder ---- */

static void write_facts(struct served *s)
{
	struct served_facts f = {
		.config = s->cfg->path,
		.provider = s->cfg->settings.pkcs11_providers,
		.group = s->group,
		.pid = plat_process_id(),
		.openvpn_pid = s->child != NULL ? plat_child_pid(s->child) : 0,
		.started = s->started,
		.state = s->state,
	};
	char text[SERVED_FILE_MAX], err[600];
	size_t n = served_facts_text(&f, text, sizeof text);

	if (n == 0 || plat_write_shared_file(s->paths.serve, text, n, 0640, s->gid, err,
	                                     sizeof err) != 0)
		out_error("cannot write %s: %s", s->paths.serve, n == 0 ? "too long" : err);
}

static void set_state(struct served *s, enum served_state state)
{
	if (s->state == state)
		return;
	s->state = state;
	write_facts(s);
}

/* The folder only root and the group enter, its files made afresh. */
static int prepare_folder(struct served *s)
{
	char err[600];

	if (plat_make_shared_dir(s->paths.dir, 0750, s->gid, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	/* A holder file of an earlier serve may still be locked by a connect of back then. */
	remove(s->paths.holder);
	remove(s->paths.config);
	if (plat_write_shared_file(s->paths.holder, "", 0, 0660, s->gid, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	s->openvpn_config = s->cfg->path;
	if (s->cfg->settings.pkcs11_options[0] != '\0') {
		if (launch_write_config_copy(s->cfg->path, s->paths.config) != 0)
			return -1;
		s->openvpn_config = s->paths.config;
	}
	s->state = SERVED_STOPPED; /* so that the first set_state() writes */
	return 0;
}

static void remove_folder(const struct served *s)
{
	const char *const files[] = {s->paths.socket, s->paths.holder, s->paths.config,
	                             s->paths.serve};

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		remove(files[i]);
	remove(s->paths.dir);
}

/* ---- openvpn ---- */

static int spawn(struct served *s)
{
	const char *argv[OVPN_ARGV_MAX];
	char err[512];
	struct ovpn_launch d = {
		.program = s->program,
		.config = s->openvpn_config,
		.mgmt_unix = true,
		.mgmt_host = s->paths.socket,
		.external_key = true,
		.auth_retry_interact = ovpn_config_wants_auth_retry(&s->cfg->settings),
		.served = true,
		/* --log must win over the config's own log line: before --config. */
		.log_file = s->opts->log_file != NULL && s->cfg->settings.log_line != 0 ? s->opts->log_file
		                                                                      : NULL,
	};

	if (ovpn_argv_build(&d, argv, OVPN_ARGV_MAX) < 0) {
		out_error("internal error: too many arguments for openvpn");
		return -1;
	}
	s->child = plat_spawn(argv, s->opts->log_file, s->cfg->dir, err, sizeof err);
	if (s->child == NULL) {
		out_error("%s", err);
		return -1;
	}
	s->run_started = plat_now_ms();
	s->next_tick = s->run_started;
	s->socket_ready = false;
	s->holder_pid = 0;
	utc_text((long long)time(NULL), UTC_ISO8601, s->started, sizeof s->started);
	set_state(s, SERVED_STARTING);
	out_status("openvpn started for %s (pid %ld)", s->name, plat_child_pid(s->child));
	return 0;
}

static void stop(struct served *s, int result)
{
	s->result = result;
	set_state(s, SERVED_STOPPED);
	if (s->child == NULL) {
		s->phase = PHASE_DONE;
		return;
	}
	plat_child_terminate(s->child);
	s->escalation = 1;
	s->deadline = plat_now_ms() + STOP_GRACE_MS;
	s->phase = PHASE_STOPPING;
}

/* Who holds the tunnel now; said when it changes (the journal shows who used it when). */
static void look_at_holder(struct served *s)
{
	char err[600], who[64];
	long pid = plat_file_holder(s->paths.holder, err, sizeof err);

	if (pid < 0)
		pid = 0;
	if (pid != s->holder_pid) {
		if (pid > 0) {
			plat_user_name(plat_process_uid(pid), who, sizeof who);
			out_status("%s is held by %s (ovpn-token connect, pid %ld)", s->name, who, pid);
		} else {
			out_status("%s is free: openvpn waits in its hold for the next user", s->name);
		}
		s->holder_pid = pid;
	}
	set_state(s, pid > 0 ? SERVED_RUNNING : SERVED_HOLD);
}

static void tick(struct served *s, long long now)
{
	char err[600];
	int shared = plat_share_socket(s->paths.socket, s->gid, err, sizeof err);

	if (!s->socket_ready && shared >= 0) {
		s->socket_ready = true;
		out_status("%s is ready: members of the group %s bring it up with: ovpn-token connect %s",
		           s->name, s->group, s->name);
	}
	if (s->socket_ready) {
		look_at_holder(s);
	} else if (now - s->run_started > MANAGEMENT_MAX_MS) {
		out_error("openvpn did not open its management interface in %d s (%s); stopping it",
		          MANAGEMENT_MAX_MS / 1000, err);
		stop(s, EXIT_OPENVPN_FAILED);
		return;
	}
	s->next_tick = now + (s->socket_ready ? TICK_MS : SOCKET_LOOK_MS);
}

static void openvpn_ended(struct served *s, int status, long long now)
{
	/* Where openvpn wrote: --log, else its config's log line, else our own output. */
	const char *log = s->opts->log_file != NULL       ? s->opts->log_file
	                  : s->cfg->settings.log_line != 0 ? s->cfg->settings.log_file
	                                                : NULL;
	char how[64];

	plat_describe_exit(status, how, sizeof how);
	plat_child_free(s->child);
	s->child = NULL;
	if (s->phase == PHASE_STOPPING) {
		out_status("openvpn stopped.");
		s->phase = PHASE_DONE;
		return;
	}
	if (!s->socket_ready) {
		/* Its options or files: the same again would fail the same way. */
		out_error("openvpn %s before its management interface was up; see its output %s%s",
		          how, log != NULL ? "in " : "above", log != NULL ? log : "");
		set_state(s, SERVED_STOPPED);
		s->result = EXIT_OPENVPN_FAILED;
		s->phase = PHASE_DONE;
		return;
	}
	if (now - s->run_started > RESTART_RESET_MS)
		s->delay_s = 1;
	out_status("openvpn %s; starting it again in %d s", how, s->delay_s);
	set_state(s, SERVED_RESTARTING);
	s->deadline = now + 1000LL * s->delay_s;
	s->delay_s = s->delay_s * 2 > RESTART_DELAY_MAX_S ? RESTART_DELAY_MAX_S : s->delay_s * 2;
	s->phase = PHASE_PAUSED;
}

/* What is due now; then the one wait for the child, the clock and an interrupt. */
static void step(struct served *s)
{
	long long now = plat_now_ms();
	struct plat_wait_set set = {.deadline_ms = -1};
	unsigned ready;
	int status;

	if (s->child != NULL && plat_child_exited(s->child, &status)) {
		openvpn_ended(s, status, now);
		return;
	}
	if (s->phase == PHASE_PAUSED && now >= s->deadline) {
		s->phase = PHASE_RUNNING;
		if (spawn(s) != 0)
			stop(s, EXIT_OPENVPN_FAILED);
		return;
	}
	if (s->phase == PHASE_RUNNING && now >= s->next_tick) {
		tick(s, now);
		return;
	}
	if (s->phase == PHASE_STOPPING && now >= s->deadline) {
		if (s->escalation >= 2) {
			out_error("openvpn does not end, not even when killed; leaving it");
			s->phase = PHASE_DONE;
			return;
		}
		plat_child_kill(s->child);
		s->escalation = 2;
		s->deadline = now + KILLED_MS;
		return;
	}
	set.child = s->child;
	set.deadline_ms = s->phase == PHASE_RUNNING ? s->next_tick : s->deadline;
	if (plat_wait(&set, &ready) != PLAT_WAIT_INTERRUPT || !plat_take_interrupt())
		return;
	if (s->phase == PHASE_STOPPING) {
		/* A second Ctrl-C: no more waiting. */
		s->deadline = now;
		return;
	}
	out_status("Stopping openvpn...");
	stop(s, EXIT_OK);
}

/* ---- setup ---- */

static int check_setup(const struct options *opts, struct served *s, struct ovpn_config *cfg)
{
	char err[1200];

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (!plat_user_is_admin()) {
		out_error("serve runs openvpn for others and makes its tunnel: run it as root (sudo "
		          "ovpn-token serve %s, or the unit ovpn-token-serve@NAME)",
		          opts->target);
		return EXIT_NOT_PERMITTED;
	}
	if (ovpn_config_load(opts->target, cfg, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	ovpn_config_name(cfg->path, s->name, sizeof s->name);
	if (!served_name_ok(s->name)) {
		out_error("%s: '%s' cannot name a tunnel (letters, digits, '.', '_', '-' and '@', "
		          "at most %d): rename the config", cfg->path, s->name, SERVED_NAME_MAX - 1);
		return EXIT_USAGE;
	}
	/* What start --external-key refuses, serve refuses: its openvpn runs the same way. */
	if (launch_check_config(&cfg->settings, &(struct config_check_mode){false, true}, cfg->path) !=
	    0)
		return EXIT_USAGE;
	s->group = opts->group != NULL ? opts->group : SERVED_GROUP;
	s->gid = plat_group_id(s->group);
	if (s->gid < 0) {
		out_error("there is no group '%s' for the users of %s: create it (groupadd --system "
		          "%s; the package and make install do) and add them (adduser USER %s)",
		          s->group, s->name, s->group, s->group);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_serve(const struct options *opts)
{
	static struct ovpn_config cfg; /* some 60 KiB: not for the stack */
	struct served s = {.opts = opts, .cfg = &cfg, .delay_s = 1, .result = EXIT_OK};
	struct plat_held_file *lock;
	char err[600];
	long holder;
	int rc = check_setup(opts, &s, &cfg);

	if (rc != EXIT_OK)
		return rc;
	served_paths(s.name, &s.paths);
	if (plat_make_shared_dir(SERVED_BASE, 0755, 0, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_INTERNAL;
	}
	lock = plat_hold_file(s.paths.lock, true, &holder, err, sizeof err);
	if (lock == NULL) {
		if (holder > 0)
			out_error("%s is served already (ovpn-token serve, pid %ld)", s.name, holder);
		else
			out_error("%s", err);
		return holder > 0 ? EXIT_ALREADY_RUNNING : EXIT_INTERNAL;
	}
	launch_program(opts->openvpn, s.program, sizeof s.program);
	if (prepare_folder(&s) != 0) {
		remove_folder(&s);
		plat_held_file_release(lock);
		return EXIT_INTERNAL;
	}
	out_status("Serving %s (%s) to the group %s in %s", s.name, cfg.path, s.group, s.paths.dir);
	if (spawn(&s) != 0)
		stop(&s, EXIT_OPENVPN_FAILED);
	while (s.phase != PHASE_DONE)
		step(&s);
	plat_child_free(s.child);
	remove_folder(&s);
	plat_held_file_release(lock);
	return s.result;
}
