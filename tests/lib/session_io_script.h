/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A scripted world for the session (src/session/io.h), for the unit tests and the fuzzer:
 * OpenVPN's side is a transcript, the person a list of answers, the token a few numbers, the
 * clock a counter that jumps to each deadline, the status file a buffer.  Every command sent and every question asked
 * is written to a log the tests read, one line each:
 *   "> hold release"                     a command, as it went on the wire (without "\n")
 *   "? PIN for token 'Anna': "           a question
 *   "@ https://..."                      a URL handed to the desktop's browser
 * Header-only: each test program and fuzzer includes it once.
 *
 * The transcript is delivered in steps: SCRIPT_NEXT ends a step (the rest comes when the
 * session waits again), SCRIPT_LATER does too, 10 s later; SCRIPT_CTRL_C stands for the user
 * pressing Ctrl-C there; SCRIPT_HANGUP is openvpn dying there (its connection closes; what
 * follows is the next openvpn's, once the session started it again).  While a
 * question is open, OpenVPN's further steps wait as they do for the real session.  When all of
 * it is delivered, waits with a deadline time out at that deadline, and the first wait without
 * one sees OpenVPN close the connection.
 */
#ifndef OVPN_TOKEN_SCRIPT_IO_H
#define OVPN_TOKEN_SCRIPT_IO_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/command.h"
#include "mgmt/line_reader.h"
#include "mgmt/reply_queue.h"
#include "session/io.h"
#include "mgmt_probe.h"

#define SCRIPT_NEXT "\001"
#define SCRIPT_CTRL_C "\002"
/* Ends a step like SCRIPT_NEXT, and the clock moves on 10 s before the next one arrives. */
#define SCRIPT_LATER "\003"
#define SCRIPT_LATER_MS 10000
#define SCRIPT_HANGUP "\004"
/* Answers with a meaning of their own. */
#define ANSWER_EOF "<EOF>"
#define ANSWER_CTRL_C "<CTRL-C>"
#define ANSWER_WATCH "<WATCH>" /* wait for the prompt's watch to settle (the token arrives) */

#define SCRIPT_LOG_MAX 65536
#define SCRIPT_MAX_ANSWERS 16

struct script {
	struct mgmt_line_reader reader;
	struct mgmt_reply_queue replies;
	const char *input;
	size_t input_len, pos;
	bool step_ready;               /* the current step may be read */
	long long next_step_at;        /* the next step comes at this time (SCRIPT_LATER) */
	bool closed_seen;
	long long clock;
	int idle_waits, max_idle_waits; /* after that many waits with nothing to deliver: Ctrl-C */
	char log[SCRIPT_LOG_MAX];
	size_t log_len;
	const char *answers[SCRIPT_MAX_ANSWERS];
	size_t nanswers, next_answer;
	int questions, max_questions;
	const char *answer;            /* the open question's answer, once asked */
	char *answer_buf;              /* ... and where it goes */
	size_t answer_bufsz;
	bool asking;
	bool interactive;
	bool over_tcp;
	char status[4096];             /* the last status file text */
	bool desktop;                  /* open_url() finds a desktop session */
	/* The token as the provider sees it. */
	bool provider;
	enum p11_pin_state pin_state;
	int listings;                    /* provider loads so far (certificates or presence) */
	int present_from_listing;         /* token_present() is 1 from this look on; 0: never */
	int certs_from_listing;           /* each_cert() lists certs_on_token from this look on */
	int certs_on_token;
	int keyless_cert;              /* Token/Serial/N has no key (0: every one has) */
	int other_id_cert;             /* Token/Serial/N's key has another CKA_ID: only the
	                                  external key can use it (0: none) */
	int backup_from;               /* Token/Serial/N from this N on is on token 'Backup' in
	                                  'Reader 1' (0: all are on 'Anna' in 'Reader 0') */
	bool real_ids;                 /* ids as pkcs11-helper makes them: token 'Anna', CKA_ID N */
	/*
	 * The watch of the tunnel's token: of kind watch_kind; it is away from look watch_away_from
	 * (0: never) until look watch_back_from (0: for good).  Logged as "# watch LABEL".
	 */
	enum io_watch_kind watch_kind;
	int watch_polls, watch_away_from, watch_back_from;
	int watch_news;                /* NEWS: that many events, one a wait once a step is read */
	bool pinpad;                   /* the token's reader has a PIN pad */
	bool no_service;               /* the smartcard service (pcscd) is not running */
	/*
	 * The external key's signer, logged as "# select", "# reload", "# login PIN", "# sign":
	 * select is absent for the first xkey_absent_selects calls; a login with xkey_pin succeeds,
	 * any other fails (locking the token when xkey_wrong_locks); each sign takes the next
	 * result of xkey_sign (then P11_SIGN_OK; NOT_LOGGED_IN also drops the login).
	 */
	int xkey_absent_selects;
	const char *xkey_pin;
	bool xkey_wrong_locks, xkey_logged_in, xkey_selected;
	unsigned long xkey_wrong_ckr;  /* a wrong PIN's CK_RV when not CKR_PIN_INCORRECT (0xA0) */
	const char *xkey_pad_pin;      /* the token has a PIN pad, and this is typed on it */
	enum p11_pin_state xkey_state;
	enum p11_sign_result xkey_sign[8];
	size_t xkey_nsign, xkey_next_sign;
	/*
	 * As the program's signer: opened (the module loaded) by a select while closed, closed by
	 * every look at the tokens (each_cert, trouble, reader, a LOOKS watch's look), which ends
	 * its selection and login.  xkey_opens counts the opens.
	 */
	bool xkey_open;
	int xkey_opens;
	/*
	 * The last secret that went out (a password's, a cr-response's last argument, the bare
	 * management password, the PIN of a C_Login): by the next wait, when every handler has
	 * returned, its bytes must be zero.  secrets_sent counts them, secrets_left those that were
	 * not wiped.
	 */
	struct {
		const char *at;
		size_t len;
	} sent_secrets[4];
	size_t nsent_secrets;
	int secrets_sent, secrets_left;
	/*
	 * start's openvpn (process: the world has one; else none, as for attach), logged as
	 * "# spawn", "# terminate", "# kill", "# ended WHEN" (told how it ended), "# forget".  Its
	 * management interface answers at the first try, or never (mgmt_never: "connection
	 * refused"), or cannot be told from another's for the first unverified_opens tries, then is
	 * another's (foreign).  It ends when its connection closes (the transcript's end, or
	 * SCRIPT_HANGUP), and once told to end (our "signal SIGTERM" closes the connection when the
	 * transcript is over; a terminate ends it), unless deaf: 1, only a kill ends it; 2, nothing.
	 */
	bool process, process_alive, mgmt_never, sigterm_sent;
	int process_deaf, unverified_opens, opens, spawns;
};

/* Whether the secrets sent since the last look are wiped by now; counted, then forgotten. */
static void script_check_wiped(struct script *sc)
{
	for (size_t k = 0; k < sc->nsent_secrets; k++)
		for (size_t i = 0; i < sc->sent_secrets[k].len; i++)
			if (sc->sent_secrets[k].at[i] != '\0') {
				sc->secrets_left++;
				break;
			}
	sc->nsent_secrets = 0;
}

static void script_note_secret(struct script *sc, const char *secret)
{
	sc->secrets_sent++;
	if (sc->nsent_secrets == sizeof sc->sent_secrets / sizeof sc->sent_secrets[0]) {
		sc->secrets_left++; /* more than a turn should ever send: look into it */
		return;
	}
	sc->sent_secrets[sc->nsent_secrets].at = secret;
	sc->sent_secrets[sc->nsent_secrets++].len = strlen(secret);
}

static void script_log(struct script *sc, const char *prefix, const char *text, size_t n)
{
	size_t room = SCRIPT_LOG_MAX - sc->log_len;

	if (room <= n + 3)
		return;
	memcpy(sc->log + sc->log_len, prefix, 2);
	memcpy(sc->log + sc->log_len + 2, text, n);
	sc->log_len += n + 2;
	sc->log[sc->log_len++] = '\n';
	sc->log[sc->log_len] = '\0';
}

static enum mgmt_cmd_status script_send(void *ctx, enum reply_kind kind, int tag,
                                        const char *verb, const char *const *args)
{
	struct script *sc = ctx;
	char line[MGMT_COMMAND_MAX + 1];
	size_t len;
	enum mgmt_cmd_status st = mgmt_command_build(line, sizeof line, &len, verb, args);

	if (st != MGMT_CMD_OK)
		return st;
	if (!mgmt_reply_queue_push(&sc->replies, kind, tag, verb, args != NULL ? args[0] : NULL))
		return MGMT_CMD_QUEUE_FULL;
	script_log(sc, "> ", line, len > 0 ? len - 1 : 0);
	/* An answer's secret is its last argument ('Auth' username: not OpenVPN's own). */
	if (strcmp(verb, "password") == 0 || strcmp(verb, "cr-response") == 0 ||
	    (strcmp(verb, "username") == 0 && strcmp(args[0], "Auth") == 0)) {
		size_t last = 0;

		while (args[last + 1] != NULL)
			last++;
		script_note_secret(sc, args[last]);
	}
	if (strcmp(verb, "signal") == 0 && args != NULL && args[0] != NULL &&
	    strcmp(args[0], "SIGTERM") == 0)
		sc->sigterm_sent = true;
	return MGMT_CMD_OK;
}

static enum io_send_result script_send_password_line(void *ctx, const char *password, int tag)
{
	struct script *sc = ctx;

	if (strpbrk(password, "\r\n") != NULL)
		return IO_SEND_FAILED;
	mgmt_reply_queue_init(&sc->replies);
	mgmt_reply_queue_push(&sc->replies, REPLY_STATUS, tag, NULL, NULL);
	script_log(sc, "> ", password, strlen(password));
	script_note_secret(sc, password);
	return IO_SENT;
}

static bool script_has_input(const struct script *sc)
{
	return sc->pos < sc->input_len;
}

/* The open question's answer is one the person gives now (not the token arriving). */
static bool script_person_ready(const struct script *sc)
{
	return sc->asking && (sc->answer == NULL || strcmp(sc->answer, ANSWER_WATCH) != 0);
}

static enum plat_wait_result script_wait(void *ctx, const struct io_wait_set *set,
                                         unsigned *ready)
{
	struct script *sc = ctx;

	script_check_wiped(sc);
	*ready = 0;
	if (set->person && script_person_ready(sc)) {
		*ready = IO_READY_PERSON;
		return PLAT_WAIT_READY;
	}
	if (set->peer && sc->step_ready && script_has_input(sc)) {
		*ready = IO_READY_PEER;
		return PLAT_WAIT_READY;
	}
	if (set->token_news && sc->watch_news > 0) {
		sc->watch_news--;
		*ready = IO_READY_TOKEN;
		return PLAT_WAIT_READY;
	}
	if (set->peer && script_has_input(sc) && !sc->step_ready) {
		/* What is due before the next step comes, comes first. */
		if (sc->next_step_at > sc->clock && set->deadline_ms >= 0 &&
		    set->deadline_ms < sc->next_step_at) {
			if (set->deadline_ms > sc->clock)
				sc->clock = set->deadline_ms;
			return PLAT_WAIT_TIMEOUT;
		}
		/* The next step arrives while we wait (or is the user's Ctrl-C). */
		sc->step_ready = true;
		if (sc->next_step_at > sc->clock)
			sc->clock = sc->next_step_at;
		if (sc->input[sc->pos] == SCRIPT_CTRL_C[0]) {
			sc->pos++;
			return PLAT_WAIT_INTERRUPT;
		}
		*ready = IO_READY_PEER;
		return PLAT_WAIT_READY;
	}
	/* Our openvpn follows our "signal SIGTERM": its connection closes. */
	if (set->peer && !script_has_input(sc) && sc->process && sc->sigterm_sent &&
	    sc->process_deaf == 0) {
		*ready = IO_READY_PEER;
		return PLAT_WAIT_READY;
	}
	if (++sc->idle_waits > sc->max_idle_waits)
		return PLAT_WAIT_INTERRUPT;
	if (set->deadline_ms >= 0) {
		if (set->deadline_ms > sc->clock)
			sc->clock = set->deadline_ms;
		return PLAT_WAIT_TIMEOUT;
	}
	if (set->peer) {
		*ready = IO_READY_PEER; /* fill() sees the close */
		return PLAT_WAIT_READY;
	}
	return PLAT_WAIT_INTERRUPT; /* nothing could ever end this wait but the user */
}

static long script_fill(void *ctx, char *err, size_t errsz)
{
	struct script *sc = ctx;
	size_t room, n = 0, taken;

	mgmt_line_reader_space(&sc->reader, &room);
	if (room == 0) {
		snprintf(err, errsz, "the line buffer is full");
		return -1;
	}
	if (!script_has_input(sc) || sc->input[sc->pos] == SCRIPT_HANGUP[0]) {
		/* Its connection closes as openvpn ends (deaf: not even then). */
		if (script_has_input(sc))
			sc->pos++;
		sc->closed_seen = true;
		if (sc->process_deaf == 0)
			sc->process_alive = false;
		return 0;
	}
	while (sc->pos + n < sc->input_len && sc->input[sc->pos + n] != SCRIPT_NEXT[0] &&
	       sc->input[sc->pos + n] != SCRIPT_CTRL_C[0] && sc->input[sc->pos + n] != SCRIPT_LATER[0] &&
	       sc->input[sc->pos + n] != SCRIPT_HANGUP[0])
		n++;
	taken = mgmt_line_reader_feed(&sc->reader, sc->input + sc->pos, n);
	sc->pos += taken;
	if (taken == n && sc->pos < sc->input_len) {
		if (sc->input[sc->pos] == SCRIPT_LATER[0])
			sc->next_step_at = sc->clock + SCRIPT_LATER_MS;
		if (sc->input[sc->pos] == SCRIPT_NEXT[0] || sc->input[sc->pos] == SCRIPT_LATER[0])
			sc->pos++;
		sc->step_ready = false;
	}
	sc->idle_waits = 0;
	return taken > 0 ? (long)taken : 1;
}

static long long script_now(void *ctx)
{
	return ((struct script *)ctx)->clock;
}

static bool script_interactive(void *ctx)
{
	return ((struct script *)ctx)->interactive;
}

/* A question: its answer is the next one of the list (NULL: end of input). */
static int script_open(void *ctx, const char *prompt, bool echo, char *buf, size_t bufsz)
{
	struct script *sc = ctx;

	(void)echo;
	script_log(sc, "? ", prompt, strlen(prompt));
	sc->asking = true;
	sc->answer_buf = buf;
	sc->answer_bufsz = bufsz;
	if (++sc->questions > sc->max_questions || sc->next_answer >= sc->nanswers)
		sc->answer = NULL;
	else
		sc->answer = sc->answers[sc->next_answer++];
	return 0;
}

static enum plat_read_result script_feed(void *ctx)
{
	struct script *sc = ctx;
	const char *a = sc->answer;

	sc->idle_waits = 0;
	if (a == NULL || strcmp(a, ANSWER_EOF) == 0)
		return PLAT_READ_EOF;
	if (strcmp(a, ANSWER_CTRL_C) == 0)
		return PLAT_READ_INTERRUPT;
	if (strlen(a) >= sc->answer_bufsz)
		return PLAT_READ_TOO_LONG;
	memcpy(sc->answer_buf, a, strlen(a) + 1);
	return PLAT_READ_OK;
}

static void script_close(void *ctx)
{
	struct script *sc = ctx;

	sc->asking = false;
}

static int script_open_url(void *ctx, const char *url)
{
	struct script *sc = ctx;

	if (!sc->desktop)
		return 0;
	script_log(sc, "@ ", url, strlen(url));
	return 1;
}

/* A look at the tokens loads and finalizes the module: the signer's sessions end with it. */
static void script_close_signer(struct script *sc)
{
	sc->xkey_open = sc->xkey_selected = sc->xkey_logged_in = false;
}

static bool script_can_see_tokens(void *ctx)
{
	return ((struct script *)ctx)->provider;
}

static enum p11_pin_state script_pin_state(void *ctx, const char *label)
{
	(void)label;
	return ((struct script *)ctx)->pin_state;
}

static int script_token_present(void *ctx, const char *label)
{
	struct script *sc = ctx;

	(void)label;
	sc->listings++;
	return sc->present_from_listing > 0 && sc->listings >= sc->present_from_listing;
}

static int script_each_cert(void *ctx, bool external_key, io_cert_fn *fn, void *arg)
{
	struct script *sc = ctx;
	int n;

	script_close_signer(sc);
	sc->listings++;
	if (sc->certs_from_listing <= 0 || sc->listings < sc->certs_from_listing)
		return 0;
	for (n = 0; n < sc->certs_on_token; n++) {
		char id[64];
		const char *cannot_log_in = NULL;

		if (sc->real_ids)
			snprintf(id, sizeof id, "Maker/Model/0042/Anna/%02X", n + 1);
		else
			snprintf(id, sizeof id, "Token/Serial/%d", n + 1);
		if (n + 1 == sc->keyless_cert)
			cannot_log_in = "the token holds no private key for it";
		else if (n + 1 == sc->other_id_cert && !external_key)
			cannot_log_in = "its private key has another CKA_ID (--external-key can)";
		{
			const struct io_cert cert = {id, NULL, 0, cannot_log_in,
			                             sc->backup_from > 0 && n + 1 >= sc->backup_from
			                                 ? "Backup" : "Anna",
			                             sc->backup_from > 0 && n + 1 >= sc->backup_from
			                                 ? "Reader 1" : "Reader 0"};

			fn(arg, &cert);
		}
	}
	return n;
}

/* The token 'Anna', when the next look would see it (present_from_listing); not a look itself. */
static int script_first_token(void *ctx, char *label, size_t labelsz)
{
	struct script *sc = ctx;

	script_close_signer(sc);
	if (sc->present_from_listing <= 0 || sc->listings + 1 < sc->present_from_listing)
		return 0;
	snprintf(label, labelsz, "Anna");
	return 1;
}

static int script_trouble(void *ctx, char *why, size_t whysz)
{
	struct script *sc = ctx;

	if (!sc->no_service)
		return 0;
	script_close_signer(sc);
	snprintf(why, whysz, "pcscd is not running");
	return 1;
}

static int script_reader(void *ctx, const char *label, char *out, size_t outsz, bool *pinpad)
{
	struct script *sc = ctx;

	(void)label;
	script_close_signer(sc);
	snprintf(out, outsz, "Reader 0");
	*pinpad = sc->pinpad;
	return sc->provider ? 0 : -1;
}

static enum io_watch_kind script_watch(void *ctx, const char *label)
{
	struct script *sc = ctx;
	char line[300];

	snprintf(line, sizeof line, "watch %s", label);
	script_log(sc, "# ", line, strlen(line));
	/* The program finds the reader in the signer that holds the token, else by a look. */
	if (!(sc->xkey_open && sc->xkey_selected))
		script_close_signer(sc);
	return sc->watch_kind;
}

static int script_watched(void *ctx)
{
	struct script *sc = ctx;
	int poll = ++sc->watch_polls;

	if (sc->watch_kind == IO_WATCH_POLLS)
		script_close_signer(sc);

	if (sc->watch_away_from > 0 && poll >= sc->watch_away_from &&
	    (sc->watch_back_from == 0 || poll < sc->watch_back_from))
		return 0;
	return 1;
}

static void script_unwatch(void *ctx)
{
	(void)ctx;
}

static enum io_send_result script_send_lines(void *ctx, const char *text, size_t len,
                                             bool reply_due, int tag)
{
	struct script *sc = ctx;
	size_t start = 0;
	char verb[16];

	snprintf(verb, sizeof verb, "%.*s", (int)strcspn(text, " \n"), text);
	if (reply_due && !mgmt_reply_queue_push(&sc->replies, REPLY_STATUS, tag, verb, NULL))
		return IO_SEND_FAILED;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n') {
			script_log(sc, "> ", text + start, i - start);
			start = i + 1;
		}
	return IO_SENT;
}

