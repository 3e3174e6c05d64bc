/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's world as the program wires it (io.h): the management connection, the terminal,
 * the PKCS#11 provider, the clock, the status file and (start) the openvpn process.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mgmt/conn.h"
#include "pcsc/check.h"
#include "pcsc/watch.h"
#include "pkcs11/provider.h"
#include "platform/platform.h"
#include "session/io.h"
#include "session/session.h"
#include "ui/output.h"
#include "ui/sanitize.h"

struct program_world {
	struct mgmt_conn conn;
	bool conn_open;
	const struct session_launcher *launcher; /* start; NULL for attach */
	const char *provider;                    /* "" for none */
	const char *status_file;                 /* NULL for none */
	const struct io_status *status_sink;     /* the status text's other reader; NULL for none */
	struct p11_signer *signer;               /* --external-key: opened on first use */
	struct p11_provider *look;               /* the module as the last looks loaded it */
	long long look_ended_ms;                 /* when the last look was done with it */
	bool external_key;                       /* a key under another CKA_ID is fit then */
	/* The token the tunnel rests on (io_tokens.watch): the reader's news, or looks. */
	enum io_watch_kind watch_kind;
	char watched_label[P11_LABEL_LEN + 1];
	struct plat_notice *news;
	struct pcsc_watch *pcsc;
};

/* ---- the connection ---- */

static void close_signer(struct program_world *p)
{
	p11_signer_close(p->signer);
	p->signer = NULL;
}

/*
 * One load of the module serves a burst of looks.  Loading OpenSC takes about 2 s (it finds
 * the readers and reads the card), and one event (the card back, OpenVPN authenticating, a
 * certificate request) asks for up to five looks in a row: each loaded afresh, the PIN prompt
 * came 10 to 14 s after the card returned, and the server gave up on the waiting handshake.
 * Looks stay fresh where it matters (some modules, SoftHSM2, read their tokens at load; the PIN
 * flags change with a login): the module is loaded again once LOOK_REUSE_MS passed since a look
 * was last done with it (so the removal watch's look every 2 s and the once-a-second looks for
 * a token being inserted load afresh), after a password went to OpenVPN, and whenever the
 * signer loads it.  A wait that reaches LOOK_REUSE_MS unloads it (wait_for).
 */
#define LOOK_REUSE_MS 750

static void close_look(struct program_world *p)
{
	p11_provider_close(p->look);
	p->look = NULL;
}

/* The looks' module, once it can no longer serve a look, is unloaded. */
static void close_stale_look(struct program_world *p)
{
	if (p->look != NULL && plat_now_ms() - p->look_ended_ms >= LOOK_REUSE_MS)
		close_look(p);
}

static struct p11_provider *look_open(struct program_world *p, char *err, size_t errsz)
{
	close_stale_look(p);
	if (p->look == NULL) {
		/* The load initializes the module, and our unload finalizes it: the signer's
		 * sessions with it would end too. */
		close_signer(p);
		p->look = p11_provider_open(p->provider, err, errsz);
	}
	return p->look;
}

static void look_done(struct program_world *p)
{
	p->look_ended_ms = plat_now_ms();
}

static enum io_open_result open_connection(void *ctx, char *err, size_t errsz)
{
	struct program_world *p = ctx;
	enum io_open_result r;

	if (p->launcher == NULL)
		return IO_OPEN_FOREIGN;
	r = p->launcher->connect(p->launcher->openvpn.ctx, &p->conn, err, errsz);
	p->conn_open = r == IO_OPEN_OK;
	return r;
}

static void close_connection(void *ctx)
{
	struct program_world *p = ctx;

	/* The run is over: the signer's sessions with it. */
	close_signer(p);
	close_look(p);
	if (p->conn_open)
		mgmt_conn_close(&p->conn);
	p->conn_open = false;
}

