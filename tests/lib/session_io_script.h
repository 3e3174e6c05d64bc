/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A scripted world for the session (src/session/io.h), for the unit tests and the fuzzer:
 * OpenVPN's side is a transcript, the person a list of answers, the token a few numbers, the
 * clock a counter that jumps to each deadline.  Every command sent and every question asked
 * is written to a log the tests read, one line each:
 *   "> hold release"                     a command, as it went on the wire (without "\n")
 *   "? PIN for token 'Anna': "           a question
 *   "@ https://..."                      a URL handed to the desktop's browser
 * Header-only: each test program and fuzzer includes it once.
 *
 * The transcript is delivered in steps: SCRIPT_NEXT ends a step (the rest comes when the
 * session waits again), SCRIPT_CTRL_C stands for the user pressing Ctrl-C there.  When all of
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

#define SCRIPT_NEXT "\001"
#define SCRIPT_CTRL_C "\002"
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
	bool closed_seen;
	long long clock;
	int idle_waits, max_idle_waits; /* after that many waits with nothing to deliver: Ctrl-C */
	char log[SCRIPT_LOG_MAX];
	size_t log_len;
	const char *answers[SCRIPT_MAX_ANSWERS];
	size_t nanswers, next_answer;
	int questions, max_questions;
	bool interactive;
	bool desktop;                  /* open_url() finds a desktop session */
	/* The token as the provider sees it. */
	bool provider;
	enum p11_pin_state pin_state;
	int looks;                     /* provider loads so far (certificates or presence) */
	int present_from_look;         /* token_present() is 1 from this look on; 0: never */
	int certs_from_look;           /* each_cert() lists certs_on_token from this look on */
	int certs_on_token;
	/*
	 * The external key's signer, logged as "# select", "# reload", "# login PIN", "# sign":
	 * select is absent for the first xkey_absent_selects calls; a login with xkey_pin succeeds,
	 * any other fails (locking the token when xkey_wrong_locks); each sign takes the next
	 * result of xkey_sign (then P11_SIGN_OK; NOT_LOGGED_IN also drops the login).
	 */
	int xkey_absent_selects;
	const char *xkey_pin;
	bool xkey_wrong_locks, xkey_logged_in, xkey_selected;
	enum p11_pin_state xkey_state;
	enum p11_sign_result xkey_sign[8];
	size_t xkey_nsign, xkey_next_sign;
};

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
	return MGMT_CMD_OK;
}

static int script_send_password_line(void *ctx, const char *password, int tag)
{
	struct script *sc = ctx;

	if (strpbrk(password, "\r\n") != NULL)
		return -1;
	mgmt_reply_queue_init(&sc->replies);
	mgmt_reply_queue_push(&sc->replies, REPLY_STATUS, tag, NULL, NULL);
	script_log(sc, "> ", password, strlen(password));
	return 0;
}

static bool script_has_input(const struct script *sc)
{
	return sc->pos < sc->input_len;
}

static enum plat_wait_result script_wait(void *ctx, bool with_peer, long long deadline_ms)
{
	struct script *sc = ctx;