static enum p11_select_result script_signer_select(void *ctx, const char *id, char *err,
                                                   size_t errsz)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "select", 6);
	(void)id;
	if (!sc->xkey_open)
		sc->xkey_opens++;
	sc->xkey_open = true;
	sc->xkey_logged_in = false; /* a new look at the slots ends the session */
	if (sc->xkey_absent_selects > 0) {
		sc->xkey_absent_selects--;
		sc->xkey_selected = false;
		snprintf(err, errsz, "the token is not present");
		return P11_SELECT_TOKEN_ABSENT;
	}
	sc->xkey_selected = true;
	return P11_SELECT_OK;
}

static int script_signer_reload(void *ctx, char *err, size_t errsz)
{
	struct script *sc = ctx;

	(void)err, (void)errsz;
	script_log(sc, "# ", "reload", 6);
	if (sc->xkey_open)
		sc->xkey_opens++;
	sc->xkey_selected = sc->xkey_logged_in = false;
	return 0;
}

static bool script_signer_has_selected(void *ctx, const char *id)
{
	struct script *sc = ctx;

	(void)id;
	return sc->xkey_open && sc->xkey_selected;
}

static void script_signer_close(void *ctx)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "close", 5);
	script_close_signer(sc);
}

static int script_signer_cert_pem(void *ctx, char *out, size_t outsz)
{
	(void)ctx;
	snprintf(out, outsz, "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n");
	return 0;
}