static bool is_tcp(void *ctx)
{
	struct program_world *p = ctx;

	return p->conn_open && p->conn.is_tcp;
}

static enum mgmt_cmd_status send_command(void *ctx, enum reply_kind kind, int tag,
                                         const char *verb, const char *const *args)
{
	struct program_world *p = ctx;

	return mgmt_conn_send(&p->conn, kind, tag, verb, args);
}

static enum io_send_result send_lines(void *ctx, const char *text, size_t len, bool reply_due,
                                      int tag)
{
	struct program_world *p = ctx;

	return mgmt_conn_send_lines(&p->conn, text, len, reply_due, tag) == 0 ? IO_SENT
	                                                                      : IO_SEND_FAILED;
}

static enum io_send_result send_password_line(void *ctx, const char *password, int tag)
{
	struct program_world *p = ctx;

	/* OpenVPN logs in with it: the next look sees the PIN flags as that login left them. */
	close_look(p);
	return mgmt_conn_send_password_line(&p->conn, password, tag) == 0 ? IO_SENT
	                                                                  : IO_SEND_FAILED;
}

static long fill(void *ctx, char *err, size_t errsz)
{
	struct program_world *p = ctx;

	return mgmt_conn_fill(&p->conn, err, errsz);
}

/* ---- the person ---- */

static bool interactive(void *ctx)
{
	(void)ctx;
	return plat_interactive();
}

/* Prompt text may carry a token label from the peer: it goes through ui/sanitize.h. */
static int open_question(void *ctx, const char *prompt, bool echo, char *buf, size_t bufsz)
{
	char shown[600];

	(void)ctx;
	sanitize_str(shown, sizeof shown, prompt);
	return plat_prompt_open(shown, echo, buf, bufsz);
}

static enum plat_read_result feed_question(void *ctx)
{
	(void)ctx;
	return plat_prompt_feed();
}

static void close_question(void *ctx)
{
	(void)ctx;
	plat_prompt_close();
}

static int open_url(void *ctx, const char *url)
{
	char err[300];
	int rc;

	(void)ctx;
	rc = plat_open_url(url, err, sizeof err);
	if (rc < 0)
		out_error("%s", err);
	return rc;
}

/* ---- the tokens ---- */

static bool can_see(void *ctx)
{
	struct program_world *p = ctx;

	return p->provider[0] != '\0' && p11_available();
}

static enum p11_pin_state pin_state(void *ctx, const char *label)
{
	struct program_world *p = ctx;
	char err[300] = "";
	struct p11_provider *prov = look_open(p, err, sizeof err);
	enum p11_pin_state state = prov != NULL ? p11_token_pin_state(prov, label) : P11_PIN_UNKNOWN;

	look_done(p);
	if (err[0] != '\0')
		out_verbose("cannot look at the token's PIN state: %s", err);
	return state;
}

static int token_present(void *ctx, const char *label)
{
	struct program_world *p = ctx;
	char err[300];
	struct p11_provider *prov = look_open(p, err, sizeof err);
	int present = prov != NULL ? p11_token_present(prov, label) : -1;

	look_done(p);
	return present;
}

static int each_cert(void *ctx, io_cert_fn *fn, void *arg)
{
	struct program_world *p = ctx;
	struct p11_cert_list list = {NULL, 0};
	char err[300];
	struct p11_provider *prov = look_open(p, err, sizeof err);
	int n, rc = prov != NULL ? p11_list_certs(prov, &list, err, sizeof err) : -1;

	look_done(p);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < list.count; i++) {
		const struct p11_cert *c = &list.items[i];
		const struct io_cert cert = {c->serialized_id, c->der, c->der_len,
		                             p11_cert_unfit(c, p->external_key), c->token.label,
		                             c->token.slot_description};

		fn(arg, &cert);
	}
	n = (int)list.count;
	p11_cert_list_free(&list);
	return n;
}

