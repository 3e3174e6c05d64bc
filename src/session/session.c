/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The top of the session: the one loop, the one dispatch of OpenVPN's events to the handlers,
 * and the life of the openvpn process (start).  The handlers answer; this file decides what
 * follows from their results.  Everything waits here, in one place: OpenVPN's bytes, the
 * person's keys, the token view's looks, the openvpn process and the clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "openvpn/supervise.h"
#include "platform/platform.h"
#include "session/auth.h"
#include "session/certs.h"
#include "session/core.h"
#include "session/fatal.h"
#include "session/hold.h"
#include "session/mgmt_password.h"
#include "session/need.h"
#include "session/pin.h"
#include "session/pin_supply.h"
#include "session/removal.h"
#include "session/session.h"
#include "session/state.h"
#include "session/tokens.h"
#include "session/xkey.h"
#include "ui/output.h"

/*
 * The openvpn process's life (its start's limit, the stop's grace, the kill, the back-off) is
 * the supervisor's, openvpn/supervise.h, as it is serve's; this file says what each step means
 * to the person and decides what is worth a restart.
 */
/*
 * How often a starting openvpn's management interface is tried: openvpn opens it some
 * milliseconds after its start, and our module's load and its hold release both wait for the
 * connection, so the first second is tried closely; a slow start is then tried less often.
 */
#define STARTING_FIRST_RETRY_MS 5
#define STARTING_FIRST_MS 1000
#define STARTING_RETRY_MS 50
/* ... and, once reached, how often we ask again who serves it when the system could not say. */
#define UNVERIFIED_RETRY_MS 500

/* The openvpn process across its runs (start); attach has none and goes straight to managing. */
struct openvpn_life {
	struct supervisor sup;          /* its phase and deadlines */
	bool managing;                  /* the management connection is ours */
	long long next_try;             /* starting: the next connect */
	char open_err[512];             /* starting: why the last try did not get through */
	bool unverified;                /* ... it got through, but nobody could say to whom */
	int result;                     /* the exit code the whole run ends with */
	bool reached_management;        /* this openvpn got as far as its management interface */
	bool ever_connected;            /* a tunnel came up since start */
	bool user_stop;
};

struct session {
	struct session_core core;
	struct openvpn_life life;
	struct hold hold;
	struct certs certs;
	struct pin_supply pins;
	struct pin_login pin;
	struct mgmt_password mgmt_password;
	struct auth auth;
	struct xkey xkey;
	struct need need;
	struct tunnel_state tunnel;
	struct fatal fatal;
	struct removal removal;
	const struct io_status *status_sink; /* besides --status-file; NULL for none */
};

/* ---- the question: shown, fed, settled ------------------------------------------------ */

static const struct io_person *person(const struct session *s)
{
	return s->core.world->person;
}

static void show_question(struct session *s)
{
	struct session_question *q = &s->core.question;
	bool secret = q->kind == ASK_SECRET;

	if (q->shown || q->kind == ASK_NOTHING)
		return;
	q->shown = person(s)->open(person(s)->ctx, q->prompt, !secret,
	                           secret ? q->into->data : q->typed,
	                           secret ? SECRET_MAX + 1 : sizeof q->typed) == 0;
	if (!q->shown)
		q->kind = ASK_NOTHING; /* cannot be asked: only the watch or Ctrl-C can end it */
}

/* The question is over: the handler that asked goes on with what came. */
static void finish_question(struct session *s, enum plat_read_result r)
{
	struct session_core *c = &s->core;
	struct session_question *q = &c->question;
	struct session_answer a = {r, NULL, 0};
	char text[sizeof q->typed];
	session_answer_fn *then = q->then;
	void *arg = q->arg;

	if (q->shown)
		person(s)->close(person(s)->ctx);
	q->shown = false;
	if (r == PLAT_READ_OK && q->kind == ASK_NUMBER) {
		char *end;
		long n = strtol(q->typed, &end, 10);

		if (end == q->typed || *end != '\0' || n < 1 || n > q->max) {
			out_menu("Please answer with a number from 1 to %d.", q->max);
			q->typed[0] = '\0';
			return; /* asked again */
		}
		a.number = (int)n;
	}
	if (r == PLAT_READ_OK && q->into != NULL)
		q->into->len = strlen(q->into->data);
	if (r != PLAT_READ_OK && q->into != NULL)
		secret_clear(q->into);
	q->into = NULL;
	memcpy(text, q->typed, sizeof text);
	plat_wipe(q->typed, sizeof q->typed);
	a.text = text;
	q->open = false;
	then(c, arg, &a);
	plat_wipe(text, sizeof text);
}