static int script_signer_token(void *ctx, struct p11_token *out)
{
	struct script *sc = ctx;

	memset(out, 0, sizeof *out);
	if (!sc->xkey_selected)
		return -1;
	snprintf(out->label, sizeof out->label, "Anna");
	snprintf(out->slot_description, sizeof out->slot_description, "Reader 0");
	out->login_required = true;
	out->protected_auth_path = sc->xkey_pad_pin != NULL;
	out->pin_state = sc->xkey_state;
	return 0;
}

static bool script_signer_login_needed(void *ctx)
{
	struct script *sc = ctx;

	return sc->xkey_selected && !sc->xkey_logged_in;
}

static enum p11_login_result script_signer_login(void *ctx, const char *pin,
                                                 struct p11_login_report *r)
{
	struct script *sc = ctx;
	char line[80];

	memset(r, 0, sizeof *r);
	snprintf(line, sizeof line, "login %s", pin != NULL ? pin : "on the pad");
	script_log(sc, "# ", line, strlen(line));
	if (pin != NULL)
		script_note_secret(sc, pin);
	if (!sc->xkey_selected)
		return r->result = P11_LOGIN_TOKEN_ABSENT;
	if (sc->xkey_state == P11_PIN_LOCKED)
		return r->result = P11_LOGIN_PIN_LOCKED;
	if (pin == NULL)
		pin = sc->xkey_pad_pin != NULL ? sc->xkey_pad_pin : "";
	if (sc->xkey_pin != NULL && strcmp(pin, sc->xkey_pin) == 0) {
		sc->xkey_logged_in = true;
		sc->xkey_state = P11_PIN_OK;
		return r->result = P11_LOGIN_OK;
	}
	sc->xkey_state = sc->xkey_wrong_locks ? P11_PIN_LOCKED : P11_PIN_COUNT_LOW;
	r->pin_state = sc->xkey_state;
	if (sc->xkey_wrong_ckr != 0) {
		r->ckr = sc->xkey_wrong_ckr;
		snprintf(r->err, sizeof r->err, "C_Login: CKR 0x%lx", sc->xkey_wrong_ckr);
		return r->result = P11_LOGIN_ERROR;
	}
	r->ckr = sc->xkey_wrong_locks ? 0xA4 : 0xA0;
	return r->result = sc->xkey_wrong_locks ? P11_LOGIN_PIN_LOCKED : P11_LOGIN_PIN_INCORRECT;
}

