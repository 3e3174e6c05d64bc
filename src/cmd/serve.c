/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token serve CONFIG (root): openvpn for CONFIG in external-key mode, held, and serve the
 * broker of its management connection (doc/serve.md).  openvpn's management socket is serve's
 * alone (/run/ovpn-token/.serve/, 0700); serve holds that one connection for openvpn's whole
 * life and listens on the members' socket in /run/ovpn-token/NAME/, which only the members of
 * a group reach.  The member whose connection serve takes holds the tunnel, by construction:
 * one at a time, named in the journal by the kernel's word (SO_PEERCRED); the others are told
 * at once who has it.  What a member may send is the allow-list (served/allow.h); what it gets
 * starts at its own start (served/broker.h).  When its connection ends, however it ends, serve
 * returns openvpn to its hold.  serve never loads a PKCS#11 module and never sees a PIN.
 *
 * serve keeps openvpn running (started again after it ends, with back-off), keeps the folder's
 * files true (served/served.h) and, on SIGTERM or Ctrl-C, stops openvpn and removes them.
 *
 * Exit: 0 stopped; 2 bad config, name or group; 3 openvpn ended before its management interface
 * was up (a restart would not help); 13 another serve serves NAME; 18 not root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/openvpn_setup.h"
#include "cmd/tunnel_cert.h"
#include "codec/utc.h"
#include "mgmt/line_reader.h"
#include "openvpn/argv.h"
#include "openvpn/config.h"
#include "openvpn/config_check.h"
#include "openvpn/supervise.h"
#include "platform/platform.h"
#include "served/broker.h"
#include "served/served.h"
#include "ui/output.h"
#include "ui/sanitize.h"

/*
 * How often openvpn's management socket is tried until it answers.  Its life (the start's
 * limit, the stop's grace, the back-off) is the supervisor's: openvpn/supervise.h.
 */
#define SOCKET_POLL_MS 100

/* The member who holds the tunnel: the connection serve took, and who made it. */
struct member {
	struct plat_sock *sock;
	struct mgmt_line_reader in;
	bool joined;       /* it got openvpn's greeting (openvpn held when it came) */
	bool broken;       /* a write to it failed: it is cut off */
	long uid, pid;
	char user[64];
	char since[32];    /* ISO 8601 UTC */
	char since_local[32];
	char status[512];  /* the tunnel's state: state=, time=, ... */
	char cert[1024];   /* the certificate it sent openvpn: cert_subject=, ... ("" none yet) */
	bool told;         /* the member tells its session's state itself: openvpn's is not used */
};

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
	struct supervisor life;
	enum served_state state;
	struct plat_sock *openvpn;  /* our management connection to openvpn */
	struct mgmt_line_reader openvpn_in;
	bool ready_said;            /* "is ready" for this openvpn */
	struct plat_listener *listener;
	struct member member;
	struct broker broker;
	long long next_poll;
	char socket_err[300];         /* why openvpn's management socket could not be reached */
	char started[32];           /* when this openvpn started, ISO 8601 UTC */
	int result;
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

/* The holder file: empty while free; else who holds it and the tunnel's state. */
static void write_holder(struct served *s)
{
	const struct member *m = &s->member;
	char text[SERVED_FILE_MAX], status[sizeof m->status + sizeof m->cert], err[600];
	size_t n = 0;

	snprintf(status, sizeof status, "%s%s",
	         m->status[0] != '\0' ? m->status : "state=CONNECTING\n", m->cert);
	if (m->sock != NULL)
		n = served_holder_text(m->user, m->uid, m->pid, m->since, status, text, sizeof text);
	if (plat_write_shared_file(s->paths.holder, text, n, 0640, s->gid, err, sizeof err) != 0)
		out_error("cannot write %s: %s", s->paths.holder, err);
}