/* A due look of the question's watch; true when it settled the question. */
static bool check_question_watch(struct session *s)
{
	struct session_core *c = &s->core;
	struct session_question *q = &c->question;

	if (q->watch.interval_ms <= 0 || session_now(c) < q->next_check)
		return false;
	if (q->watch.settled(c, q->watch.arg)) {
		finish_question(s, PLAT_READ_SETTLED);
		return true;
	}
	q->next_check = session_now(c) + q->watch.interval_ms;
	return false;
}

/* ---- the dispatch ------------------------------------------------------------------------ */

static void on_certificate_chosen(struct session_core *c, void *arg, const char *id)
{
	struct session *s = arg;

	xkey_answer_certificate(c, &s->xkey, id);
}

static void on_greeting(struct session *s, const char *text)
{
	struct session_core *c = &s->core;
	const char *on[] = {"on", NULL};

	auth_on_greeting(c, text);
	if (session_over_tcp(c) && !mgmt_password_used(&s->mgmt_password))
		out_warning("this management port has no password: any local user can "
		            "drive this OpenVPN");
	xkey_on_greeting(c);
	session_send(c, REPLY_STATUS, TAG_PLAIN, "state", on);
	/* Always: the log says why a connection failed (reason.c); -v also shows every line. */
	session_send(c, REPLY_STATUS, TAG_PLAIN, "log", on);
	hold_on_greeting(c, &s->hold);
}

static void on_password_need(struct session *s, const struct mgmt_event *ev)
{
	char label[SECRET_MAX + 1];

	if (pin_is_token_request(ev->u.password_need.type, label, sizeof label) &&
	    certs_listing(&s->certs))
		certs_on_pin_while_listing(&s->core, &s->certs);
	else if (pin_is_token_request(ev->u.password_need.type, label, sizeof label))
		pin_on_request(&s->core, &s->pin, &s->pins, ev->u.password_need.type, label);
	else if (strcmp(ev->u.password_need.type, "Auth") == 0)
		auth_on_need(&s->core, &s->auth, ev);
	else
		auth_on_other_need(&s->core, &s->auth, ev);
}

/* The token signed: the PIN that went to it was right. */
static void login_confirmed(struct session *s)
{
	pin_supply_confirm(&s->pins);
	pin_on_login_confirmed(&s->pin);
}

/* The token the tunnel rests on: the chosen certificate's, the config's, or the PIN's. */
static void tunnel_token_label(const struct session *s, char *out, size_t outsz)
{
	const char *id = certs_chosen(&s->certs) != NULL ? certs_chosen(&s->certs) : s->core.config_id;
	struct p11_id_fields f;
	char err[128];

	out[0] = '\0';
	if (id != NULL && p11_id_decode(id, &f, err, sizeof err) == 0)
		snprintf(out, outsz, "%.*s", (int)f.label_len, (const char *)f.label);
	else if (!mgmt_token_label(pin_supply_last_type(&s->pins), "", out, outsz) ||
	         strcmp(pin_supply_last_type(&s->pins), "PKCS#11 token") == 0)
		out[0] = '\0'; /* a provider token says no label */
}

/*
 * A restart before the tunnel ever came up on this connection, with a certificate OpenVPN
 * itself called expired (or not yet valid): the server refused the certificate, and will
 * again at every try.  The PIN is not to blame (the token signed); the run ends, naming it.
 */