static enum p11_sign_result script_signer_sign(void *ctx, const struct pk_alg *alg,
                                               const unsigned char *data, size_t len,
                                               unsigned char *sig, size_t sigsz, size_t *siglen,
                                               char *err, size_t errsz)
{
	struct script *sc = ctx;
	enum p11_sign_result r = sc->xkey_next_sign < sc->xkey_nsign
	                             ? sc->xkey_sign[sc->xkey_next_sign++] : P11_SIGN_OK;

	(void)alg, (void)data, (void)len;
	script_log(sc, "# ", "sign", 4);
	if (r == P11_SIGN_NOT_LOGGED_IN)
		sc->xkey_logged_in = false;
	if (r == P11_SIGN_TOKEN_ABSENT)
		sc->xkey_selected = sc->xkey_logged_in = false;
	if (r != P11_SIGN_OK) {
		snprintf(err, errsz, "%s", p11_sign_result_name(r));
		return r;
	}
	if (!sc->xkey_logged_in) {
		snprintf(err, errsz, "not logged in");
		return P11_SIGN_NOT_LOGGED_IN;
	}
	memcpy(sig, "SIG!", sigsz < 4 ? sigsz : 4);
	*siglen = 4;
	return P11_SIGN_OK;
}

/* A script over input (len bytes; it must outlive the run) with nobody at the keyboard. */
static void script_init(struct script *sc, const char *input, size_t len)
{
	memset(sc, 0, sizeof *sc);
	mgmt_line_reader_init(&sc->reader);
	mgmt_reply_queue_init(&sc->replies);
	sc->input = input;
	sc->input_len = len;
	sc->step_ready = true;
	sc->max_idle_waits = 50;
	sc->max_questions = 20;
}

