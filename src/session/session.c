/* The session's event loop and dispatch; the answers themselves live in session_*.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "platform/platform.h"
#include "session/session.h"
#include "session/internal.h"
#include "ui/output.h"
#include "ui/prompt.h"

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
	s->hold_nudge_at = plat_now_ms() + HOLD_NUDGE_MS;
	session_send(s, REPLY_STATUS, TAG_HOLD_RELEASE, "hold release", NULL);
}

static void request_stop(struct session *s)
{
	const char *args[] = {"SIGTERM", NULL};

	if (s->stop_requested)
		return;
	s->stop_requested = true;
	s->stop_deadline = plat_now_ms() + STOP_GRACE_MS;
	out_status("Stopping OpenVPN...");
	if (mgmt_conn_send(s->conn, REPLY_STATUS, TAG_SIGNAL, "signal", args) != MGMT_CMD_OK)
		s->finished = true;
}

void session_finish(struct session *s, int code)
{
	s->result = code;
	if (s->owns_openvpn && !s->finished)
		request_stop(s);
	else
		s->finished = true;
}

bool session_send(struct session *s, enum reply_kind kind, int tag, const char *verb,
                  const char *const *args)
{
	int rc = mgmt_conn_send(s->conn, kind, tag, verb, args);

	if (rc == MGMT_CMD_OK)
		return true;
	if (rc < 0) {
		out_error("cannot write to the management interface");
		s->result = EXIT_MGMT_FAILED;
		s->finished = true;
	} else {
		out_error("cannot send '%s': %s", verb,
		          mgmt_command_status_text((enum mgmt_cmd_status)rc));
		session_finish(s, EXIT_MGMT_FAILED);
	}
	return false;
}

bool session_may_ask(struct session *s, const char *what)
{
	if (!s->opts->batch)
		return true;
	out_error("OpenVPN asks for %s, and --batch forbids asking", what);
	session_finish(s, EXIT_NEEDS_INPUT);
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
	session_finish(s, EXIT_CANCELLED);
}

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
		r = prompt_text(s->conn->sock, answer, sizeof answer,
		                "%s. Press Enter to continue, Ctrl-C to cancel: ", ev->u.need.msg);
	}
	if (r == PLAT_READ_PEER_GONE || s->finished || s->stop_requested)
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
	r = prompt_text(s->conn->sock, answer, sizeof answer, "%s: ", ev->u.need.msg);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the answer");
		return;
	}
	session_send(s, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

static void on_greeting(struct session *s)
{
	const char *on[] = {"on", NULL};

	if (s->conn->is_tcp && !s->mgmt_password_used)
		out_warning("this management port has no password: any local user can "
		          "drive this OpenVPN");
	session_send(s, REPLY_STATUS, TAG_PLAIN, "state", on);
	if (s->owns_openvpn) {
		s->hold_nudge_at = plat_now_ms() + HOLD_NUDGE_MS;
		s->hold_nudges = 0;
	}
	if (s->opts->verbosity >= VERBOSITY_VERBOSE)
		session_send(s, REPLY_STATUS, TAG_PLAIN, "log", on);
}

/*
 * The number in ">HOLD" is the pause OpenVPN would itself make before trying again (its
 * connect-retry back-off).  Releasing at once would turn a server outage into a busy loop.
 */
static void on_hold(struct session *s, long wait_s)
{
	s->hold_nudge_at = 0;
	s->hold_nudges = 0;
	session_note_restart(s);
	if (wait_s <= 0) {
		s->hold_release_at = 0;
		send_hold_release(s);
		return;
	}
	if (wait_s > HOLD_WAIT_MAX_S)
		wait_s = HOLD_WAIT_MAX_S;
	if (wait_s >= HOLD_WAIT_SHOWN_S)
		out_status("Trying again in %ld s", wait_s);
	else
		out_verbose("Trying again in %ld s", wait_s);
	s->hold_release_at = plat_now_ms() + 1000LL * wait_s;
}

static void release_hold_when_due(struct session *s)
{
	if (s->hold_nudge_at != 0 && plat_now_ms() >= s->hold_nudge_at) {
		if (++s->hold_nudges > HOLD_NUDGES_MAX) {
			s->hold_nudge_at = 0;
		} else {
			out_verbose("OpenVPN has not confirmed a hold release: releasing it again");
			send_hold_release(s);
		}
	}
	if (s->hold_release_at == 0 || plat_now_ms() < s->hold_release_at)
		return;
	s->hold_release_at = 0;
	send_hold_release(s);
}