/*
 * pcscd (the Smart Card service) not running explains a missing card, as doctor says it, for a
 * module that then has no slot at all (a software token such as SoftHSM2 always has one).
 */
static int trouble(void *ctx, char *why, size_t whysz)
{
	struct program_world *p = ctx;
	struct pcsc_status st;
	struct p11_provider *prov;
	char err[300];
	int slots;

	pcsc_check(&st);
	if (!st.built_in || st.service)
		return 0;
	prov = look_open(p, err, sizeof err);
	slots = prov != NULL ? p11_slot_count(prov, err, sizeof err) : -1;
	look_done(p);
	if (slots != 0)
		return 0;
	snprintf(why, whysz, "pcscd is not running, so no smartcard reader can be seen (%s) -- "
	         "hint: %s", st.error, plat_pcsc_service_hint());
	return 1;
}

/* The slot description (for OpenSC: the reader) of the token called label; -1 when absent. */
static int token_reader(void *ctx, const char *label, char *out, size_t outsz, bool *pinpad)
{
	struct program_world *p = ctx;
	struct p11_token tokens[16];
	char err[300];
	struct p11_provider *prov;
	int n, found = -1;

	prov = look_open(p, err, sizeof err);
	n = prov != NULL ? p11_list_tokens(prov, tokens, sizeof tokens / sizeof tokens[0], err,
	                                   sizeof err)
	                 : -1;
	look_done(p);
	for (int i = 0; i < n && i < 16 && found < 0; i++)
		if (strcmp(tokens[i].label, label) == 0) {
			snprintf(out, outsz, "%s", tokens[i].slot_description);
			*pinpad = tokens[i].protected_auth_path;
			found = 0;
		}
	return found;
}

/*
 * The reader of the token called label, for its watch.  With --external-key the tunnel rests on
 * the signer's token, whose slot the signer knows: a look would close the signer, and with it the
 * login the next reconnect signs with.
 */
static int watched_reader(struct program_world *p, const char *label, char *out, size_t outsz)
{
	struct p11_token tok;
	bool pinpad;

	if (p->signer != NULL && p11_signer_token(p->signer, &tok) == 0 &&
	    strcmp(tok.label, label) == 0) {
		snprintf(out, outsz, "%s", tok.slot_description);
		return 0;
	}
	return token_reader(p, label, out, outsz, &pinpad);
}

static void unwatch(void *ctx)
{
	struct program_world *p = ctx;

	pcsc_watch_stop(p->pcsc);
	p->pcsc = NULL;
	plat_notice_free(p->news);
	p->news = NULL;
	p->watch_kind = IO_WATCH_NONE;
}

/*
 * A token in a PC/SC reader is watched through the reader's own events (a thread waits in
 * SCardGetStatusChange): nothing wakes while the card stays.  Others are looked at.
 */
static enum io_watch_kind watch(void *ctx, const char *label)
{
	struct program_world *p = ctx;
	char slot[128], reader[256], err[300];

	unwatch(p);
	if (!can_see(p))
		return IO_WATCH_NONE;
	snprintf(p->watched_label, sizeof p->watched_label, "%s", label);
	p->watch_kind = IO_WATCH_LOOKS;
	if (watched_reader(p, label, slot, sizeof slot) != 0 ||
	    pcsc_reader_for_slot(slot, reader, sizeof reader) != 0)
		return p->watch_kind;
	if ((p->news = plat_notice_new()) == NULL ||
	    (p->pcsc = pcsc_watch_start(reader, p->news, err, sizeof err)) == NULL) {
		out_verbose("cannot watch reader '%s' for its events (%s): looking instead", reader,
		            p->news != NULL ? err : "out of memory");
		plat_notice_free(p->news);
		p->news = NULL;
		return p->watch_kind;
	}
	out_verbose("watching reader '%s' for the card's removal", reader);
	p->watch_kind = IO_WATCH_NEWS;
	return p->watch_kind;
}