/*
 * A new transcript and person's answers (NULL-terminated, may be NULL) for the next run; what
 * the test set up before (who is there, the token, the signer) stays.
 */
static inline void script_rerun(struct script *sc, const char *input, const char *const *answers)
{
	struct script keep = *sc;

	script_init(sc, input, strlen(input));
	sc->interactive = keep.interactive;
	sc->over_tcp = keep.over_tcp;
	sc->desktop = keep.desktop;
	sc->provider = keep.provider;
	sc->pin_state = keep.pin_state;
	sc->certs_from_listing = keep.certs_from_listing;
	sc->certs_on_token = keep.certs_on_token;
	sc->keyless_cert = keep.keyless_cert;
	sc->other_id_cert = keep.other_id_cert;
	sc->backup_from = keep.backup_from;
	sc->real_ids = keep.real_ids;
	sc->present_from_listing = keep.present_from_listing;
	sc->watch_kind = keep.watch_kind;
	sc->pinpad = keep.pinpad;
	sc->no_service = keep.no_service;
	sc->watch_away_from = keep.watch_away_from;
	sc->watch_back_from = keep.watch_back_from;
	sc->watch_news = keep.watch_news;
	sc->xkey_absent_selects = keep.xkey_absent_selects;
	sc->xkey_pin = keep.xkey_pin;
	sc->xkey_wrong_locks = keep.xkey_wrong_locks;
	sc->xkey_wrong_ckr = keep.xkey_wrong_ckr;
	sc->xkey_pad_pin = keep.xkey_pad_pin;
	sc->xkey_state = keep.xkey_state;
	memcpy(sc->xkey_sign, keep.xkey_sign, sizeof sc->xkey_sign);
	sc->xkey_nsign = keep.xkey_nsign;
	sc->process = keep.process;
	sc->process_deaf = keep.process_deaf;
	sc->mgmt_never = keep.mgmt_never;
	sc->unverified_opens = keep.unverified_opens;
	for (size_t i = 0; answers != NULL && answers[i] != NULL; i++)
		sc->answers[sc->nanswers++] = answers[i];
}