/* How long the loop may sleep: until the hold is due or the stop grace ends; -1 forever. */
static int next_timeout(const struct session *s)
{
	long long next = 0, now = plat_now_ms();

	if (s->stop_requested)
		next = s->stop_deadline;
	else if (s->hold_release_at != 0)
		next = s->hold_release_at;
	if (!s->stop_requested && s->hold_nudge_at != 0 && (next == 0 || s->hold_nudge_at < next))
		next = s->hold_nudge_at;
	if (next == 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void on_notification(struct session *s, const struct mgmt_event *ev)
{
	/* Once we asked openvpn to stop, its remaining requests go unanswered. */
	if (s->stop_requested && ev->type != MGMT_EV_FATAL && ev->type != MGMT_EV_LOG &&
	    ev->type != MGMT_EV_STATE)
		return;
	switch (ev->type) {
	case MGMT_EV_ENTER_PASSWORD:
		session_on_mgmt_password_prompt(s);
		break;
	case MGMT_EV_INFO:
		/* The greeting names the management version, which differs between releases. */
		out_verbose("OpenVPN: %s", ev->u.text.text);
		if (strncmp(ev->u.text.text, "OpenVPN Management Interface", 28) == 0)
			on_greeting(s);
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
		out_error("OpenVPN: authentication failed for '%s'", ev->u.password_failed.type);
		break;
	case MGMT_EV_STATE:
		session_on_state(s, ev);
		break;
	case MGMT_EV_LOG:
		out_verbose("openvpn: %s", ev->u.log.text);
		break;
	case MGMT_EV_FATAL:
		snprintf(s->last_fatal, sizeof s->last_fatal, "%s", ev->u.text.text);
		out_error("OpenVPN: %s", ev->u.text.text);
		break;
	case MGMT_EV_INFOMSG:
		out_verbose("OpenVPN: %s", ev->u.text.text);
		break;
	case MGMT_EV_MALFORMED:
		/* A broken answer to our listing would leave us waiting for it forever. */
		if (s->listing && strncmp(ev->u.text.text, ">PKCS11ID-", 10) == 0) {
			out_error("OpenVPN sent a malformed certificate list line: %.80s", ev->u.text.text);
			session_finish(s, EXIT_MGMT_FAILED);
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
		s->hold_nudge_at = 0;
		s->hold_nudges = 0;
		return;
	}
	if (tag == TAG_MGMT_PASSWORD && ev->type == MGMT_EV_SUCCESS) {
		s->mgmt_password_tries = 0;
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
	switch (mgmt_reply_queue_match(&s->conn->replies, &ev, &done)) {
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

static void on_connection_closed(struct session *s)
{
	s->finished = true;
	if (s->stop_requested)
		return;
	if (s->result != EXIT_OK)
		return;
	if (s->last_fatal[0] != '\0' || s->owns_openvpn) {
		s->result = EXIT_OPENVPN_FAILED;
		return;
	}
	out_error("OpenVPN closed the management connection");
	s->result = EXIT_MGMT_FAILED;
}

void session_on_interrupt(struct session *s)
{
	s->user_stop = true;
	if (!s->owns_openvpn) {
		out_status("Detached; OpenVPN keeps running.");
		s->finished = true;
	} else if (s->stop_requested) {
		/* A second Ctrl-C: do not wait any longer; the caller ends the process. */
		s->finished = true;
	} else {
		request_stop(s);
	}
}

/* Takes every complete line; false once the session is over. */
static bool drain_lines(struct session *s)
{
	char *line;
	size_t len;
	enum mgmt_line_status st;

	while (!s->finished && (st = mgmt_line_reader_next(&s->conn->reader, &line, &len)) == MGMT_LINE_OK)
		handle_line(s, line);
	if (!s->finished && st == MGMT_LINE_TOO_LONG) {
		out_error("OpenVPN sent a line longer than %d bytes; giving up", MGMT_LINE_MAX);
		s->result = EXIT_MGMT_FAILED;
		s->finished = true;
	}
	return !s->finished;
}

static void run_loop(struct session *s)
{
	char err[256];

	while (drain_lines(s)) {
		enum plat_wait_result w;
		long got;

		if (s->stop_requested && plat_now_ms() >= s->stop_deadline)
			break;
		if (!s->stop_requested)
			release_hold_when_due(s);
		w = plat_wait(s->conn->sock, next_timeout(s));
		if (w == PLAT_WAIT_INTERRUPT) {
			plat_take_interrupt();
			session_on_interrupt(s);
			continue;
		}
		if (w == PLAT_WAIT_TIMEOUT)
			continue;
		got = mgmt_conn_fill(s->conn, err, sizeof err);
		if (got == 0) {
			on_connection_closed(s);
		} else if (got < 0) {
			out_error("management connection: %s", err);
			s->result = s->stop_requested ? s->result : EXIT_MGMT_FAILED;
			s->finished = true;
		}
	}
}

struct session *session_new(const struct options *opts, bool owns_openvpn)
{
	struct session *s = calloc(1, sizeof *s);

	if (s == NULL || secret_init(&s->scratch) != 0 || secret_init(&s->pin) != 0 ||
	    secret_init(&s->mgmt_password) != 0) {
		out_error("cannot allocate memory for secrets");
		session_free(s);
		return NULL;
	}
	s->opts = opts;
	s->owns_openvpn = owns_openvpn;
	s->pin_source = (struct secret_source){
	    .what = "PIN", .file = opts->pin_file, .file_must_be_private = true,
	    .fd = opts->pin_fd, .credential = "pin"};
	s->mgmt_password_source = (struct secret_source){
	    .what = "management password", .file = opts->mgmt_password_file,
	    .fd = opts->mgmt_password_fd, .credential = "management-password"};
	session_set_provider(s, opts->provider);
	if (opts->pin_fd >= 0)
		plat_keep_from_children(opts->pin_fd);
	if (opts->mgmt_password_fd >= 0)
		plat_keep_from_children(opts->mgmt_password_fd);
	return s;
}

int session_set_mgmt_password(struct session *s, const char *password)
{
	return secret_set(&s->mgmt_password, password, strlen(password));
}

void session_set_provider(struct session *s, const char *path)
{
	snprintf(s->provider, sizeof s->provider, "%s", path != NULL ? path : "");
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
	if ((s->pin_source.fd == 0 || s->mgmt_password_source.fd == 0) && plat_interactive()) {
		out_error("descriptor 0 is the terminal: leave out --pin-fd 0 and type at the prompt, "
		          "which does not echo");
		return -1;
	}
	if (check_one_way(&s->pin_source) != 0 || check_one_way(&s->mgmt_password_source) != 0)
		return -1;
	return secret_source_check(&s->pin_source) == 0 &&
	               secret_source_check(&s->mgmt_password_source) == 0
	           ? 0
	           : -1;
}

/* Everything that belongs to one connection starts afresh. */
static void reset_connection_state(struct session *s, struct mgmt_conn *conn)
{
	session_free_certs(s);
	s->conn = conn;
	s->mgmt_password_tries = 0;
	s->mgmt_password_used = false;
	s->listing = false;
	s->certs_expected = s->certs_received = 0;
	s->pin_answered = false;
	s->connected = false;
	s->stop_requested = false;
	s->user_stop = false;
	s->hold_release_at = 0;
	s->hold_nudge_at = 0;
	s->hold_nudges = 0;
	s->last_reconnect[0] = '\0';
	s->finished = false;
	s->result = EXIT_OK;
	s->last_fatal[0] = '\0';
}

int session_run(struct session *s, struct mgmt_conn *conn)
{
	reset_connection_state(s, conn);
	run_loop(s);
	session_free_certs(s);
	secret_clear(&s->scratch);
	return s->result;
}

void session_report_status(struct session *s, const char *state)
{
	session_write_status(s, state, -1, "", "");
}

bool session_was_connected(const struct session *s)
{
	return s->connected;
}

bool session_stop_was_asked(const struct session *s)
{
	return s->user_stop;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_free_certs(s);
	secret_free(&s->scratch);
	secret_free(&s->pin);
	secret_free(&s->mgmt_password);
	free(s->chosen_id);
	free(s);
}
