/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's event loop and the one dispatch of OpenVPN's events; the answers live in the
 * files of their concern (cert.c, password.c, auth.c, token.c, lockout.c, state.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/exit_codes.h"
#include "session/session.h"
#include "session/internal.h"
#include "session/reason.h"
#include "ui/output.h"

/* How long openvpn gets to end after "signal SIGTERM" before we stop waiting for it. */
#define STOP_GRACE_MS 10000
/* OpenVPN's own connect-retry-max default; a larger hold time is not believed. */
#define HOLD_WAIT_MAX_S 300
/* Shorter pauses are routine and not worth a line. */
#define HOLD_WAIT_SHOWN_S 5
/*
 * OpenVPN for Windows (2.6, 2.7 under wine) can lose our `hold release`: a command arriving
 * while openvpn is still writing the reply to the one before is read by a nested
 * management_io() (on Windows it reads before it writes, inside man_output_standalone), which
 * works on the same command line buffer; seen on the wire: `state "on"` run twice, the
 * release bytes taken off the socket but never run, openvpn holding for ever.  So a release is
 * owed until its SUCCESS comes: without one within this time it is sent again (harmless: a
 * second release only sets the same flag).  An openvpn we started with --management-hold holds
 * once it greets us, so a >HOLD that never comes is covered the same way.
 */
#define HOLD_NUDGE_MS 2000
#define HOLD_NUDGES_MAX 5

static void send_hold_release(struct session *s)
{
	/* Only over TCP, the one way OpenVPN for Windows can be reached. */
	if (s->io->is_tcp)
		s->link.hold_nudge_at = s->io->now(s->io->ctx) + HOLD_NUDGE_MS;
	session_send(s, REPLY_STATUS, TAG_HOLD_RELEASE, "hold release", NULL);
}

/* ---- ending ------------------------------------------------------------------------------ */

static void request_stop(struct session *s)
{
	const char *args[] = {"SIGTERM", NULL};

	if (s->link.stop_requested)
		return;
	s->link.stop_requested = true;
	s->link.stop_deadline = s->io->now(s->io->ctx) + STOP_GRACE_MS;
	out_status("Stopping OpenVPN...");
	if (s->io->send(s->io->ctx, REPLY_STATUS, TAG_SIGNAL, "signal", args) != MGMT_CMD_OK)
		s->link.finished = true;
}

void session_end_error(struct session *s, int code)
{
	s->link.result = code;
	if (s->owns_openvpn && !s->link.finished)
		request_stop(s);
	else
		s->link.finished = true;
}

void session_end_lost(struct session *s, int code)
{
	s->link.result = code;
	s->link.finished = true;
}

void session_end_detach(struct session *s)
{
	out_status("Detached; OpenVPN keeps running.");
	s->link.finished = true;
}

void session_end_stop(struct session *s)
{
	s->link.user_stop = true;
	if (!s->owns_openvpn)
		session_end_detach(s);
	else if (s->link.stop_requested)
		/* A second Ctrl-C: do not wait any longer; the caller ends the process. */
		s->link.finished = true;
	else
		request_stop(s);
}

bool session_ending(const struct session *s)
{
	return s->link.finished || s->link.stop_requested;
}

/* ---- helpers for the handlers ------------------------------------------------------------- */

bool session_send(struct session *s, enum reply_kind kind, int tag, const char *verb,
                  const char *const *args)
{
	enum mgmt_cmd_status rc = s->io->send(s->io->ctx, kind, tag, verb, args);

	if (rc == MGMT_CMD_OK)
		return true;
	if (rc == MGMT_CMD_WRITE_FAILED) {
		out_error("cannot write to the management interface");
		session_end_lost(s, EXIT_MGMT_FAILED);
	} else {
		out_error("cannot send '%s': %s", verb, mgmt_command_status_text(rc));
		session_end_error(s, EXIT_MGMT_FAILED);
	}
	return false;
}

bool session_may_ask(struct session *s, const char *what)
{
	if (!s->opts->batch)
		return true;
	out_error("OpenVPN asks for %s, and --batch forbids asking", what);
	session_end_error(s, EXIT_NEEDS_INPUT);
	return false;
}

void session_prompt_failed(struct session *s, enum plat_read_result r, const char *what)
{
	switch (r) {
	case PLAT_READ_PEER_GONE:
		/* The loop sees the closed connection next and tells why. */
		return;
	case PLAT_READ_TOO_LONG:
		out_error("%s is too long", what);
		break;
	case PLAT_READ_ERROR:
		out_error("cannot read %s from the terminal", what);
		break;
	default:
		out_status("Cancelled.");
		break;
	}
	session_end_error(s, EXIT_CANCELLED);
}

enum plat_read_result session_ask(struct session *s, const struct plat_prompt_watch *watch,
                                  struct secret *secret, char *buf, size_t bufsz,
                                  const char *fmt, ...)
{
	char prompt[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(prompt, sizeof prompt, fmt, ap);
	va_end(ap);
	if (n < 0)
		prompt[0] = '\0';
	if (secret != NULL)
		return s->io->ask_secret(s->io->ctx, secret, prompt);
	return s->io->ask_text(s->io->ctx, watch, buf, bufsz, prompt);
}

/* ---- the dispatch ------------------------------------------------------------------------- */

static void on_need_ok(struct session *s, const struct mgmt_event *ev)
{
	const char *args[] = {ev->u.need.name, "ok", NULL};
	char answer[64];
	enum plat_read_result r;

	if (strcmp(ev->u.need.name, "token-insertion-request") == 0) {
		r = session_ask_insertion(s, ev->u.need.msg, answer, sizeof answer);
	} else {
		if (!session_may_ask(s, "a confirmation"))
			return;
		r = session_ask_text(s, NULL, answer, sizeof answer,
		                     "%s. Press Enter to continue, Ctrl-C to cancel: ", ev->u.need.msg);
	}
	if (r == PLAT_READ_PEER_GONE || session_ending(s))
		return;
	if (r != PLAT_READ_OK && r != PLAT_READ_TOO_LONG && r != PLAT_READ_SETTLED)
		args[1] = "cancel";
	session_send(s, REPLY_STATUS, TAG_PLAIN, "needok", args);
}

static void on_need_str(struct session *s, const struct mgmt_event *ev)
{
	char answer[MGMT_PARAM_MAX];
	const char *args[] = {ev->u.need.name, answer, NULL};
	enum plat_read_result r;

	if (strcmp(ev->u.need.name, "pkcs11-id-request") == 0) {
		session_on_id_request(s);
		return;
	}
	if (!session_may_ask(s, "a string"))
		return;
	r = session_ask_text(s, NULL, answer, sizeof answer, "%s: ", ev->u.need.msg);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the answer");
		return;
	}
	session_send(s, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

static void on_greeting(struct session *s)
{
	const char *on[] = {"on", NULL};

	if (s->io->is_tcp && !s->link.mgmt_password_used)
		out_warning("this management port has no password: any local user can "
		          "drive this OpenVPN");
	session_xkey_on_greeting(s);
	session_send(s, REPLY_STATUS, TAG_PLAIN, "state", on);
	/* Always: the log says why a connection failed (reason.c); -v also shows every line. */
	session_send(s, REPLY_STATUS, TAG_PLAIN, "log", on);
	if (s->owns_openvpn && s->io->is_tcp) {
		s->link.hold_nudge_at = s->io->now(s->io->ctx) + HOLD_NUDGE_MS;
		s->link.hold_nudges = 0;
	}
}

/*
 * The number in ">HOLD" is the pause OpenVPN would itself make before trying again (its
 * connect-retry back-off).  Releasing at once would turn a server outage into a busy loop.
 */
static void on_hold(struct session *s, long wait_s)
{
	s->link.hold_nudge_at = 0;
	s->link.hold_nudges = 0;
	pin_cache_forget_answer(&s->kept.pin);
	if (wait_s <= 0) {
		s->link.hold_release_at = 0;
		send_hold_release(s);
		return;
	}
	if (wait_s > HOLD_WAIT_MAX_S)
		wait_s = HOLD_WAIT_MAX_S;
	if (wait_s >= HOLD_WAIT_SHOWN_S)
		out_status("Trying again in %ld s", wait_s);
	else
		out_verbose("Trying again in %ld s", wait_s);
	s->link.hold_release_at = s->io->now(s->io->ctx) + 1000LL * wait_s;
}

static void release_hold_when_due(struct session *s)
{
	long long now = s->io->now(s->io->ctx);

	if (s->link.hold_nudge_at != 0 && now >= s->link.hold_nudge_at) {
		if (++s->link.hold_nudges > HOLD_NUDGES_MAX) {
			s->link.hold_nudge_at = 0;
		} else {
			out_verbose("OpenVPN has not confirmed a hold release: releasing it again");
			send_hold_release(s);
		}
	}
	if (s->link.hold_release_at == 0 || now < s->link.hold_release_at)
		return;
	s->link.hold_release_at = 0;
	send_hold_release(s);
}

/* Until when the loop may sleep: the hold is due or the stop grace ends; -1: no deadline. */
static long long next_deadline(const struct session *s)
{
	long long next = -1;

	if (s->link.stop_requested)
		return s->link.stop_deadline;
	if (s->link.hold_release_at != 0)
		next = s->link.hold_release_at;
	if (s->link.hold_nudge_at != 0 && (next < 0 || s->link.hold_nudge_at < next))
		next = s->link.hold_nudge_at;
	return next;
}

static void on_notification(struct session *s, const struct mgmt_event *ev)
{
	/* Once we asked openvpn to stop, its remaining requests go unanswered. */
	if (s->link.stop_requested && ev->type != MGMT_EV_FATAL && ev->type != MGMT_EV_LOG &&
	    ev->type != MGMT_EV_STATE)
		return;
	switch (ev->type) {
	case MGMT_EV_ENTER_PASSWORD:
		session_on_mgmt_password_prompt(s);
		break;
	case MGMT_EV_INFO:
		/* The greeting names the management version, which differs between releases. */
		out_verbose("OpenVPN: %s", ev->u.text.text);
		if (strncmp(ev->u.text.text, "OpenVPN Management Interface", 28) == 0) {
			session_auth_on_greeting(s, ev->u.text.text);
			on_greeting(s);
		}
		break;
	case MGMT_EV_HOLD:
		on_hold(s, ev->u.hold.count);
		break;
	case MGMT_EV_NEED_STR:
		on_need_str(s, ev);
		break;
	case MGMT_EV_NEED_OK:
		on_need_ok(s, ev);
		break;
	case MGMT_EV_PASSWORD_NEED:
		session_on_password_need(s, ev);
		break;
	case MGMT_EV_PASSWORD_FAILED:
		session_on_password_failed(s, ev);
		break;
	case MGMT_EV_STATE:
		session_on_state(s, ev);
		session_auth_on_state(s, ev);
		break;
	case MGMT_EV_LOG:
		out_verbose("openvpn: %s", ev->u.log.text);
		reason_from_log(ev->u.log.text, s->link.last_failure, sizeof s->link.last_failure);
		break;
	case MGMT_EV_FATAL:
		session_on_fatal(s, ev->u.text.text);
		break;
	case MGMT_EV_INFOMSG:
		if (!session_auth_on_infomsg(s, ev))
			out_verbose("OpenVPN: %s", ev->u.text.text);
		break;
	case MGMT_EV_UNKNOWN:
		session_on_external_key(s, ev);
		break;
	case MGMT_EV_MALFORMED:
		if (strncmp(ev->u.text.text, ">PKCS11ID-", 10) == 0 && session_certs_listing(s)) {
			out_error("OpenVPN sent a malformed certificate list line: %.80s", ev->u.text.text);
			session_end_error(s, EXIT_MGMT_FAILED);
			break;
		}
		out_verbose("ignoring a malformed line from OpenVPN: %.80s", ev->u.text.text);
		break;
	default:
		break;
	}
}

static void on_reply(struct session *s, const struct mgmt_event *ev, int tag)
{
	if (tag == TAG_ID_COUNT || tag == TAG_ID_GET) {
		session_on_id_reply(s, ev, tag);
		return;
	}
	if (tag == TAG_HOLD_RELEASE && ev->type == MGMT_EV_SUCCESS) {
		s->link.hold_nudge_at = 0;
		s->link.hold_nudges = 0;
		return;
	}
	if (tag == TAG_MGMT_PASSWORD) {
		if (ev->type == MGMT_EV_SUCCESS)
			session_on_mgmt_password_accepted(s);
		else if (ev->type == MGMT_EV_ERROR)
			session_on_mgmt_password_refused(s);
		return;
	}
	if (tag == TAG_PIN && ev->type == MGMT_EV_ERROR)
		session_on_pin_refused(s);
	if (ev->type == MGMT_EV_ERROR)
		out_error("OpenVPN refused a command: %s", ev->u.text.text);
}

static void handle_line(struct session *s, char *line)
{
	struct mgmt_event ev;
	struct pending_command done;

	mgmt_parse_line(line, &ev);
	switch (mgmt_reply_queue_match(s->io->replies, &ev, &done)) {
	case REPLY_DONE:
		on_reply(s, &ev, done.tag);
		break;
	case REPLY_NOT_REPLY:
		on_notification(s, &ev);
		break;
	case REPLY_UNEXPECTED:
		out_verbose("ignoring an unexpected reply from OpenVPN: %.80s", line);
		break;
	case REPLY_PART:
		break;
	}
}

/* ---- the loop ----------------------------------------------------------------------------- */

static void on_connection_closed(struct session *s)
{
	if (s->link.stop_requested || s->link.result != EXIT_OK) {
		session_end_lost(s, s->link.result);
		return;
	}
	if (session_mgmt_password_unanswered(s)) {
		/* OpenVPN hangs up on the third wrong password, with or without a last ERROR. */
		out_error("The management password was rejected: OpenVPN closed the connection.");
		session_end_lost(s, EXIT_MGMT_PASSWORD);
		return;
	}
	if (s->link.last_fatal[0] != '\0' || s->owns_openvpn) {
		session_end_lost(s, EXIT_OPENVPN_FAILED);
		return;
	}
	out_error("OpenVPN closed the management connection");
	session_end_lost(s, EXIT_MGMT_FAILED);
}

/* Takes every complete line; false once the run is over. */
static bool drain_lines(struct session *s)
{
	char *line;
	size_t len;
	enum mgmt_line_status st = MGMT_LINE_NONE;

	while (!s->link.finished &&
	       (st = mgmt_line_reader_next(s->io->reader, &line, &len)) == MGMT_LINE_OK)
		handle_line(s, line);
	if (!s->link.finished && st == MGMT_LINE_TOO_LONG) {
		out_error("OpenVPN sent a line longer than %d bytes; giving up", MGMT_LINE_MAX);
		session_end_lost(s, EXIT_MGMT_FAILED);
	}
	return !s->link.finished;
}

static void run_loop(struct session *s)
{
	const struct session_io *io = s->io;
	char err[256];

	while (drain_lines(s)) {
		enum plat_wait_result w;
		long got;

		if (s->link.stop_requested && io->now(io->ctx) >= s->link.stop_deadline)
			break;
		if (!s->link.stop_requested) {
			release_hold_when_due(s);
			if (s->link.finished)
				break;
		}
		w = io->wait(io->ctx, true, next_deadline(s));
		if (w == PLAT_WAIT_INTERRUPT) {
			session_end_stop(s);
			continue;
		}
		if (w == PLAT_WAIT_TIMEOUT)
			continue;
		got = io->fill(io->ctx, err, sizeof err);
		if (got == 0) {
			on_connection_closed(s);
		} else if (got < 0) {
			out_error("management connection: %s", err);
			session_end_lost(s, s->link.stop_requested ? s->link.result : EXIT_MGMT_FAILED);
		}
	}
}

int session_run_io(struct session *s, const struct session_io *io)
{
	session_certs_free(&s->link.certs);
	s->link = (struct session_link){.result = EXIT_OK};
	s->io = io;
	pin_cache_forget_answer(&s->kept.pin);
	session_auth_reset(&s->auth);
	run_loop(s);
	session_xkey_reset(s);
	session_certs_free(&s->link.certs);
	secret_clear(&s->scratch);
	session_auth_reset(&s->auth);
	s->io = NULL;
	return s->link.result;
}

/* ---- setup and what survives -------------------------------------------------------------- */

struct session *session_new(const struct options *opts, bool owns_openvpn)
{
	struct session *s = calloc(1, sizeof *s);

	if (s == NULL || secret_init(&s->scratch) != 0 || pin_cache_init(&s->kept.pin) != 0 ||
	    secret_init(&s->kept.mgmt_password) != 0 || session_auth_init(&s->auth) != 0) {
		out_error("cannot allocate memory for secrets");
		session_free(s);
		return NULL;
	}
	s->opts = opts;
	s->owns_openvpn = owns_openvpn;
	s->kept.pin_source = (struct secret_source){
	    .what = "PIN", .file = opts->pin_file, .file_must_be_private = true,
	    .fd = opts->pin_fd, .credential = "pin"};
	s->kept.mgmt_password_source = (struct secret_source){
	    .what = "management password", .file = opts->mgmt_password_file,
	    .fd = opts->mgmt_password_fd, .credential = "management-password"};
	s->auth.source = (struct secret_source){
	    .what = "username and password", .file = opts->auth_user_pass_file,
	    .file_must_be_private = true, .fd = -1, .credential = "auth-user-pass"};
	session_set_provider(s, opts->provider);
	if (opts->pin_fd >= 0)
		plat_keep_from_children(opts->pin_fd);
	if (opts->mgmt_password_fd >= 0)
		plat_keep_from_children(opts->mgmt_password_fd);
	return s;
}

int session_set_mgmt_password(struct session *s, const char *password)
{
	return secret_set(&s->kept.mgmt_password, password, strlen(password));
}

void session_set_provider(struct session *s, const char *path)
{
	snprintf(s->kept.provider, sizeof s->kept.provider, "%s", path != NULL ? path : "");
}

static int check_one_way(const struct secret_source *src)
{
	if (src->file == NULL || src->fd < 0)
		return 0;
	out_error("give the %s one way: a file or a descriptor, not both", src->what);
	return -1;
}

int session_check_sources(struct session *s)
{
	if ((s->kept.pin_source.fd == 0 || s->kept.mgmt_password_source.fd == 0) &&
	    plat_interactive()) {
		out_error("descriptor 0 is the terminal: leave out --pin-fd 0 and type at the prompt, "
		          "which does not echo");
		return -1;
	}
	if (check_one_way(&s->kept.pin_source) != 0 ||
	    check_one_way(&s->kept.mgmt_password_source) != 0)
		return -1;
	return secret_source_check(&s->kept.pin_source) == 0 &&
	               secret_source_check(&s->kept.mgmt_password_source) == 0 &&
	               secret_source_check(&s->auth.source) == 0
	           ? 0
	           : -1;
}

void session_report_status(struct session *s, const char *state)
{
	/* Our own states (RESTARTING, EXITED) carry no time from OpenVPN: they happen now. */
	time_t now = time(NULL);

	session_write_status(s, state, now == (time_t)-1 ? -1 : (long long)now, "", "");
}

bool session_was_connected(const struct session *s)
{
	return s->link.connected;
}

bool session_stop_was_asked(const struct session *s)
{
	return s->link.user_stop;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_certs_free(&s->link.certs);
	secret_free(&s->scratch);
	pin_cache_free(&s->kept.pin);
	secret_free(&s->kept.mgmt_password);
	session_auth_free(&s->auth);
	free(s->kept.chosen_id);
	free(s->kept.config_id);
	free(s);
}
