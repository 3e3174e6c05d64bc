/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The session's doors to the world, one table for each thing it stands for: the management
 * connection, the person, the tokens, the signer, the clock, the status file and (start) the
 * openvpn process.  The program wires them to sockets, the terminal and the PKCS#11 provider
 * (program/world.c); a unit test or a fuzzer wires scripts.  Nothing in src/session/ reaches the
 * world any other way.
 */
#ifndef OVPN_TOKEN_SESSION_IO_H
#define OVPN_TOKEN_SESSION_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmt/command.h"
#include "mgmt/line_reader.h"
#include "mgmt/reply_queue.h"
#include "pkcs11/provider.h"
#include "pkcs11/signer.h"
#include "platform/platform.h"
#include "secret/secret.h"

/* What sending lines came to: sent, or the connection failed. */
enum io_send_result { IO_SENT, IO_SEND_FAILED };

enum io_open_result {
	IO_OPEN_OK,
	IO_OPEN_NOT_YET, /* nobody listens yet: try again shortly */
	IO_OPEN_FOREIGN, /* someone else serves it: never talk to it (said why) */
	IO_OPEN_UNVERIFIED, /* someone listens, but who cannot be told yet: try again later */
};

/* The management connection. */
struct io_connection {
	void *ctx;
	struct mgmt_line_reader *reader;   /* what OpenVPN sent, framed into lines */
	struct mgmt_reply_queue *replies;  /* what our commands still await; sending pushes onto it */
	bool (*is_tcp)(void *ctx);         /* a TCP port: others on the host can reach it */
	/* start: one attempt to reach openvpn's management interface (err: why not yet). */
	enum io_open_result (*open)(void *ctx, char *err, size_t errsz);
	void (*close)(void *ctx);
	/* "verb args..." quoted: MGMT_CMD_OK, why it could not be built or queued, or failed. */
	enum mgmt_cmd_status (*send)(void *ctx, enum reply_kind kind, int tag, const char *verb,
	                             const char *const *args);
	/* Text as it is, whole lines (reply_due: a SUCCESS/ERROR is awaited with tag). */
	enum io_send_result (*send_lines)(void *ctx, const char *text, size_t len, bool reply_due,
	                                  int tag);
	/* The management password as a bare line (no CR/LF in it). */
	enum io_send_result (*send_password_line)(void *ctx, const char *password, int tag);
	/* One read into reader: >0 bytes, 0 when OpenVPN closed, -1 on error (err filled). */
	long (*fill)(void *ctx, char *err, size_t errsz);
};

/* The person: one question at a time (the session's loop feeds it as keys arrive). */
struct io_person {
	void *ctx;
	bool (*interactive)(void *ctx);
	/* Shows the question; the answer goes into buf (bufsz) as it is typed.  -1: cannot ask. */
	int (*open)(void *ctx, const char *prompt, bool echo, char *buf, size_t bufsz);
	/* What was typed since: PLAT_READ_MORE until the answer is whole (or why there is none). */
	enum plat_read_result (*feed)(void *ctx);
	void (*close)(void *ctx);
	/* A web login's URL to the desktop's browser: 1 opened, 0 no desktop here, -1 failed. */
	int (*open_url)(void *ctx, const char *url);
};

/* One certificate a token holds, as the token view sees it. */
struct io_cert {
	const char *id;                /* the serialized pkcs11-id */
	const unsigned char *der;      /* the certificate (NULL when not read) */
	size_t der_len;
	const char *cannot_log_in;             /* why it cannot log in (pkcs11/provider.h), NULL: it can */
	const char *token_label;
	const char *reader;            /* the slot description: the reader, for a smartcard */
};
/* Given each certificate in turn. */
typedef void io_cert_fn(void *arg, const struct io_cert *cert);

/* How the token the tunnel rests on can be watched. */
enum io_watch_kind {
	IO_WATCH_NONE,   /* it cannot be told */
	IO_WATCH_NEWS,   /* the reader's own events wake the one wait (IO_READY_TOKEN) */
	IO_WATCH_POLLS,  /* only by looking now and then (each look may load the provider) */
};

