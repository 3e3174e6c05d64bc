/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's world as the program wires it (io.h): the management connection, the terminal,
 * the PKCS#11 provider, the clock, the status file and (start) the openvpn process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mgmt/conn.h"
#include "pcsc/check.h"
#include "pcsc/watch.h"
#include "pkcs11/provider.h"
#include "pkcs11/signer.h"
#include "platform/platform.h"
#include "program/world.h"
#include "session/io.h"
#include "session/session.h"
#include "ui/output.h"
#include "ui/sanitize.h"

struct program_world {
	struct mgmt_conn conn;
	bool conn_open;
	const struct program_openvpn_ops *openvpn_ops; /* start; NULL for attach */
	const char *provider;                    /* "" for none */
	const char *status_file;                 /* NULL for none */
	const struct io_status *status_sink;     /* the status text's other reader; NULL for none */
	struct p11_signer *signer;               /* --external-key: opened on first use */
	struct p11_provider *lister;               /* the module as the last looks loaded it */
	long long lister_loaded_ms;                /* when the looks took their load */
	bool lister_missed;                        /* a look did not find what it was asked */
	struct preload *preload;                 /* the module loading while openvpn starts */
	bool openvpn_loads_module;               /* at its hold release (not as the external key) */
	/* The token the tunnel rests on (io_tokens.watch): the reader's news, or looks. */
	enum io_watch_kind watch_kind;
	char watched_label[P11_LABEL_LEN + 1];
	char watched_reader[256];                /* IO_WATCH_NEWS: the reader of its events */
	/*
	 * Where each token was last seen (label -> slot description): the watch's choice of the
	 * reader's events must not depend on a look at the very moment the tunnel came up (the
	 * card busy with openvpn's own login then, or the module between loads).
	 */
	struct seen_token {
		char label[P11_LABEL_LEN + 1];
		char slot_description[65];
	} seen[4];
	unsigned seen_next;
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
 * The module has one owner in the process (pkcs11/module.h): the looks and the signer share its
 * one load, and it is finalized only when neither holds it, so no look ever ends the signer's
 * login.  A look reads the slots and tokens afresh (C_GetSlotList, C_GetTokenInfo: presence and
 * PIN flags are current), so one load serves the whole connection: loading OpenSC takes about
 * 2 s, and it is loaded while openvpn starts (preload), not in series with it.  A module that
 * reads its tokens only at load (SoftHSM2) is loaded afresh for a look that did not find what
 * it was asked (a token not there, no certificate), once LISTER_REUSE_MS passed since its load,
 * and only when the signer does not hold it.
 */
#define LISTER_REUSE_MS 750

/* The module loaded on a thread of its own while openvpn starts (open_connection). */
struct preload {
	char path[1024];
	struct p11_provider *prov;
	char err[300];
	struct plat_thread *thread;
};

static void preload_run(void *arg)
{
	struct preload *l = arg;

	l->prov = p11_provider_open(l->path, l->err, sizeof l->err);
}

static void start_preload(struct program_world *p)
{
	struct preload *l;

	if (p->preload != NULL || p->lister != NULL || p->signer != NULL || p->provider[0] == '\0' ||
	    !p11_available() || (l = calloc(1, sizeof *l)) == NULL)
		return;
	snprintf(l->path, sizeof l->path, "%s", p->provider);
	l->thread = plat_thread_start(preload_run, l);
	if (l->thread == NULL) {
		free(l);
		return;
	}
	p->preload = l;
}

/*
 * The preload's module becomes the looks'.  Waits for it (a look needs it anyway), up to
 * bound_ms (-1: for good); one that does not end in time (a hung pcscd) is left to the process's
 * end with its memory.
 */
static void join_preload(struct program_world *p, int bound_ms)
{
	struct preload *l = p->preload;
	long long until = plat_now_ms() + bound_ms;

	if (l == NULL)
		return;
	while (!plat_thread_join_within(l->thread, 1000))
		if (bound_ms >= 0 && plat_now_ms() >= until) {
			p->preload = NULL;
			return;
		}
	p->preload = NULL;
	if (l->prov != NULL && p->lister == NULL) {
		p->lister = l->prov;
		p->lister_loaded_ms = plat_now_ms();
		p->lister_missed = false;
	} else {
		p11_provider_close(l->prov);
	}
	free(l);
}

static void lister_close(struct program_world *p)
{
	join_preload(p, -1);
	p11_provider_close(p->lister);
	p->lister = NULL;
}

static struct p11_provider *lister_open(struct program_world *p, char *err, size_t errsz)
{
	join_preload(p, -1);
	if (p->lister != NULL && p->lister_missed &&
	    plat_now_ms() - p->lister_loaded_ms >= LISTER_REUSE_MS)
		lister_close(p);
	if (p->lister == NULL) {
		p->lister = p11_provider_open(p->provider, err, errsz);
		p->lister_loaded_ms = plat_now_ms();
		p->lister_missed = false;
	}
	return p->lister;
}

/* found: whether the look found what it was asked (else the next one may load afresh). */
static void lister_done(struct program_world *p, bool found)
{
	if (!found)
		p->lister_missed = true;
}

static void remember_slot(struct program_world *p, const char *label, const char *slot)
{
	struct seen_token *t = NULL;

	for (size_t i = 0; i < sizeof p->seen / sizeof p->seen[0] && t == NULL; i++)
		if (strcmp(p->seen[i].label, label) == 0)
			t = &p->seen[i];
	if (t == NULL)
		t = &p->seen[p->seen_next++ % (sizeof p->seen / sizeof p->seen[0])];
	snprintf(t->label, sizeof t->label, "%s", label);
	snprintf(t->slot_description, sizeof t->slot_description, "%s", slot);
}

static const char *remembered_slot(const struct program_world *p, const char *label)
{
	for (size_t i = 0; i < sizeof p->seen / sizeof p->seen[0]; i++)
		if (p->seen[i].label[0] != '\0' && strcmp(p->seen[i].label, label) == 0)
			return p->seen[i].slot_description;
	return NULL;
}

/* The token called label now (1, into *out), 0 when absent, -1 when the module failed. */
static int find_token(struct program_world *p, const char *label, struct p11_token *out,
                      char *err, size_t errsz)
{
	struct p11_token tokens[16];
	struct p11_provider *prov = lister_open(p, err, errsz);
	int n = prov != NULL ? p11_list_tokens(prov, tokens, sizeof tokens / sizeof tokens[0], err,
	                                       errsz)
	                     : -1, found = n < 0 ? -1 : 0;

	for (int i = 0; i < n && i < (int)(sizeof tokens / sizeof tokens[0]); i++) {
		remember_slot(p, tokens[i].label, tokens[i].slot_description);
		if (found == 0 && strcmp(tokens[i].label, label) == 0) {
			*out = tokens[i];
			found = 1;
		}
	}
	lister_done(p, found == 1);
	return found;
}

static enum io_open_result open_connection(void *ctx, char *err, size_t errsz)
{
	struct program_world *p = ctx;
	enum io_open_result r;