static int watched(void *ctx)
{
	struct program_world *p = ctx;

	switch (p->watch_kind) {
	case IO_WATCH_NEWS:
		plat_notice_take(p->news);
		return pcsc_watch_card(p->pcsc);
	case IO_WATCH_LOOKS:
		return token_present(p, p->watched_label);
	case IO_WATCH_NONE:
		break;
	}
	return -1;
}

/* ---- the signer ---- */

static enum p11_select_result signer_select(void *ctx, const char *id, char *err, size_t errsz)
{
	struct program_world *p = ctx;

	/* One load of the module at a time: the look's unload would end the signer's sessions. */
	if (p->signer == NULL)
		close_look(p);
	if (p->signer == NULL && (p->signer = p11_signer_open(p->provider, err, errsz)) == NULL)
		return P11_SELECT_ERROR;
	return p11_signer_select(p->signer, id, err, errsz);
}

static int signer_reload(void *ctx, char *err, size_t errsz)
{
	struct program_world *p = ctx;

	if (p->signer == NULL)
		return 0; /* the next select opens it afresh */
	close_look(p);
	if (p11_signer_reload(p->signer, err, errsz) == 0)
		return 0;
	close_signer(p);
	return -1;
}

static int signer_cert_pem(void *ctx, char *out, size_t outsz)
{
	struct program_world *p = ctx;

	return p->signer != NULL ? p11_signer_cert_pem(p->signer, out, outsz) : -1;
}

static int signer_token(void *ctx, struct p11_token *out)
{
	struct program_world *p = ctx;

	return p->signer != NULL ? p11_signer_token(p->signer, out) : -1;
}

static bool signer_login_needed(void *ctx)
{
	struct program_world *p = ctx;

	return p->signer != NULL && p11_signer_login_needed(p->signer);
}

static enum p11_login_result signer_login(void *ctx, const char *pin,
                                          struct p11_login_report *report)
{
	struct program_world *p = ctx;

	if (p->signer == NULL) {
		*report = (struct p11_login_report){.result = P11_LOGIN_TOKEN_ABSENT};
		return P11_LOGIN_TOKEN_ABSENT;
	}
	return p11_signer_login(p->signer, pin, report);
}

static enum p11_sign_result signer_sign(void *ctx, const struct pk_alg *alg,
                                        const unsigned char *data, size_t len,
                                        unsigned char *sig, size_t sigsz, size_t *siglen,
                                        char *err, size_t errsz)
{
	struct program_world *p = ctx;

	if (p->signer == NULL) {
		snprintf(err, errsz, "the token is not selected");
		return P11_SIGN_TOKEN_ABSENT;
	}
	return p11_signer_sign(p->signer, alg, data, len, sig, sigsz, siglen, err, errsz);
}

static bool signer_holds(void *ctx, const char *id)
{
	struct program_world *p = ctx;

	return p->signer != NULL && p11_signer_holds(p->signer, id);
}

/* ---- the clock, the status file ---- */

static long long now_ms(void *ctx)
{
	(void)ctx;
	return plat_now_ms();
}

static long long wall_s(void *ctx)
{
	time_t now = time(NULL);

	(void)ctx;
	return now == (time_t)-1 ? -1 : (long long)now;
}

static void write_status(void *ctx, const char *text, size_t len)
{
	struct program_world *p = ctx;
	char err[600];

	if (p->status_file != NULL &&
	    plat_replace_file(p->status_file, text, len, err, sizeof err) != 0)
		out_error("cannot write the status file: %s", err);
	if (p->status_sink != NULL)
		p->status_sink->write(p->status_sink->ctx, text, len);
}

/* ---- the one wait ---- */