/* The folders only root (and, for the tunnel's, the group) enter, their files made afresh. */
static int prepare_folder(struct served *s)
{
	char err[600];

	if (plat_make_shared_dir(s->paths.dir, 0750, s->gid, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	remove(s->paths.config);
	remove(s->paths.openvpn_socket);
	write_holder(s);
	s->openvpn_config = s->cfg->path;
	if (s->cfg->settings.pkcs11_options[0] != '\0') {
		if (setup_write_config_copy(s->cfg->path, s->paths.config) != 0)
			return -1;
		s->openvpn_config = s->paths.config;
	}
	s->listener = plat_listen_shared(s->paths.socket, s->gid, err, sizeof err);
	if (s->listener == NULL) {
		out_error("%s", err);
		return -1;
	}
	s->state = SERVED_STOPPED; /* so that the first set_state() writes */
	return 0;
}

static void remove_folder(struct served *s)
{
	const char *const files[] = {s->paths.openvpn_socket, s->paths.holder, s->paths.config,
	                             s->paths.serve};

	plat_listener_close(s->listener);
	s->listener = NULL;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		remove(files[i]);
	remove(s->paths.dir);
}

/* ---- the member ---- */

static void member_write(void *ctx, const char *text, size_t len)
{
	struct served *s = ctx;

	if (s->member.sock != NULL && !s->member.broken &&
	    plat_sock_write_all(s->member.sock, text, len) != 0)
		s->member.broken = true;
}

static void openvpn_write(void *ctx, const char *text, size_t len)
{
	struct served *s = ctx;

	if (s->openvpn != NULL)
		plat_sock_write_all(s->openvpn, text, len);
	/* The member's certificate block: the holder file names it, for status's expiry warning. */
	if (s->member.sock != NULL && len > 12 && strncmp(text, "certificate\n", 12) == 0) {
		tunnel_cert_block_lines(text, len, s->member.cert, sizeof s->member.cert);
		write_holder(s);
	}
}

static void refused(void *ctx, const char *verb, const char *why)
{
	struct served *s = ctx;
	char shown[64];

	sanitize_str(shown, sizeof shown, verb);
	out_status("%s: refused %s's command '%s' (uid %ld, pid %ld): %s", s->name, s->member.user,
	           shown, s->member.uid, s->member.pid, why);
}

/* ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,192.0.2.1,1194,," for the holder file. */
static void on_openvpn_state(void *ctx, const char *text)
{
	struct served *s = ctx;
	char f[6][64], when[32];
	const char *p = text;
	long long t;

	if (s->member.sock == NULL || s->member.told)
		return;
	for (int i = 0; i < 6; i++) {
		size_t n = strcspn(p, ",");

		snprintf(f[i], sizeof f[i], "%.*s", (int)(n < 63 ? n : 63), p);
		p += n;
		if (*p == ',')
			p++;
	}
	t = strtoll(f[0], NULL, 10);
	utc_text(t, UTC_ISO8601, when, sizeof when);
	snprintf(s->member.status, sizeof s->member.status,
	         "state=%s\ntime=%s\ntunnel_ip=%s\nremote=%s%s%s\n", f[1], when, f[3], f[4],
	         f[5][0] != '\0' ? ":" : "", f[5]);
	write_holder(s);
}

/* The member's own word on its session (TOKEN_REMOVED is only the member's to know). */
static void member_state(void *ctx, const char *const args[4])
{
	struct served *s = ctx;

	if (s->member.sock == NULL)
		return;
	s->member.told = true;
	snprintf(s->member.status, sizeof s->member.status,
	         "state=%s\ntime=%s\ntunnel_ip=%s\nremote=%s\n", args[0], args[1], args[2], args[3]);
	write_holder(s);
}

static void member_join(struct served *s)
{
	s->member.joined = true;
	broker_member_join(&s->broker);
}

static void member_gone(struct served *s, const char *how)
{
	struct member *m = &s->member;

	if (m->sock == NULL)
		return;
	broker_member_leave(&s->broker);
	plat_sock_close(m->sock);
	out_status("%s: %s's connection (uid %ld, pid %ld) %s; %s is free: openvpn waits in its "
	           "hold for the next user", s->name, m->user, m->uid, m->pid, how, s->name);
	if (s->broker.awaiting_cert)
		out_status("%s: openvpn waits at its certificate request for the next user (not "
		           "restarted: that would end it)", s->name);
	memset(m, 0, sizeof *m);
	write_holder(s);
	if (s->state == SERVED_RUNNING)
		set_state(s, SERVED_HOLD);
}

/* Told at once and let go: the tunnel is someone else's, or openvpn is not there yet. */
static void turn_away(struct served *s, struct plat_sock *c, long uid, long pid)
{
	char line[300], who[64];

	plat_user_name(uid, who, sizeof who);
	if (s->member.sock != NULL)
		snprintf(line, sizeof line, "ERROR: %s is in use by %s since %s\n", s->name,
		         s->member.user, s->member.since_local);
	else
		snprintf(line, sizeof line, "ERROR: %s's openvpn is starting%s: try again in a few "
		         "seconds\n", s->name, s->state == SERVED_RESTARTING ? " again" : "");
	plat_sock_write_all(c, line, strlen(line));
	plat_sock_close(c);
	out_status("%s: turned %s away (uid %ld, pid %ld): %.*s", s->name, who, uid, pid,
	           (int)strlen(line) - 8, line + 7);
}

static void take_member(struct served *s)
{
	struct member *m = &s->member;
	char err[300];
	long uid, pid;
	struct plat_sock *c = plat_accept(s->listener, &uid, &pid, err, sizeof err);

	if (c == NULL)
		return;
	if (m->sock != NULL || s->openvpn == NULL || !s->broker.greeted) {
		turn_away(s, c, uid, pid);
		return;
	}
	memset(m, 0, sizeof *m);
	m->sock = c;
	m->uid = uid;
	m->pid = pid;
	mgmt_line_reader_init(&m->in);
	plat_user_name(uid, m->user, sizeof m->user);
	utc_text((long long)time(NULL), UTC_ISO8601, m->since, sizeof m->since);
	plat_local_time_text((long long)time(NULL), m->since_local, sizeof m->since_local);
	out_status("%s is held by %s (uid %ld, pid %ld)", s->name, m->user, uid,
	           pid);
	write_holder(s);
	set_state(s, SERVED_RUNNING);
	if (broker_ready(&s->broker))
		member_join(s);
}

static void read_member(struct served *s)
{
	struct member *m = &s->member;
	char err[300], *line;
	size_t room, len;
	char *space = mgmt_line_reader_space(&m->in, &room);
	long n = room > 0 ? plat_sock_read(m->sock, space, room, err, sizeof err) : -1;
	enum mgmt_line_status st;

	if (n <= 0) {
		member_gone(s, n == 0 ? "ended" : "failed");
		return;
	}
	mgmt_line_reader_commit(&m->in, (size_t)n);
	/* Before it joined nothing it says counts: it has not seen openvpn yet. */
	while (m->joined && (st = mgmt_line_reader_next(&m->in, &line, &len)) == MGMT_LINE_OK) {
		if (!broker_member_line(&s->broker, line, len) || m->broken) {
			member_gone(s, "was cut off (it broke the protocol or did not read)");
			return;
		}
	}
	if (m->joined && st == MGMT_LINE_TOO_LONG)
		member_gone(s, "was cut off (a line too long)");
	else if (!m->joined && room == (size_t)n)
		member_gone(s, "was cut off (it sent too much before openvpn was there)");
}

/* ---- openvpn ---- */

static int spawn(struct served *s)
{
	const char *argv[OVPN_ARGV_MAX];
	char err[512];
	struct ovpn_argv_spec d = {
		.program = s->program,
		.config = s->openvpn_config,
		.mgmt_unix = true,
		.mgmt_host = s->paths.openvpn_socket,
		.external_key = true,
		/*
		 * Whatever the config says: a member who leaves while openvpn waits for its
		 * certificate makes openvpn's key setup fail, which without a retry is fatal; with it,
		 * a restart into the hold (issue 25: the tunnel free at once, no back-off).
		 */
		.auth_retry_interact = true,
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
	s->next_poll = plat_now_ms();
	sup_spawned(&s->life, s->next_poll);
	s->ready_said = false;
	broker_openvpn_new(&s->broker);
	utc_text((long long)time(NULL), UTC_ISO8601, s->started, sizeof s->started);
	set_state(s, SERVED_STARTING);
	out_status("openvpn started for %s (pid %ld)", s->name, plat_child_pid(s->child));
	return 0;
}

static void close_openvpn(struct served *s)
{
	member_gone(s, "was ended: openvpn went away");
	plat_sock_close(s->openvpn);
	s->openvpn = NULL;
	broker_openvpn_new(&s->broker);
}

static void stop(struct served *s, int result)
{
	s->result = result;
	set_state(s, SERVED_STOPPED);
	close_openvpn(s);
	if (s->child != NULL)
		plat_child_terminate(s->child);
	sup_stop(&s->life, plat_now_ms());
}

/* openvpn's management socket, until it answers. */
static void poll_openvpn_socket(struct served *s, long long now)
{
	s->next_poll = now + SOCKET_POLL_MS;
	if (s->openvpn == NULL) {
		s->openvpn = plat_connect(NULL, s->paths.openvpn_socket, s->socket_err,
		                          sizeof s->socket_err);
		if (s->openvpn != NULL)
			mgmt_line_reader_init(&s->openvpn_in);
	}
}

/* Ready is said from openvpn's own words on our connection: its greeting, then its hold. */
static void say_ready(struct served *s)
{
	if (s->ready_said || !s->broker.greeted || !s->broker.held)
		return;
	s->ready_said = true;
	sup_up(&s->life, plat_now_ms());
	set_state(s, s->member.sock != NULL ? SERVED_RUNNING : SERVED_HOLD);
	out_status("%s is ready: members of the group %s bring it up with: ovpn-token connect %s",
	           s->name, s->group, s->name);
}

static void read_openvpn(struct served *s)
{
	char err[300], *line;
	size_t room, len;
	char *space = mgmt_line_reader_space(&s->openvpn_in, &room);
	long n = room > 0 ? plat_sock_read(s->openvpn, space, room, err, sizeof err) : -1;

	if (n <= 0) {
		/* openvpn is on its way out: its end is the child's news. */
		close_openvpn(s);
		return;
	}
	mgmt_line_reader_commit(&s->openvpn_in, (size_t)n);
	while (mgmt_line_reader_next(&s->openvpn_in, &line, &len) == MGMT_LINE_OK) {
		bool held = s->broker.held;

		broker_openvpn_line(&s->broker, line);
		/* The first hold is "ready"; each one after a restart is said too, for the journal. */
		if (!held && s->broker.held && s->ready_said)
			out_status("%s: openvpn waits in its hold%s", s->name,
			           s->member.sock != NULL ? "" : " for the next user");
	}
	say_ready(s);
	if (s->member.sock != NULL && !s->member.joined && broker_ready(&s->broker))
		member_join(s);
	if (s->member.broken)
		member_gone(s, "was cut off (it did not read)");
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
	close_openvpn(s);
	if (s->life.phase == SUP_ENDING) {
		sup_ended(&s->life, now, false);
		out_status("openvpn stopped.");
		return;
	}
	/* Before it was up: its options or files, and the same again would fail the same way. */
	if (sup_ended(&s->life, now, s->ready_said) == SUP_DONE) {
		out_error("openvpn %s before its management interface was up; see its output %s%s",
		          how, log != NULL ? "in " : "above", log != NULL ? log : "");
		set_state(s, SERVED_STOPPED);
		s->result = EXIT_OPENVPN_FAILED;
		return;
	}
	out_status("openvpn %s; starting it again in %d s", how, sup_pause_s(&s->life));
	set_state(s, SERVED_RESTARTING);
}

static void on_interrupt(struct served *s, long long now)
{
	if (s->life.phase == SUP_ENDING) {
		/* A second Ctrl-C: no more waiting. */
		sup_hurry(&s->life, now);
		return;
	}
	out_status("Stopping openvpn...");
	stop(s, EXIT_OK);
}

/* What is due now; then the one wait for the child, openvpn, the members and the clock. */
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
	switch (sup_due(&s->life, now)) {
	case SUP_SPAWN:
		if (spawn(s) != 0)
			stop(s, EXIT_OPENVPN_FAILED);
		return;
	case SUP_START_EXPIRED:
		out_error("openvpn did not open its management interface in %d s (%s); stopping it",
		          SUP_START_MAX_MS / 1000,
		          s->openvpn == NULL ? s->socket_err : "it never waited in its hold");
		stop(s, EXIT_OPENVPN_FAILED);
		return;
	case SUP_KILL:
		plat_child_kill(s->child);
		return;
	case SUP_GIVE_UP:
		out_error("%s", SUP_GIVE_UP_TEXT);
		return;
	case SUP_WAIT:
		break;
	}
	if (s->life.phase == SUP_STARTING && !s->ready_said && now >= s->next_poll) {
		poll_openvpn_socket(s, now);
		return;
	}
	set.child = s->child;
	set.peer = s->openvpn;
	set.listener = s->life.phase != SUP_ENDING ? s->listener : NULL;
	set.member = s->member.sock;
	set.deadline_ms = sup_deadline(&s->life);
	if (s->life.phase == SUP_STARTING && !s->ready_said &&
	    (set.deadline_ms < 0 || s->next_poll < set.deadline_ms))
		set.deadline_ms = s->next_poll;
	switch (plat_wait(&set, &ready)) {
	case PLAT_WAIT_INTERRUPT:
		if (plat_take_interrupt())
			on_interrupt(s, now);
		return;
	case PLAT_WAIT_READY:
		break;
	default:
		return;
	}
	if ((ready & PLAT_READY_PEER) && s->openvpn != NULL)
		read_openvpn(s);
	if ((ready & PLAT_READY_MEMBER) && s->member.sock != NULL)
		read_member(s);
	if ((ready & PLAT_READY_LISTENER) && s->listener != NULL)
		take_member(s);
}

/* ---- setup ---- */

static int check_setup(const struct options *opts, struct served *s, struct ovpn_config *cfg)
{
	char err[1200], name[1024];

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
	/* Taken whole, never cut: a name too long is refused with the rule. */
	ovpn_config_name(cfg->path, name, sizeof name);
	if (!served_name_ok(name)) {
		out_error("%s: '%s' cannot name a tunnel (%s): rename the config", cfg->path, name,
		          served_name_rule());
		return EXIT_USAGE;
	}
	memcpy(s->name, name, strlen(name) + 1);
	/* What start --external-key refuses, serve refuses: its openvpn runs the same way. */
	if (setup_check_config(&cfg->settings, &(struct config_check_mode){false, true}, cfg->path) !=
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
	static struct served s;        /* two line buffers of 16 KiB */
	const struct broker_out out = {&s, openvpn_write, member_write, refused, on_openvpn_state,
	                               member_state};
	struct plat_file_lock *lock;
	char err[600];
	long lock_owner;
	int rc;

	s = (struct served){.opts = opts, .cfg = &cfg, .result = EXIT_OK};
	sup_init(&s.life, NULL, NULL);
	broker_init(&s.broker, &out);
	rc = check_setup(opts, &s, &cfg);
	if (rc != EXIT_OK)
		return rc;
	served_paths(s.name, &s.paths);
	/* The lock is in root's own folder: no one else can open it, so no one can hold it. */
	if (plat_make_shared_dir(SERVED_BASE, 0755, 0, err, sizeof err) != 0 ||
	    plat_make_shared_dir(SERVED_PRIVATE, 0700, 0, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_INTERNAL;
	}
	lock = plat_file_lock_take(s.paths.lock, true, &lock_owner, err, sizeof err);
	if (lock == NULL) {
		if (lock_owner > 0)
			out_error("%s is served already (ovpn-token serve, pid %ld)", s.name, lock_owner);
		else
			out_error("%s", err);
		return lock_owner > 0 ? EXIT_ALREADY_RUNNING : EXIT_INTERNAL;
	}
	setup_program_path(opts->openvpn, s.program, sizeof s.program);
	if (prepare_folder(&s) != 0) {
		remove_folder(&s);
		plat_file_lock_release(lock);
		return EXIT_INTERNAL;
	}
	out_status("Serving %s (%s) to the group %s in %s", s.name, cfg.path, s.group, s.paths.dir);
	if (spawn(&s) != 0)
		stop(&s, EXIT_OPENVPN_FAILED);
	while (s.life.phase != SUP_DONE)
		step(&s);
	plat_child_free(s.child);
	remove_folder(&s);
	plat_file_lock_release(lock);
	return s.result;
}