	if (p->openvpn_ops == NULL)
		return IO_OPEN_FOREIGN;
	r = p->openvpn_ops->connect(p->openvpn_ops->openvpn.ctx, &p->conn, err, errsz);
	p->conn_open = r == IO_OPEN_OK;
	/* openvpn starts (and loads its own module): we load ours meanwhile, not after it. */
	if (p->conn_open)
		start_preload(p);
	return r;
}

/* The signer and the looks let go of the module: the signer's login ends (module.h). */
struct module_closing {
	struct p11_signer *signer;
	struct p11_provider *lister;
};

static void close_module_run(void *arg)
{
	struct module_closing *c = arg;

	p11_signer_close(c->signer);
	p11_provider_close(c->lister);
}

/*
 * On a thread of its own, waited for up to bound_ms: OpenSC's C_CloseAllSessions and
 * C_Finalize wait on a stopped pcscd, and the program must not.  One that does not end in time
 * is left to the process's end with its memory.
 */
static void close_module_within(struct program_world *p, int bound_ms)
{
	struct module_closing *c;
	struct plat_thread *t;

	if (p->signer == NULL && p->lister == NULL)
		return;
	c = malloc(sizeof *c);
	if (c == NULL) {
		close_signer(p);
		lister_close(p);
		return;
	}
	*c = (struct module_closing){p->signer, p->lister};
	p->signer = NULL;
	p->lister = NULL;
	t = plat_thread_start(close_module_run, c);
	if (t == NULL)
		close_module_run(c);
	if (t == NULL || plat_thread_join_within(t, bound_ms))
		free(c);
	else
		out_verbose("the PKCS#11 module does not answer (is pcscd stopped?): left to the exit");
}

static void close_connection(void *ctx)
{
	struct program_world *p = ctx;

	/*
	 * The connection first: ending the tunnel never waits on the module (OpenSC may wait on a
	 * stopped pcscd).  Then the run's signer sessions.
	 */
	if (p->conn_open)
		mgmt_conn_close(&p->conn);
	p->conn_open = false;
	join_preload(p, 2000);
	close_module_within(p, 2000);
}

static bool is_tcp(void *ctx)
{
	struct program_world *p = ctx;

	return p->conn_open && p->conn.is_tcp;
}

/*
 * openvpn loads its PKCS#11 module when its hold is released, and OpenSC's load finds and reads
 * the card: the preload must be done by then.  Two processes reading one card in at once break
 * each other's view of it (OpenSC's CAC driver selects an applet in one transaction and reads it
 * in the next: the other's select comes in between; openvpn read the token's serial as 00000000,
 * so its pkcs11-id no longer named the card once put back).  The card answers one at a time
 * anyway.  With --external-key openvpn loads no module.  Bounded: a module that hangs (pcscd
 * stopped) is left to itself, as join_preload leaves it.
 */
#define PRELOAD_BEFORE_RELEASE_MS 10000

static enum mgmt_cmd_status send_command(void *ctx, enum reply_kind kind, int tag,
                                         const char *verb, const char *const *args)
{
	struct program_world *p = ctx;

	if (p->openvpn_loads_module && strcmp(verb, "hold release") == 0)
		join_preload(p, PRELOAD_BEFORE_RELEASE_MS);
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

	/* OpenVPN logs in with it: the next look reads the PIN flags afresh (C_GetTokenInfo). */
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
	struct p11_token tok;
	char err[300] = "";
	int found = find_token(p, label, &tok, err, sizeof err);

	if (found < 0)
		out_verbose("cannot look at the token's PIN state: %s", err);
	return found == 1 ? tok.pin_state : P11_PIN_UNKNOWN;
}

static int token_present(void *ctx, const char *label)
{
	struct program_world *p = ctx;
	struct p11_token tok;
	char err[300];

	return find_token(p, label, &tok, err, sizeof err);
}

static int first_token(void *ctx, char *label, size_t labelsz)
{
	struct program_world *p = ctx;
	struct p11_token token;
	char err[300];
	struct p11_provider *prov = lister_open(p, err, sizeof err);
	int n = prov != NULL ? p11_list_tokens(prov, &token, 1, err, sizeof err) : -1;

	lister_done(p, n > 0);
	if (n > 0)
		snprintf(label, labelsz, "%s", token.label);
	return n < 0 ? -1 : n > 0;
}

static int each_cert(void *ctx, bool external_key, io_cert_fn *fn, void *arg)
{
	struct program_world *p = ctx;
	struct p11_cert_list list = {NULL, 0};
	char err[300];
	struct p11_provider *prov = lister_open(p, err, sizeof err);
	int n, rc = prov != NULL ? p11_list_certs(prov, &list, err, sizeof err) : -1;

	lister_done(p, rc == 0 && list.count > 0);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < list.count; i++) {
		const struct p11_cert *c = &list.items[i];
		const struct io_cert cert = {c->serialized_id, c->der, c->der_len,
		                             p11_cert_cannot_log_in(c, external_key), c->token.label,
		                             c->token.slot_description};

		remember_slot(p, c->token.label, c->token.slot_description);
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
	prov = lister_open(p, err, sizeof err);
	slots = prov != NULL ? p11_slot_count(prov, err, sizeof err) : -1;
	lister_done(p, slots > 0);
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
	struct p11_token tok;
	char err[300];

	if (find_token(p, label, &tok, err, sizeof err) != 1)
		return -1;
	snprintf(out, outsz, "%s", tok.slot_description);
	*pinpad = tok.protected_auth_path;
	return 0;
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

	const char *seen;

	if (p->signer != NULL && p11_signer_token(p->signer, &tok) == 0 &&
	    strcmp(tok.label, label) == 0) {
		snprintf(out, outsz, "%s", tok.slot_description);
		return 0;
	}
	if (token_reader(p, label, out, outsz, &pinpad) == 0)
		return 0;
	/* Not seen now (the card busy, the module failing): where it was seen last. */
	if ((seen = remembered_slot(p, label)) == NULL)
		return -1;
	snprintf(out, outsz, "%s", seen);
	return 0;
}

static void unwatch(void *ctx)
{
	struct program_world *p = ctx;

	/* A watch left running (its service stopped) still holds the notice. */
	if (pcsc_watch_stop(p->pcsc))
		plat_notice_free(p->news);
	p->pcsc = NULL;
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
	p->watch_kind = IO_WATCH_POLLS;
	if (watched_reader(p, label, slot, sizeof slot) != 0 ||
	    pcsc_reader_for_slot(slot, reader, sizeof reader) != 0)
		return p->watch_kind;
	snprintf(p->watched_reader, sizeof p->watched_reader, "%s", reader);
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

/*
 * The reader's events ended because the smartcard service went away (pcscd restarted): the
 * watch again, once the service and the reader are back; -1 until then.
 */
static int rewatch(struct program_world *p)
{
	char err[300];
	int card;

	if (p->pcsc != NULL && !pcsc_watch_stop(p->pcsc))
		p->news = NULL; /* still the left watch's: a fresh one below */
	p->pcsc = NULL;
	if (p->news == NULL && (p->news = plat_notice_new()) == NULL)
		return -1;
	p->pcsc = pcsc_watch_start(p->watched_reader, p->news, err, sizeof err);
	card = p->pcsc != NULL ? pcsc_watch_card(p->pcsc) : -1;
	if (card < 0 && p->pcsc != NULL) {
		/* The service is back, its reader not yet: the next look tries again. */
		if (!pcsc_watch_stop(p->pcsc))
			p->news = NULL;
		p->pcsc = NULL;
	}
	return card;
}

static int watched(void *ctx)
{
	struct program_world *p = ctx;
	int card;

	switch (p->watch_kind) {
	case IO_WATCH_NEWS:
		if (p->news != NULL)
			plat_notice_take(p->news);
		card = p->pcsc != NULL ? pcsc_watch_card(p->pcsc) : -1;
		return card >= 0 ? card : rewatch(p);
	case IO_WATCH_POLLS:
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

	/* The signer shares the looks' load of the module (module.h), the preload's too. */
	join_preload(p, -1);
	if (p->signer == NULL && (p->signer = p11_signer_open(p->provider, err, errsz)) == NULL)
		return P11_SELECT_ERROR;
	return p11_signer_select(p->signer, id, err, errsz);
}

/* The looks' module goes too: one C_Finalize ends every context in the process. */
static void signer_close(void *ctx)
{
	struct program_world *p = ctx;

	close_signer(p);
	lister_close(p);
}

static int signer_reload(void *ctx, char *err, size_t errsz)
{
	struct program_world *p = ctx;

	if (p->signer == NULL)
		return 0; /* the next select opens it afresh */
	/* The module loads afresh only when the signer alone holds it (module.h). */
	lister_close(p);
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

static bool signer_has_selected(void *ctx, const char *id)
{
	struct program_world *p = ctx;

	return p->signer != NULL && p11_signer_has_selected(p->signer, id);
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

/* ---- the end ---- */

/*
 * The program ends: the connection is closed first, and nothing after it waits on the module
 * or the smartcard service, which may hang (a stopped pcscd): the signer and the looks are left
 * to the process's end (the kept PIN wiped), and the watch's stop is bounded (pcsc/watch.h).
 */
static void leave(struct program_world *p)
{
	if (p->conn_open)
		mgmt_conn_close(&p->conn);
	p->conn_open = false;
	p->preload = NULL; /* a load still under way is left to the process's end */
	p11_signer_leave(p->signer);
	p->signer = NULL;
	p11_provider_leave(p->lister);
	p->lister = NULL;
	unwatch(p);
}

/* ---- the one wait ---- */

static enum plat_wait_result wait_for(void *ctx, const struct io_wait_set *set, unsigned *ready)
{
	struct program_world *p = ctx;
	struct plat_wait_set w = {
		.peer = p->conn_open && (set->peer || set->peer_hangup) ? p->conn.sock : NULL,
		.peer_hangup_only = set->peer_hangup && !set->peer,
		.person = set->person,
		.child = set->child && p->openvpn_ops != NULL
		             ? p->openvpn_ops->child(p->openvpn_ops->openvpn.ctx)
		             : NULL,
		.notice = set->token_news ? p->news : NULL,
		.deadline_ms = set->deadline_ms,
	};
	unsigned got = 0;
	enum plat_wait_result r;

	r = plat_wait(&w, &got);
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
	                                 watched,   unwatch,      first_token};
	const struct io_signer signer = {p,
	                                 signer_select,
	                                 signer_reload,
	                                 signer_cert_pem,
	                                 signer_token,
	                                 signer_login_needed,
	                                 signer_login,
	                                 signer_sign,
	                                 signer_has_selected,
	                                 signer_close};
	const struct io_clock clock = {p, now_ms, wall_s};
	const struct io_status status = {p, write_status};
	const struct session_world world = {
		.connection = &connection,
		.person = &person,
		.tokens = &tokens,
		.signer = &signer,
		.clock = &clock,
		.status = p->status_file != NULL || p->status_sink != NULL ? &status : NULL,
		.openvpn = p->openvpn_ops != NULL ? &p->openvpn_ops->openvpn : NULL,
		.wait_ctx = p,
		.wait = wait_for,
	};
	int rc;

	rc = session_run(s, &world);
	leave(p);
	return rc;
}

int program_attach(struct session *s, struct mgmt_conn *conn)
{
	struct program_world p = {.conn = *conn, .conn_open = true,
	                          .provider = session_provider(s),
	                          .status_file = session_status_file(s),
	                          .openvpn_loads_module =
	                              session_who_signs(s) != SESSION_KEY_EXTERNAL,
	                          .status_sink = session_status_sink(s)};
	int rc;

	/* The tunnel is openvpn's already: the module loads while the session begins. */
	start_preload(&p);
	rc = run(s, &p);

	/* The connection was handed over and is closed now. */
	conn->sock = NULL;
	return rc;
}

int program_start(struct session *s, const struct program_openvpn_ops *openvpn_ops)
{
	struct program_world p = {.openvpn_ops = openvpn_ops,
	                          .provider = session_provider(s),
	                          .status_file = session_status_file(s),
	                          .openvpn_loads_module =
	                              session_who_signs(s) != SESSION_KEY_EXTERNAL,
	                          .status_sink = session_status_sink(s)};

	return run(s, &p);
}