/* How often text stands in what the session sent and asked. */
static inline int script_count(const struct script *sc, const char *text)
{
	int n = 0;

	for (const char *p = sc->log; (p = strstr(p, text)) != NULL; p++)
		n++;
	return n;
}

static bool script_is_tcp(void *ctx)
{
	return ((struct script *)ctx)->over_tcp;
}

static enum io_open_result script_open_connection(void *ctx, char *err, size_t errsz)
{
	struct script *sc = ctx;

	if (!sc->process) {
		snprintf(err, errsz, "the script has no openvpn to start");
		return IO_OPEN_FOREIGN;
	}
	sc->idle_waits = 0; /* a try is no idle wait: the start's limit ends these */
	sc->opens++;
	if (sc->mgmt_never) {
		snprintf(err, errsz, "connection refused");
		return IO_OPEN_NOT_YET;
	}
	if (sc->unverified_opens > 0) {
		snprintf(err, errsz, "cannot tell which process serves the management port");
		return sc->opens <= sc->unverified_opens ? IO_OPEN_UNVERIFIED : IO_OPEN_FOREIGN;
	}
	/* A new openvpn's connection: nothing of the last one's is pending. */
	mgmt_line_reader_init(&sc->reader);
	mgmt_reply_queue_init(&sc->replies);
	sc->sigterm_sent = false;
	return IO_OPEN_OK;
}