	if (with_peer && sc->step_ready && script_has_input(sc))
		return PLAT_WAIT_READABLE;
	if (script_has_input(sc) && !sc->step_ready) {
		/* The next step arrives while we wait (or is the user's Ctrl-C). */
		sc->step_ready = true;
		if (sc->input[sc->pos] == SCRIPT_CTRL_C[0]) {
			sc->pos++;
			return PLAT_WAIT_INTERRUPT;
		}
		if (with_peer)
			return PLAT_WAIT_READABLE;
	}
	if (++sc->idle_waits > sc->max_idle_waits)
		return PLAT_WAIT_INTERRUPT;
	if (deadline_ms >= 0) {
		if (deadline_ms > sc->clock)
			sc->clock = deadline_ms;
		return PLAT_WAIT_TIMEOUT;
	}
	if (with_peer)
		return PLAT_WAIT_READABLE; /* fill() sees the close */
	return PLAT_WAIT_INTERRUPT;    /* nothing could ever end this wait but the user */
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
	if (!script_has_input(sc)) {
		sc->closed_seen = true;
		return 0;
	}
	while (sc->pos + n < sc->input_len && sc->input[sc->pos + n] != SCRIPT_NEXT[0] &&
	       sc->input[sc->pos + n] != SCRIPT_CTRL_C[0])
		n++;
	taken = mgmt_line_reader_feed(&sc->reader, sc->input + sc->pos, n);
	sc->pos += taken;
	if (taken == n && sc->pos < sc->input_len) {
		if (sc->input[sc->pos] == SCRIPT_NEXT[0])
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

/* The next answer, or NULL for end of input. */
static const char *script_answer(struct script *sc, const char *prompt)
{
	script_log(sc, "? ", prompt, strlen(prompt));
	if (++sc->questions > sc->max_questions || sc->next_answer >= sc->nanswers)
		return NULL;
	return sc->answers[sc->next_answer++];
}

/* What a special answer means to a question without a watch; PLAT_READ_OK: a real answer. */
static enum plat_read_result script_special(const char *a)
{
	if (a == NULL || strcmp(a, ANSWER_EOF) == 0 || strcmp(a, ANSWER_WATCH) == 0)
		return PLAT_READ_EOF;
	if (strcmp(a, ANSWER_CTRL_C) == 0)
		return PLAT_READ_INTERRUPT;
	return PLAT_READ_OK;
}

static enum plat_read_result script_ask_text(void *ctx, const struct plat_prompt_watch *watch,
                                             char *buf, size_t bufsz, const char *prompt)
{
	struct script *sc = ctx;
	const char *a = script_answer(sc, prompt);

	if (a != NULL && strcmp(a, ANSWER_WATCH) == 0) {
		for (int i = 0; watch != NULL && i < 100; i++) {
			sc->clock += watch->interval_ms;
			if (watch->settled(watch->arg))
				return PLAT_READ_SETTLED;
		}
		return PLAT_READ_EOF;
	}
	if (script_special(a) != PLAT_READ_OK)
		return script_special(a);
	if (strlen(a) >= bufsz)
		return PLAT_READ_TOO_LONG;
	memcpy(buf, a, strlen(a) + 1);
	return PLAT_READ_OK;
}

static enum plat_read_result script_ask_secret(void *ctx, struct secret *out, const char *prompt)
{
	struct script *sc = ctx;
	const char *a = script_answer(sc, prompt);

	secret_clear(out);
	if (script_special(a) != PLAT_READ_OK)
		return script_special(a);
	if (strlen(a) > SECRET_MAX)
		return PLAT_READ_TOO_LONG;
	memcpy(out->data, a, strlen(a) + 1);
	out->len = strlen(a);
	return PLAT_READ_OK;
}

static enum plat_read_result script_ask_number(void *ctx, int max, int *choice,
                                               const char *prompt)
{
	struct script *sc = ctx;

	for (;;) {
		const char *a = script_answer(sc, prompt);
		long n;

		if (script_special(a) != PLAT_READ_OK)
			return script_special(a);
		n = strtol(a, NULL, 10);
		if (n >= 1 && n <= max) {
			*choice = (int)n;
			return PLAT_READ_OK;
		}
	}
}

static int script_open_url(void *ctx, const char *url)
{
	struct script *sc = ctx;

	if (!sc->desktop)
		return 0;
	script_log(sc, "@ ", url, strlen(url));
	return 1;
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
	sc->looks++;
	return sc->present_from_look > 0 && sc->looks >= sc->present_from_look;
}

static int script_each_cert(void *ctx, session_take_cert *take, void *arg)
{
	struct script *sc = ctx;
	int n;

	sc->looks++;
	if (sc->certs_from_look <= 0 || sc->looks < sc->certs_from_look)
		return 0;
	for (n = 0; n < sc->certs_on_token; n++) {
		char id[64];

		snprintf(id, sizeof id, "Token/Serial/%d", n + 1);
		take(arg, id, NULL, 0);
	}
	return n;
}

static int script_send_lines(void *ctx, const char *text, size_t len, bool reply_due, int tag)
{
	struct script *sc = ctx;
	size_t start = 0;
	char verb[16];

	snprintf(verb, sizeof verb, "%.*s", (int)strcspn(text, " \n"), text);
	if (reply_due && !mgmt_reply_queue_push(&sc->replies, REPLY_STATUS, tag, verb, NULL))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n') {
			script_log(sc, "> ", text + start, i - start);
			start = i + 1;
		}
	return 0;
}

static enum p11_select_result script_signer_select(void *ctx, const char *id, char *err,
                                                   size_t errsz)
{
	struct script *sc = ctx;

	script_log(sc, "# ", "select", 6);
	(void)id;
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
	sc->xkey_selected = sc->xkey_logged_in = false;
	return 0;
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
	out->login_required = true;
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
	snprintf(line, sizeof line, "login %s", pin);
	script_log(sc, "# ", line, strlen(line));
	if (!sc->xkey_selected)
		return r->result = P11_LOGIN_TOKEN_ABSENT;
	if (sc->xkey_state == P11_PIN_LOCKED)
		return r->result = P11_LOGIN_PIN_LOCKED;
	if (sc->xkey_pin != NULL && strcmp(pin, sc->xkey_pin) == 0) {
		sc->xkey_logged_in = true;
		sc->xkey_state = P11_PIN_OK;
		return r->result = P11_LOGIN_OK;
	}
	sc->xkey_state = sc->xkey_wrong_locks ? P11_PIN_LOCKED : P11_PIN_COUNT_LOW;
	r->pin_state = sc->xkey_state;
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
	sc->desktop = keep.desktop;
	sc->provider = keep.provider;
	sc->pin_state = keep.pin_state;
	sc->certs_from_look = keep.certs_from_look;
	sc->certs_on_token = keep.certs_on_token;
	sc->present_from_look = keep.present_from_look;
	sc->xkey_absent_selects = keep.xkey_absent_selects;
	sc->xkey_pin = keep.xkey_pin;
	sc->xkey_wrong_locks = keep.xkey_wrong_locks;
	sc->xkey_state = keep.xkey_state;
	memcpy(sc->xkey_sign, keep.xkey_sign, sizeof sc->xkey_sign);
	sc->xkey_nsign = keep.xkey_nsign;
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

static struct session_io script_io(struct script *sc)
{
	return (struct session_io){
		.ctx = sc,
		.reader = &sc->reader,
		.replies = &sc->replies,
		.is_tcp = false,
		.send = script_send,
		.send_password_line = script_send_password_line,
		.wait = script_wait,
		.fill = script_fill,
		.now = script_now,
		.interactive = script_interactive,
		.ask_text = script_ask_text,
		.ask_secret = script_ask_secret,
		.ask_number = script_ask_number,
		.open_url = script_open_url,
		.can_see_tokens = script_can_see_tokens,
		.pin_state = script_pin_state,
		.token_present = script_token_present,
		.each_cert = script_each_cert,
		.send_lines = script_send_lines,
		.signer_select = script_signer_select,
		.signer_reload = script_signer_reload,
		.signer_cert_pem = script_signer_cert_pem,
		.signer_token = script_signer_token,
		.signer_login_needed = script_signer_login_needed,
		.signer_login = script_signer_login,
		.signer_sign = script_signer_sign,
	};
}

#endif