static bool certificate_refused(struct session *s)
{
	const char *words = state_cert_out_of_date(&s->tunnel);

	if (s->tunnel.connected || words == NULL || state_restart_before_key(&s->tunnel))
		return false;
	out_error("The server refused the certificate: it %s (OpenVPN's log: \"Your certificate "
	          "%s!\"). The PIN is not to blame. Renew the certificate, or use another "
	          "(`ovpn-token list`).", words, words);
	pin_supply_forget_answer(&s->pins);
	session_end_error(&s->core, EXIT_NO_CERTIFICATE);
	return true;
}

static void on_state(struct session *s, const struct mgmt_event *ev)
{
	char label[P11_LABEL_LEN + 1];

	tunnel_token_label(s, label, sizeof label);
	switch (state_on_state(&s->core, &s->tunnel, ev)) {
	case STATE_CONNECTED:
		sup_up(&s->life.sup, session_now(&s->core));
		login_confirmed(s);
		removal_watch(&s->core, &s->removal, label);
		break;
	case STATE_LOGIN_CONFIRMED:
		login_confirmed(s);
		break;
	case STATE_AUTHENTICATING:
		pin_on_authenticating(&s->core, &s->pin, label);
		break;
	case STATE_RECONNECTING:
		if (certificate_refused(s))
			break;
		pin_on_restart(&s->core, &s->pin, &s->pins, state_restart_before_key(&s->tunnel),
		               state_restart_cause(&s->tunnel));
		pin_supply_forget_answer(&s->pins);
		break;
	case STATE_OTHER:
		break;
	}
	auth_on_state(&s->auth, ev);
}

static void on_fatal(struct session *s, const char *text)
{
	if (fatal_on_line(&s->core, &s->fatal, text) == FATAL_KEY_FAILED &&
	    !pin_blame_key_failure(&s->core, &s->pins))
		fatal_explain_key_failure(&s->core, &s->fatal);
}

static void on_unknown(struct session *s, const struct mgmt_event *ev)
{
	struct session_core *c = &s->core;

	if (xkey_on_request(c, &s->xkey, ev, certs_chosen(&s->certs)) == PK_REQ_NEED_CERTIFICATE &&
	    !session_ending(c))
		certs_on_certificate_request(c, &s->certs, on_certificate_chosen, s);
}