static int script_spawn(void *ctx)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "spawn", 5);
	sc->spawns++;
	sc->process_alive = true;
	return 0;
}

static bool script_exited(void *ctx, int *status)
{
	struct script *sc = ctx;

	*status = sc->sigterm_sent ? 0 : 1;
	return !sc->process_alive;
}

static void script_terminate(void *ctx)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "terminate", 9);
	if (sc->process_deaf == 0)
		sc->process_alive = false;
}

static void script_kill(void *ctx)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "kill", 4);
	if (sc->process_deaf < 2)
		sc->process_alive = false;
}

static void script_tell_end(void *ctx, int status, const char *when)
{
	char line[128];

	(void)status;
	snprintf(line, sizeof line, "ended%s", when);
	script_log(ctx, "# ", line, strlen(line));
}

static void script_forget(void *ctx)
{
	script_log(ctx, "# ", "forget", 6);
}

static void script_close_connection(void *ctx)
{
	(void)ctx;
}

/* A fixed day (2023-11-14), moving with the scripted clock. */
static long long script_wall(void *ctx)
{
	return 1700000000LL + ((struct script *)ctx)->clock / 1000;
}

static void script_write_status(void *ctx, const char *text, size_t len)
{
	struct script *sc = ctx;

	snprintf(sc->status, sizeof sc->status, "%.*s", (int)len, text);
}