static enum plat_wait_result wait_for(void *ctx, const struct io_wait_set *set, unsigned *ready)
{
	struct program_world *p = ctx;
	struct plat_wait_set w = {
		.peer = p->conn_open && (set->peer || set->peer_hangup) ? p->conn.sock : NULL,
		.peer_hangup_only = set->peer_hangup && !set->peer,
		.person = set->person,
		.child = set->child && p->launcher != NULL
		             ? p->launcher->child(p->launcher->openvpn.ctx)
		             : NULL,
		.notice = set->token_news ? p->news : NULL,
		.deadline_ms = set->deadline_ms,
	};
	unsigned got = 0;
	enum plat_wait_result r;

	/* Woken when the looks' module goes stale, to unload it, then waiting on. */
	for (;;) {
		close_stale_look(p);
		w.deadline_ms = set->deadline_ms;
		if (p->look != NULL &&
		    (w.deadline_ms < 0 || p->look_ended_ms + LOOK_REUSE_MS < w.deadline_ms))
			w.deadline_ms = p->look_ended_ms + LOOK_REUSE_MS;
		r = plat_wait(&w, &got);
		if (r != PLAT_WAIT_TIMEOUT || w.deadline_ms == set->deadline_ms)
			break;
	}
	*ready = 0;
	if (r == PLAT_WAIT_INTERRUPT)
		plat_take_interrupt();
	if (got & PLAT_READY_PEER)
		*ready |= IO_READY_PEER;
	if (got & PLAT_READY_PERSON)
		*ready |= IO_READY_PERSON;
	if (got & PLAT_READY_CHILD)
		*ready |= IO_READY_CHILD;
	if (got & PLAT_READY_NOTICE)
		*ready |= IO_READY_TOKEN;
	return r;
}

static int run(struct session *s, struct program_world *p)
{
	const struct io_connection connection = {
		.ctx = p,
		.reader = &p->conn.reader,
		.replies = &p->conn.replies,
		.is_tcp = is_tcp,
		.open = open_connection,
		.close = close_connection,
		.send = send_command,
		.send_lines = send_lines,
		.send_password_line = send_password_line,
		.fill = fill,
	};
	const struct io_person person = {p, interactive, open_question, feed_question,
	                                  close_question, open_url};
	const struct io_tokens tokens = {p,       can_see,      pin_state, token_present,
	                                 each_cert, trouble, token_reader, watch,
	                                 watched,   unwatch};
	const struct io_signer signer = {p,
	                                 signer_select,
	                                 signer_reload,
	                                 signer_cert_pem,
	                                 signer_token,
	                                 signer_login_needed,
	                                 signer_login,
	                                 signer_sign,
	                                 signer_holds};
	const struct io_clock clock = {p, now_ms, wall_s};
	const struct io_status status = {p, write_status};
	const struct session_world world = {
		.connection = &connection,
		.person = &person,
		.tokens = &tokens,
		.signer = &signer,
		.clock = &clock,
		.status = p->status_file != NULL || p->status_sink != NULL ? &status : NULL,
		.openvpn = p->launcher != NULL ? &p->launcher->openvpn : NULL,
		.wait_ctx = p,
		.wait = wait_for,
	};
	int rc;

	rc = session_run(s, &world);
	unwatch(p);
	close_connection(p);
	return rc;
}

int session_attach(struct session *s, struct mgmt_conn *conn)
{
	struct program_world p = {.conn = *conn, .conn_open = true,
	                          .provider = session_provider(s),
	                          .external_key = session_options(s)->external_key,
	                          .status_file = session_options(s)->status_file,
	                          .status_sink = session_status_sink(s)};
	int rc = run(s, &p);

	/* The connection was handed over and is closed now. */
	conn->sock = NULL;
	return rc;
}

int session_start(struct session *s, const struct session_launcher *launcher)
{
	struct program_world p = {.launcher = launcher,
	                          .provider = session_provider(s),
	                          .external_key = session_options(s)->external_key,
	                          .status_file = session_options(s)->status_file,
	                          .status_sink = session_status_sink(s)};

	return run(s, &p);
}