static void on_notification(struct session *s, const struct mgmt_event *ev)
{
	struct session_core *c = &s->core;

	/* Once we asked openvpn to stop, its remaining requests go unanswered. */
	if (c->end.stop_requested && ev->type != MGMT_EV_FATAL && ev->type != MGMT_EV_LOG &&
	    ev->type != MGMT_EV_STATE)
		return;
	switch (ev->type) {
	case MGMT_EV_ENTER_PASSWORD:
		mgmt_password_on_prompt(c, &s->mgmt_password);
		break;
	case MGMT_EV_INFO:
		/* The greeting names the management version, which differs between releases. */
		out_verbose("OpenVPN: %s", ev->u.text.text);
		if (strncmp(ev->u.text.text, "OpenVPN Management Interface", 28) == 0)
			on_greeting(s, ev->u.text.text);
		break;
	case MGMT_EV_HOLD:
		pin_supply_forget_answer(&s->pins);
		hold_on_hold(c, &s->hold, ev->u.hold.count);
		break;
	case MGMT_EV_NEED_STR:
		if (strcmp(ev->u.need.name, "pkcs11-id-request") == 0)
			certs_on_id_request(c, &s->certs);
		else
			need_on_str(c, &s->need, ev);
		break;
	case MGMT_EV_NEED_OK:
		need_on_ok(c, &s->need, ev);
		break;
	case MGMT_EV_PASSWORD_NEED:
		on_password_need(s, ev);
		break;
	case MGMT_EV_PASSWORD_FAILED:
		/* The server's verdict came over TLS, so the token signed: the PIN is right. */
		if (auth_on_failed(c, &s->auth, ev))
			login_confirmed(s);
		break;
	case MGMT_EV_STATE:
		on_state(s, ev);
		break;
	case MGMT_EV_LOG:
		if (state_on_log(&s->tunnel, ev->u.log.text))
			login_confirmed(s);
		break;
	case MGMT_EV_FATAL:
		on_fatal(s, ev->u.text.text);
		break;
	case MGMT_EV_INFOMSG:
		if (!auth_on_infomsg(c, &s->auth, ev))
			out_verbose("OpenVPN: %s", ev->u.text.text);
		break;
	case MGMT_EV_UNKNOWN:
		on_unknown(s, ev);
		break;
	case MGMT_EV_MALFORMED:
		if (strncmp(ev->u.text.text, ">PKCS11ID-", 10) == 0 && certs_listing(&s->certs)) {
			out_error("OpenVPN sent a malformed certificate list line: %.80s",
			          ev->u.text.text);
			session_end_error(c, EXIT_MGMT_FAILED);
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
	struct session_core *c = &s->core;

	switch (tag) {
	case TAG_ID_COUNT:
	case TAG_ID_GET:
		certs_on_reply(c, &s->certs, ev, (enum reply_tag)tag);
		return;
	case TAG_HOLD_RELEASE:
		if (ev->type == MGMT_EV_SUCCESS) {
			hold_on_released(&s->hold);
			state_expect_words(c, &s->tunnel);
			return;
		}
		break;
	case TAG_MGMT_PASSWORD:
		if (ev->type == MGMT_EV_SUCCESS || ev->type == MGMT_EV_ERROR)
			mgmt_password_on_reply(c, &s->mgmt_password, ev->type == MGMT_EV_SUCCESS);
		return;
	case TAG_PIN:
		/* OpenVPN did not take the command: the next request is not about a wrong PIN. */
		if (ev->type == MGMT_EV_ERROR)
			pin_supply_forget_answer(&s->pins);
		break;
	case TAG_HOLD_QUERY:
		if (ev->type == MGMT_EV_SUCCESS)
			removal_on_hold_query(&s->removal, ev->u.text.text);
		return;
	case TAG_QUIET:
		if (ev->type == MGMT_EV_ERROR)
			out_verbose("OpenVPN: %s", ev->u.text.text);
		return;
	default:
		break;
	}
	if (ev->type == MGMT_EV_ERROR)
		out_error("OpenVPN refused a command: %s", ev->u.text.text);
}

static void handle_line(struct session *s, char *line)
{
	const struct io_connection *conn = s->core.world->connection;
	struct mgmt_event ev;
	struct pending_command done;

	mgmt_parse_line(line, &ev);
	/* Its log goes on while it waits on its console: only the rest is OpenVPN talking to us. */
	if (ev.type != MGMT_EV_LOG)
		state_on_line(&s->tunnel);
	switch (mgmt_reply_queue_match(conn->replies, &ev, &done)) {
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

/* Every whole line that has arrived, until a question opens or the run ends. */
static void dispatch_lines(struct session *s)
{
	struct session_core *c = &s->core;
	char *line;
	size_t len;
	enum mgmt_line_status st = MGMT_LINE_NONE;

	while (!c->end.finished && !session_asking(c) &&
	       (st = mgmt_line_reader_next(c->world->connection->reader, &line, &len)) ==
	           MGMT_LINE_OK)
		handle_line(s, line);
	if (!c->end.finished && st == MGMT_LINE_TOO_LONG) {
		out_error("OpenVPN sent a line longer than %d bytes; giving up", MGMT_LINE_MAX);
		session_end_lost(c, EXIT_MGMT_FAILED);
	}
}

static void on_connection_closed(struct session *s)
{
	struct session_core *c = &s->core;

	if (c->end.stop_requested || c->end.result != EXIT_OK) {
		session_end_lost(c, c->end.result);
		return;
	}
	if (mgmt_password_unanswered(&s->mgmt_password)) {
		/* OpenVPN hangs up on the third wrong password, with or without a last ERROR. */
		out_error("The management password was rejected: OpenVPN closed the connection.");
		session_end_lost(c, EXIT_MGMT_PASSWORD);
		return;
	}
	if (fatal_seen(&s->fatal) || c->owns_openvpn) {
		session_end_lost(c, EXIT_OPENVPN_FAILED);
		return;
	}
	out_error("OpenVPN closed the management connection");
	session_end_lost(c, EXIT_MGMT_FAILED);
}

/* ---- one connection ------------------------------------------------------------------------ */

static void begin_connection(struct session *s)
{
	session_core_new_run(&s->core);
	hold_new_run(&s->hold);
	certs_new_run(&s->certs);
	mgmt_password_new_run(&s->mgmt_password);
	auth_new_run(&s->auth);
	xkey_new_run(&s->xkey);
	state_new_run(&s->tunnel);
	fatal_new_run(&s->fatal);
	pin_supply_forget_answer(&s->pins);
	s->life.managing = true;
	s->life.reached_management = true;
	sup_reached(&s->life.sup);
}

/* Our "signal SIGTERM" went to openvpn: the supervisor's grace runs from now (once). */
static void note_stop(struct session *s)
{
	if (s->core.end.stop_requested)
		sup_stop(&s->life.sup, session_now(&s->core));
}

/* The stop's grace is over while the connection is still open: openvpn did not follow it. */
static bool stop_overdue(struct session *s)
{
	long long due;

	note_stop(s);
	due = sup_deadline(&s->life.sup);
	return s->core.end.stop_requested && due >= 0 && session_now(&s->core) >= due;
}

static void end_connection(struct session *s)
{
	struct session_core *c = &s->core;
	const struct io_openvpn *o = c->world->openvpn;
	long long now = session_now(c);
	int status;

	if (session_asking(c) && c->question.shown)
		person(s)->close(person(s)->ctx);
	session_drop_question(c);
	c->world->connection->close(c->world->connection->ctx);
	xkey_new_run(&s->xkey);
	certs_new_run(&s->certs);
	auth_new_run(&s->auth);
	s->life.result = c->end.result;
	s->life.user_stop = s->life.user_stop || c->end.user_stop;
	s->life.ever_connected = s->life.ever_connected || s->tunnel.connected;
	s->life.managing = false;
	if (o == NULL)
		return;
	/*
	 * After our "signal SIGTERM" openvpn is on its way out (its grace runs since it went); a
	 * connection lost without one: make it go, unless it is gone already.
	 */
	if (!c->end.stop_requested && !o->exited(o->ctx, &status))
		o->terminate(o->ctx);
	sup_stop(&s->life.sup, now);
	/* A second Ctrl-C: no more waiting. */
	if (c->end.kill_now)
		sup_hurry(&s->life.sup, now);
}

/* What the watch of the tunnel's token found, and what follows from it. */
static void check_removal(struct session *s)
{
	struct session_core *c = &s->core;

	switch (removal_check(c, &s->removal)) {
	case REMOVAL_TOKEN_GONE:
		/* Whoever takes the token may not find its PIN with us either. */
		pin_supply_drop(&s->pins);
		xkey_on_token_gone(&s->xkey);
		/* The signer's kept PIN, and the module's and libp11's copies with the module. */
		if (c->world->signer != NULL && c->world->signer->close != NULL)
			c->world->signer->close(c->world->signer->ctx);
		hold_keep(c, &s->hold, true);
		state_report_standing(c, &s->tunnel, "TOKEN_REMOVED");
		break;
	case REMOVAL_TOKEN_BACK:
		state_end_standing(&s->tunnel);
		hold_keep(c, &s->hold, false);
		removal_after_release(c, &s->removal);
		break;
	case REMOVAL_SAME:
		break;
	}
}

/* Whatever is due on the connection now, before the next wait. */
static void manage(struct session *s)
{
	struct session_core *c = &s->core;

	for (;;) {
		if (c->end.finished || stop_overdue(s)) {
			end_connection(s);
			return;
		}
		if (session_asking(c)) {
			show_question(s);
			if (check_question_watch(s))
				continue;
			return;
		}
		dispatch_lines(s);
		if (session_asking(c) || c->end.finished)
			continue;
		if (removal_next_check(&s->removal) >= 0 &&
		    session_now(c) >= removal_next_check(&s->removal))
			check_removal(s);
		if (!c->end.stop_requested)
			hold_on_time(c, &s->hold);
		state_on_silence(c, &s->tunnel);
		if (!c->end.finished)
			return;
	}
}

static void manage_wait(struct session *s)
{
	struct session_core *c = &s->core;
	const struct session_world *w = c->world;
	struct io_wait_set set = {.deadline_ms = -1};
	unsigned ready = 0;
	char err[256];
	long got;

	note_stop(s);
	if (session_asking(c)) {
		/* OpenVPN's further lines wait for the answer: only its going away counts now. */
		set.peer_hangup = true;
		set.person = c->question.shown;
		if (c->question.watch.interval_ms > 0)
			set.deadline_ms = c->question.next_check;
	} else {
		set.peer = true;
		set.token_news = removal_wants_news(&s->removal);
		if (!c->end.stop_requested)
			set.deadline_ms = plat_earlier_deadline(
				plat_earlier_deadline(hold_next_due(&s->hold),
			                              removal_next_check(&s->removal)),
				state_silence_due(&s->tunnel));
	}
	if (c->end.stop_requested)
		set.deadline_ms = plat_earlier_deadline(set.deadline_ms, sup_deadline(&s->life.sup));
	switch (w->wait(w->wait_ctx, &set, &ready)) {
	case PLAT_WAIT_INTERRUPT:
		if (session_asking(c))
			finish_question(s, PLAT_READ_INTERRUPT);
		else
			session_end_stop(c);
		return;
	case PLAT_WAIT_ERROR:
		out_error("waiting failed");
		session_end_lost(c, EXIT_INTERNAL);
		return;
	case PLAT_WAIT_TIMEOUT:
		return;
	case PLAT_WAIT_READY:
		break;
	}
	if ((ready & IO_READY_TOKEN) != 0 && !session_asking(c))
		check_removal(s);
	if ((ready & IO_READY_PERSON) != 0 && session_asking(c)) {
		enum plat_read_result r = person(s)->feed(person(s)->ctx);

		if (r != PLAT_READ_MORE)
			finish_question(s, r);
	}
	if ((ready & IO_READY_PEER) == 0)
		return;
	if (session_asking(c)) {
		finish_question(s, PLAT_READ_PEER_GONE);
		return; /* the rest of what OpenVPN sent is read next, without a question */
	}
	got = w->connection->fill(w->connection->ctx, err, sizeof err);
	if (got == 0)
		on_connection_closed(s);
	else if (got < 0) {
		out_error("management connection: %s", err);
		session_end_lost(c, c->end.stop_requested ? c->end.result : EXIT_MGMT_FAILED);
	}
}

/* ---- the openvpn process (start) ----------------------------------------------------------- */

static const struct io_openvpn *openvpn(const struct session *s)
{
	return s->core.world->openvpn;
}

/* Starts openvpn (again): starting, or DONE (spawn said why). */
static void spawn(struct session *s)
{
	const struct io_openvpn *o = openvpn(s);
	long long now = session_now(&s->core);

	s->life.reached_management = false;
	s->life.result = EXIT_OPENVPN_FAILED;
	if (o->spawn(o->ctx) != 0) {
		sup_stop(&s->life.sup, now);
		return;
	}
	sup_spawned(&s->life.sup, now);
	s->life.next_try = now;
}

/* Asked to end without a management connection to say it through: its process is told. */
static void stop_openvpn(struct session *s, int result)
{
	s->life.result = result;
	openvpn(s)->terminate(openvpn(s)->ctx);
	sup_stop(&s->life.sup, session_now(&s->core));
}

/* Starting: one try at its management interface, when one is due. */
static void try_management(struct session *s)
{
	const struct session_world *w = s->core.world;
	long long now = session_now(&s->core);

	if (now < s->life.next_try)
		return;
	s->life.open_err[0] = '\0';
	s->life.unverified = false;
	switch (w->connection->open(w->connection->ctx, s->life.open_err,
	                            sizeof s->life.open_err)) {
	case IO_OPEN_OK:
		begin_connection(s);
		return;
	case IO_OPEN_FOREIGN:
		stop_openvpn(s, EXIT_MGMT_FAILED);
		return;
	case IO_OPEN_UNVERIFIED:
		s->life.unverified = true;
		break;
	case IO_OPEN_NOT_YET:
		break;
	}
	/* Each try that reached openvpn is a connection it logs: fewer of those. */
	s->life.next_try = now + (s->life.unverified                          ? UNVERIFIED_RETRY_MS
	                          : now - s->life.sup.run_started < STARTING_FIRST_MS
	                              ? STARTING_FIRST_RETRY_MS
	                              : STARTING_RETRY_MS);
}

static void start_expired(struct session *s)
{
	if (s->life.unverified)
		out_error("%s; refusing", s->life.open_err);
	else
		out_error("openvpn did not open its management interface: %s", s->life.open_err);
	stop_openvpn(s, s->life.unverified ? EXIT_MGMT_FAILED : EXIT_OPENVPN_FAILED);
}

/*
 * Failures a new openvpn may get past; never what the user or the token decided, and not a
 * setup that never once brought the tunnel up (a retry would fail the same way).
 */
static bool worth_retrying(const struct openvpn_life *l)
{
	if (l->user_stop || !l->reached_management || !l->ever_connected)
		return false;
	return l->result == EXIT_OPENVPN_FAILED || l->result == EXIT_MGMT_FAILED;
}

static void openvpn_ended(struct session *s, int status)
{
	const struct io_openvpn *o = openvpn(s);
	struct openvpn_life *l = &s->life;

	if (l->sup.phase == SUP_STARTING) {
		o->tell_end(o->ctx, status, " before its management interface was up");
		l->result = EXIT_OPENVPN_FAILED;
	} else if (l->result == EXIT_OPENVPN_FAILED ||
	           (l->result == EXIT_MGMT_FAILED && !s->core.end.stop_requested)) {
		/*
		 * OpenVPN's failure, or a connection lost for no known reason: its log tells why.  A
		 * cause of ours that was said and stopped it (a label that cannot be answered, ...):
		 * its log then only echoes the consequences ("TLS handshake failed"), noise.
		 */
		o->tell_end(o->ctx, status, "");
	} else {
		out_status("OpenVPN stopped.");
	}
	o->forget(o->ctx);
	if (sup_ended(&l->sup, session_now(&s->core), s->core.settings->restart && worth_retrying(l)) !=
	    SUP_PAUSED)
		return;
	state_report(&s->core, "RESTARTING");
	out_status("Starting OpenVPN again in %d s (--restart; Ctrl-C to quit)",
	           sup_pause_s(&l->sup));
}

/* Whatever is due for the process now; false when nothing was. */
static bool openvpn_step(struct session *s)
{
	const struct io_openvpn *o = openvpn(s);
	int status;

	if (s->life.sup.phase != SUP_PAUSED && o->exited(o->ctx, &status)) {
		openvpn_ended(s, status);
		return true;
	}
	switch (sup_due(&s->life.sup, session_now(&s->core))) {
	case SUP_SPAWN:
		spawn(s);
		return true;
	case SUP_START_EXPIRED:
		start_expired(s);
		return true;
	case SUP_KILL:
		o->kill(o->ctx);
		return true;
	case SUP_GIVE_UP:
		out_error("%s", SUP_GIVE_UP_TEXT);
		o->forget(o->ctx);
		return true;
	case SUP_WAIT:
		break;
	}
	if (s->life.sup.phase != SUP_STARTING)
		return false;
	try_management(s);
	return s->life.managing || s->life.sup.phase != SUP_STARTING;
}

/* The one wait while there is no connection: the process, the clock, Ctrl-C. */
static void process_wait(struct session *s)
{
	const struct session_world *w = s->core.world;
	struct supervisor *sup = &s->life.sup;
	struct io_wait_set set = {.child = sup->phase != SUP_PAUSED,
	                          .deadline_ms = sup_deadline(sup)};
	unsigned ready;

	if (sup->phase == SUP_STARTING)
		set.deadline_ms = plat_earlier_deadline(set.deadline_ms, s->life.next_try);
	if (w->wait(w->wait_ctx, &set, &ready) != PLAT_WAIT_INTERRUPT)
		return;
	switch (sup->phase) {
	case SUP_STARTING:
		out_status("Stopping OpenVPN...");
		s->life.user_stop = true;
		stop_openvpn(s, EXIT_OK);
		break;
	case SUP_ENDING:
		/* Another Ctrl-C while openvpn takes its time: it ends now. */
		s->life.user_stop = true;
		sup_hurry(sup, session_now(&s->core));
		break;
	case SUP_PAUSED:
		s->life.result = EXIT_OK;
		sup_stop(sup, session_now(&s->core));
		break;
	default:
		break;
	}
}

/* ---- the loop ------------------------------------------------------------------------------ */

int session_run(struct session *s, const struct session_world *w)
{
	struct session_core *c = &s->core;

	c->world = w;
	s->life = (struct openvpn_life){.result = EXIT_OK};
	sup_init(&s->life.sup, NULL, NULL);
	if (w->openvpn == NULL)
		begin_connection(s);
	else
		spawn(s);
	for (;;) {
		if (s->life.managing) {
			manage(s);
			if (s->life.managing)
				manage_wait(s);
			continue;
		}
		if (s->life.sup.phase == SUP_DONE)
			break;
		/* A step just taken may make another due before anything is waited for. */
		if (!openvpn_step(s))
			process_wait(s);
	}
	removal_stop(c, &s->removal);
	state_report(c, "EXITED");
	c->world = NULL;
	return s->life.result;
}

/* ---- setup and what survives ------------------------------------------------------------ */

struct session *session_new(const struct session_settings *settings, bool owns_openvpn)
{
	struct session *s = calloc(1, sizeof *s);

	if (s == NULL || session_core_init(&s->core, settings, owns_openvpn) != 0 ||
	    pin_supply_init(&s->pins, settings) != 0 ||
	    mgmt_password_init(&s->mgmt_password, settings) != 0 || auth_init(&s->auth, settings) != 0) {
		out_error("cannot allocate memory for secrets");
		session_free(s);
		return NULL;
	}
	xkey_init(&s->xkey, &s->pins);
	removal_init(&s->removal);
	session_set_provider(s, settings->provider);
	return s;
}

int session_set_mgmt_password(struct session *s, const char *password)
{
	return secret_set(&s->mgmt_password.chosen, password, strlen(password));
}

void session_set_provider(struct session *s, const char *path)
{
	snprintf(s->core.provider, sizeof s->core.provider, "%s", path != NULL ? path : "");
}

void session_set_config_id(struct session *s, const char *id)
{
	free(s->core.config_id);
	s->core.config_id = id != NULL && id[0] != '\0' ? strdup(id) : NULL;
}

void session_set_remembered_cert(struct session *s, const struct cert_memory *remembered,
                                 certs_choice_fn *on_choice, void *arg)
{
	if (remembered != NULL)
		s->certs.remembered = *remembered;
	else
		memset(&s->certs.remembered, 0, sizeof s->certs.remembered);
	s->certs.on_choice = on_choice;
	s->certs.on_choice_arg = arg;
}

void session_set_openvpn_pinpads(struct session *s, bool on)
{
	s->core.openvpn_uses_pinpads = on;
}

void session_set_status_sink(struct session *s, const struct io_status *sink)
{
	s->status_sink = sink;
}

const struct io_status *session_status_sink(const struct session *s)
{
	return s->status_sink;
}

const char *session_provider(const struct session *s)
{
	return s->core.provider;
}

const char *session_status_file(const struct session *s)
{
	return s->core.settings->status_file;
}

enum session_key_mode session_who_signs(const struct session *s)
{
	return s->core.settings->key_mode;
}

int session_check_sources(struct session *s)
{
	const struct secret_source *all[] = {pin_supply_source(&s->pins), &s->mgmt_password.source,
	                                     &s->auth.source};
	char err[700];

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (secret_source_check(all[i], err, sizeof err) != 0) {
			out_error("%s", err);
			return -1;
		}
	return 0;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	certs_free(&s->certs);
	xkey_free(&s->xkey);
	pin_supply_free(&s->pins);
	mgmt_password_free(&s->mgmt_password);
	auth_free(&s->auth);
	session_core_free(&s->core);
	free(s);
}
