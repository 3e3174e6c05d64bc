/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's io as the program wires it: the management connection, the terminal prompts
 * (which also watch the connection for the peer going away) and the PKCS#11 provider.
 */
#include <stdio.h>

#include "mgmt/conn.h"
#include "pkcs11/provider.h"
#include "session/internal.h"
#include "session/io.h"
#include "session/session.h"
#include "ui/output.h"
#include "ui/prompt.h"

struct program_io {
	struct mgmt_conn *conn;
	const char *provider; /* "" for none */
	struct p11_signer *signer; /* --external-key: opened on first use, closed with the run */
};

static enum mgmt_cmd_status send_command(void *ctx, enum reply_kind kind, int tag,
                                         const char *verb, const char *const *args)
{
	struct program_io *p = ctx;

	return mgmt_conn_send(p->conn, kind, tag, verb, args);
}

static int send_password_line(void *ctx, const char *password, int tag)
{
	struct program_io *p = ctx;

	return mgmt_conn_send_password_line(p->conn, password, tag);
}

static enum plat_wait_result wait_for(void *ctx, bool with_peer, long long deadline_ms)
{
	struct program_io *p = ctx;
	enum plat_wait_result w = plat_wait_until(with_peer ? p->conn->sock : NULL, deadline_ms);

	if (w == PLAT_WAIT_INTERRUPT)
		plat_take_interrupt();
	return w;
}

static long fill(void *ctx, char *err, size_t errsz)
{
	struct program_io *p = ctx;

	return mgmt_conn_fill(p->conn, err, errsz);
}

static long long now(void *ctx)
{
	(void)ctx;
	return plat_now_ms();
}

static bool interactive(void *ctx)
{
	(void)ctx;
	return plat_interactive();
}

static enum plat_read_result ask_text(void *ctx, const struct plat_prompt_watch *watch,
                                      char *buf, size_t bufsz, const char *prompt)
{
	struct program_io *p = ctx;

	return prompt_text_watched(p->conn->sock, watch, buf, bufsz, "%s", prompt);
}

static enum plat_read_result ask_secret(void *ctx, struct secret *out, const char *prompt)
{
	struct program_io *p = ctx;

	return prompt_secret(p->conn->sock, out, "%s", prompt);
}

static enum plat_read_result ask_number(void *ctx, int max, int *choice, const char *prompt)
{
	struct program_io *p = ctx;

	return prompt_number(p->conn->sock, max, choice, "%s", prompt);
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

static bool can_see_tokens(void *ctx)
{
	struct program_io *p = ctx;

	return p->provider[0] != '\0' && p11_available();
}

/*
 * Each look loads the provider afresh (p11_look_*): some modules (SoftHSM2) read their tokens
 * once at load, and the PIN flags change with every wrong PIN.
 */
static enum p11_pin_state pin_state(void *ctx, const char *label)
{
	struct program_io *p = ctx;
	char err[300] = "";
	enum p11_pin_state state = p11_look_pin_state(p->provider, label, err, sizeof err);

	if (err[0] != '\0')
		out_verbose("cannot look at the token's PIN state: %s", err);
	return state;
}

static int token_present(void *ctx, const char *label)
{
	struct program_io *p = ctx;

	return p11_look_token_present(p->provider, label);
}

static int each_cert(void *ctx, session_take_cert *take, void *arg)
{
	struct program_io *p = ctx;
	struct p11_cert_list list = {NULL, 0};
	char err[300];
	int n;

	/* A look loads and finalizes the module: that would end the signer's sessions too. */
	p11_signer_close(p->signer);
	p->signer = NULL;
	if (p11_look_certs(p->provider, &list, err, sizeof err) != 0)
		return -1;
	for (size_t i = 0; i < list.count; i++)
		take(arg, list.items[i].serialized_id, list.items[i].der, list.items[i].der_len);
	n = (int)list.count;
	p11_cert_list_free(&list);
	return n;
}

static int send_lines(void *ctx, const char *text, size_t len, bool reply_due, int tag)
{
	struct program_io *p = ctx;

	return mgmt_conn_send_lines(p->conn, text, len, reply_due, tag);
}

static enum p11_select_result signer_select(void *ctx, const char *id, char *err, size_t errsz)
{
	struct program_io *p = ctx;

	if (p->signer == NULL && (p->signer = p11_signer_open(p->provider, err, errsz)) == NULL)
		return P11_SELECT_ERROR;
	return p11_signer_select(p->signer, id, err, errsz);
}

static int signer_reload(void *ctx, char *err, size_t errsz)
{
	struct program_io *p = ctx;

	if (p->signer == NULL)
		return 0; /* the next select opens it afresh */
	if (p11_signer_reload(p->signer, err, errsz) == 0)
		return 0;
	p11_signer_close(p->signer);
	p->signer = NULL;
	return -1;
}

static int signer_cert_pem(void *ctx, char *out, size_t outsz)
{
	struct program_io *p = ctx;

	return p->signer != NULL ? p11_signer_cert_pem(p->signer, out, outsz) : -1;
}

static int signer_token(void *ctx, struct p11_token *out)
{
	struct program_io *p = ctx;

	return p->signer != NULL ? p11_signer_token(p->signer, out) : -1;
}

static bool signer_login_needed(void *ctx)
{
	struct program_io *p = ctx;

	return p->signer != NULL && p11_signer_login_needed(p->signer);
}

static enum p11_login_result signer_login(void *ctx, const char *pin,
                                          struct p11_login_report *report)
{
	struct program_io *p = ctx;

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
	struct program_io *p = ctx;

	if (p->signer == NULL) {
		snprintf(err, errsz, "the token is not selected");
		return P11_SIGN_TOKEN_ABSENT;
	}
	return p11_signer_sign(p->signer, alg, data, len, sig, sigsz, siglen, err, errsz);
}

int session_run(struct session *s, struct mgmt_conn *conn)
{
	struct program_io p = {conn, s->kept.provider, NULL};
	int rc;
	const struct session_io io = {
		.ctx = &p,
		.reader = &conn->reader,
		.replies = &conn->replies,
		.is_tcp = conn->is_tcp,
		.send = send_command,
		.send_password_line = send_password_line,
		.wait = wait_for,
		.fill = fill,
		.now = now,
		.interactive = interactive,
		.ask_text = ask_text,
		.ask_secret = ask_secret,
		.ask_number = ask_number,
		.open_url = open_url,
		.can_see_tokens = can_see_tokens,
		.pin_state = pin_state,
		.token_present = token_present,
		.each_cert = each_cert,
		.send_lines = send_lines,
		.signer_select = signer_select,
		.signer_reload = signer_reload,
		.signer_cert_pem = signer_cert_pem,
		.signer_token = signer_token,
		.signer_login_needed = signer_login_needed,
		.signer_login = signer_login,
		.signer_sign = signer_sign,
	};

	rc = session_run_io(s, &io);
	p11_signer_close(p.signer);
	return rc;
}