/* The tokens as the PKCS#11 provider sees them now (each call looks; a burst shares one load). */
struct io_tokens {
	void *ctx;
	bool (*can_see)(void *ctx);
	enum p11_pin_state (*pin_state)(void *ctx, const char *label);
	/* 1 present, 0 absent, -1 cannot tell. */
	int (*present)(void *ctx, const char *label);
	/*
	 * Every certificate to fn, judged for the external key (our signer pairs a key under
	 * another CKA_ID by its public key) or for OpenVPN's PKCS#11 support; their number, or -1
	 * when the provider cannot list them.
	 */
	int (*each_cert)(void *ctx, bool external_key, io_cert_fn *fn, void *arg);
	/*
	 * Why no token can be seen, when the smartcard service is the cause (pcscd not running):
	 * 1 with why filled (what to do included), 0 when it is not.
	 */
	int (*trouble)(void *ctx, char *why, size_t whysz);
	/* The reader (slot description) of the token called label, and whether it has a PIN pad. */
	int (*reader)(void *ctx, const char *label, char *out, size_t outsz, bool *pinpad);
	/* Starts watching the token called label for its going and coming (one at a time). */
	enum io_watch_kind (*watch)(void *ctx, const char *label);
	/*
	 * The watched token: 1 present, 0 absent, -1 cannot tell (NEWS: as the news said; -1 when
	 * the smartcard service went away, and each later call tries the reader's events again).
	 */
	int (*watched)(void *ctx);
	void (*unwatch)(void *ctx);
	/* The label of the first token present: 1, 0 when none is, -1 when it cannot tell. */
	int (*first_token)(void *ctx, char *label, size_t labelsz);
};

/*
 * --external-key: the session's own signer (pkcs11/signer.h), opened by the first select on
 * the session's provider (err says why not), closed when the connection ends and by a reload:
 * select again after one.  The looks at the tokens share its module and never end its login
 * (pkcs11/module.h).  Until then it keeps its selection and its login (has_selected() tells).
 */
struct io_signer {
	void *ctx;
	enum p11_select_result (*select)(void *ctx, const char *id, char *err, size_t errsz);
	int (*reload)(void *ctx, char *err, size_t errsz);
	int (*cert_pem)(void *ctx, char *out, size_t outsz);
	int (*token)(void *ctx, struct p11_token *out);
	bool (*login_needed)(void *ctx);
	enum p11_login_result (*login)(void *ctx, const char *pin, struct p11_login_report *report);
	enum p11_sign_result (*sign)(void *ctx, const struct pk_alg *alg, const unsigned char *data,
	                             size_t len, unsigned char *sig, size_t sigsz, size_t *siglen,
	                             char *err, size_t errsz);
	/* Open, with the certificate of this id selected: no look closed it since the select. */
	bool (*has_selected)(void *ctx, const char *id);
	/*
	 * The token is gone: the signer ends (its kept PIN wiped) and the module is finalized and
	 * unloaded, so that what the module and libp11 keep of the PIN goes with them.
	 */
	void (*close)(void *ctx);
};

struct io_clock {
	void *ctx;
	long long (*now_ms)(void *ctx);  /* monotonic: deadlines */
	long long (*wall_s)(void *ctx);  /* seconds since 1970 (UTC): certificates, the status file */
};

/* The --status-file (start, attach): its whole new text, each time the state changes. */
struct io_status {
	void *ctx;
	void (*write)(void *ctx, const char *text, size_t len);
};

/* start: the openvpn process we run; attach has none. */
struct io_openvpn {
	void *ctx;
	/* Starts it (again): 0, or -1 after saying why. */
	int (*spawn)(void *ctx);
	bool (*exited)(void *ctx, int *status);
	void (*terminate)(void *ctx);
	void (*kill)(void *ctx);
	/* Tells how it ended (status) and shows the end of its log; when: "" or " before ..." */
	void (*tell_end)(void *ctx, int status, const char *when);
	/* It has ended and was told: forget it until the next spawn. */
	void (*forget)(void *ctx);
};

/* What the one wait of the session waits for. */
struct io_wait_set {
	bool peer;                 /* OpenVPN's bytes */
	bool peer_hangup;          /* only OpenVPN going away (its bytes cannot be taken now) */
	bool person;               /* a key for the open question */
	bool child;                /* the openvpn process ending */
	bool token_news;           /* news of the watched token (IO_WATCH_NEWS) */
	long long deadline_ms;     /* on now_ms; -1: none */
};

enum io_ready {
	IO_READY_PEER = 1u << 0,
	IO_READY_PERSON = 1u << 1,
	IO_READY_CHILD = 1u << 2,
	IO_READY_TOKEN = 1u << 3,
};

struct session_world {
	const struct io_connection *connection;
	const struct io_person *person;
	const struct io_tokens *tokens;
	const struct io_signer *signer;
	const struct io_clock *clock;
	const struct io_status *status;    /* NULL: no status file */
	const struct io_openvpn *openvpn;  /* NULL: not ours (attach) */
	/* The one wait: PLAT_WAIT_READY with *ready (enum io_ready), TIMEOUT, INTERRUPT, ERROR. */
	void *wait_ctx;
	enum plat_wait_result (*wait)(void *ctx, const struct io_wait_set *set, unsigned *ready);
};

#endif
