/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Everything the session does to the world, as one table: the program wires the management
 * connection, the terminal prompts and the PKCS#11 provider (io_program.c); a unit test or a
 * fuzzer wires a script.  Events come in as lines from reader; commands go out through send.
 */
#ifndef OVPN_TOKEN_SESSION_IO_H
#define OVPN_TOKEN_SESSION_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmt/line_reader.h"
#include "mgmt/reply_queue.h"
#include "pkcs11/provider.h"
#include "pkcs11/signer.h"
#include "platform/platform.h"
#include "secret/secret.h"

/* Hands one certificate the provider sees to the session (id: the serialized pkcs11-id). */
typedef void session_take_cert(void *arg, const char *id, const unsigned char *der,
                               size_t der_len);

struct session_io {
	void *ctx;
	struct mgmt_line_reader *reader; /* what OpenVPN sent, framed into lines */
	struct mgmt_reply_queue *replies; /* what our commands still await; send pushes onto it */
	bool is_tcp;                      /* a TCP management port (others on the host can reach it) */

	/* "verb args..." quoted: mgmt_conn_send()'s statuses. */
	enum mgmt_cmd_status (*send)(void *ctx, enum reply_kind kind, int tag, const char *verb,
	                             const char *const *args);
	/* The management password, as a bare line.  -1 on CR/LF or a write error. */
	int (*send_password_line)(void *ctx, const char *password, int tag);
	/*
	 * Until bytes from OpenVPN can be read (only when with_peer), an interrupt (taken here), or
	 * deadline_ms on the now() clock (-1: none).
	 */
	enum plat_wait_result (*wait)(void *ctx, bool with_peer, long long deadline_ms);
	/* One read into reader: >0 bytes, 0 when OpenVPN closed, -1 on error (err filled). */
	long (*fill)(void *ctx, char *err, size_t errsz);
	long long (*now)(void *ctx);

	/* The person: whether one can be asked, and the questions (watch may be NULL). */
	bool (*interactive)(void *ctx);
	enum plat_read_result (*ask_text)(void *ctx, const struct plat_prompt_watch *watch,
	                                  char *buf, size_t bufsz, const char *prompt);
	enum plat_read_result (*ask_secret)(void *ctx, struct secret *out, const char *prompt);
	/* A number in 1..max, asked again until one is given. */
	enum plat_read_result (*ask_number)(void *ctx, int max, int *choice, const char *prompt);
	/* A web login's URL to the desktop's browser: 1 opened, 0 no desktop here, -1 failed. */
	int (*open_url)(void *ctx, const char *url);

	/* The tokens as the provider sees them now; only when can_see_tokens. */
	bool (*can_see_tokens)(void *ctx);
	enum p11_pin_state (*pin_state)(void *ctx, const char *label);
	/* 1 present, 0 absent, -1 cannot tell. */
	int (*token_present)(void *ctx, const char *label);
	/* Every certificate to take(); their number, or -1 when the provider cannot list them. */
	int (*each_cert)(void *ctx, session_take_cert *take, void *arg);

	/*
	 * --external-key.  send_lines: text as it is (whole lines; reply_due: a SUCCESS/ERROR is
	 * awaited with tag).  The signer (pkcs11/signer.h) of this run: opened by the first
	 * signer_select on the session's provider (err says why not), closed when the run ends
	 * and before each_cert looks at the tokens (a look finalizes the module): select again.
	 */
	int (*send_lines)(void *ctx, const char *text, size_t len, bool reply_due, int tag);
	enum p11_select_result (*signer_select)(void *ctx, const char *id, char *err, size_t errsz);
	int (*signer_reload)(void *ctx, char *err, size_t errsz);
	int (*signer_cert_pem)(void *ctx, char *out, size_t outsz);
	int (*signer_token)(void *ctx, struct p11_token *out);
	bool (*signer_login_needed)(void *ctx);
	enum p11_login_result (*signer_login)(void *ctx, const char *pin,
	                                      struct p11_login_report *report);
	enum p11_sign_result (*signer_sign)(void *ctx, const struct pk_alg *alg,
	                                    const unsigned char *data, size_t len,
	                                    unsigned char *sig, size_t sigsz, size_t *siglen,
	                                    char *err, size_t errsz);
};

#endif