/* The world of one run: the tables live in the script's static storage, like the script. */
static struct session_world script_world(struct script *sc)
{
	static struct io_connection connection;
	static struct io_person person;
	static struct io_tokens tokens;
	static struct io_signer signer;
	static struct io_clock clock;
	static struct io_status status;
	static struct io_openvpn openvpn;

	connection = (struct io_connection){
	    .ctx = sc,
	    .reader = &sc->reader,
	    .replies = &sc->replies,
	    .is_tcp = script_is_tcp,
	    .open = script_open_connection,
	    .close = script_close_connection,
	    .send = script_send,
	    .send_lines = script_send_lines,
	    .send_password_line = script_send_password_line,
	    .fill = script_fill,
	};
	person = (struct io_person){sc, script_interactive, script_open, script_feed, script_close,
	                            script_open_url};
	tokens = (struct io_tokens){sc,           script_can_see_tokens, script_pin_state,
	                            script_token_present, script_each_cert,  script_trouble,
	                            script_reader,        script_watch,      script_watched,
	                            script_unwatch,       script_first_token};
	signer = (struct io_signer){sc,
	                            script_signer_select,
	                            script_signer_reload,
	                            script_signer_cert_pem,
	                            script_signer_token,
	                            script_signer_login_needed,
	                            script_signer_login,
	                            script_signer_sign,
	                            script_signer_has_selected,
	                            script_signer_close};
	clock = (struct io_clock){sc, script_now, script_wall};
	status = (struct io_status){sc, script_write_status};
	openvpn = (struct io_openvpn){sc,          script_spawn,    script_exited, script_terminate,
	                              script_kill, script_tell_end, script_forget};
	return (struct session_world){
	    .connection = &connection,
	    .person = &person,
	    .tokens = &tokens,
	    .signer = &signer,
	    .clock = &clock,
	    .status = &status,
	    .openvpn = sc->process ? &openvpn : NULL,
	    .wait_ctx = sc,
	    .wait = script_wait,
	};
}

#endif
