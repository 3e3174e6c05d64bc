/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bottom of the session: what every handler shares and nothing more — the settings, the
 * world (io.h), the one open question, sending a command, and how a run ends.  core.c knows no
 * handler; a handler knows core.h, the token view (tokens.h), the PIN supply (pin_supply.h)
 * and the plain policies (pin_cache.h, lockout.h, reason.h), never another handler.
 * doc/HACKING.md has the picture.
 */
#ifndef OVPN_TOKEN_SESSION_CORE_H
#define OVPN_TOKEN_SESSION_CORE_H

#include <stdbool.h>

#include "mgmt/command.h"
#include "secret/secret.h"
#include "session/io.h"
#include "session/settings.h"
#include "session/status_cert.h"
#include "ui/output.h"

/* Whose reply it is: session.c hands each SUCCESS/ERROR to the handler that sent the command. */
enum reply_tag {
	TAG_PLAIN,          /* only an ERROR is worth telling */
	TAG_MGMT_PASSWORD,
	TAG_ID_COUNT,
	TAG_ID_GET,
	TAG_SIGNAL,
	TAG_PIN,            /* an ERROR means our PIN was not taken, not that it was wrong */
	TAG_HOLD_RELEASE,   /* its SUCCESS: openvpn has taken the release */
	TAG_QUIET,          /* an ERROR is expected at times (a signal during a hold): -v only */
	TAG_HOLD_QUERY,     /* "hold": its SUCCESS says whether openvpn holds */
};

struct session_core;

/* The answer to a question, or why there is none. */
struct session_answer {
	enum plat_read_result result;  /* PLAT_READ_OK, or EOF, INTERRUPT, PEER_GONE, SETTLED, ... */
	const char *text;              /* ASK_TEXT: the line; a secret: in the asker's own buffer */
	int number;                    /* ASK_NUMBER: 1..max */
};

/* What follows an answer: the handler's own next step, with its own state as arg. */
typedef void session_answer_fn(struct session_core *c, void *arg,
                               const struct session_answer *a);

/*
 * What ends a question without an answer: the token view seeing what was waited for (a
 * certificate, an inserted token).  Looked at every interval_ms (each look may load the
 * provider: never more often).
 */
struct session_watch {
	int interval_ms;               /* 0: no watch */
	bool (*settled)(struct session_core *c, void *arg);
	void *arg;
};

enum ask_kind {
	ASK_TEXT,
	ASK_SECRET,                    /* no echo, into the asker's secret (session_ask_secret) */
	ASK_NUMBER,                    /* asked again until a number in 1..max comes */
	ASK_NOTHING,                   /* nobody is asked: only the watch or Ctrl-C ends it */
};

struct session_question {
	bool open;
	bool shown;                    /* the person has it on screen */
	enum ask_kind kind;
	char prompt[512];
	int max;
	struct session_watch watch;
	long long next_check;
	session_answer_fn *then;
	void *arg;
	struct secret *into;           /* ASK_SECRET: the asker's, cleared when no answer came */
	char typed[MGMT_PARAM_MAX];    /* ASK_TEXT, ASK_NUMBER: the answer as it is typed */
};

/* How the current run ends. */
struct session_run_end {
	int result;                    /* the exit code so far */
	bool finished;                 /* nothing more is answered on this connection */
	bool stop_requested;           /* "signal SIGTERM" went to our openvpn (its grace: session.c) */
	bool user_stop;                /* ... because the user asked (Ctrl-C, SIGTERM) */
	bool kill_now;                 /* a second Ctrl-C: no more waiting for openvpn */
};

struct session_core {
	const struct session_settings *settings; /* the command's (settings.h) */
	bool owns_openvpn;             /* start: stopping means stopping openvpn; attach: leaving */
	const struct session_world *world;
	struct session_question question;
	struct session_run_end end;
	bool client_version_announced; /* "version N" went out on this connection */
	char provider[512];            /* the PKCS#11 module to look at tokens with, or "" */
	char *config_id;               /* the config's own pkcs11-id (start), or NULL */
	/* OpenVPN logs in through a reader's PIN pad itself (pkcs11-protected-authentication 1) */
	bool openvpn_uses_pinpads;
	struct status_cert status_cert; /* the certificate in use, for the status file */
};

int session_core_init(struct session_core *c, const struct session_settings *settings,
                      bool owns_openvpn);
void session_core_free(struct session_core *c);
/* A new connection: the run's ending and question start afresh. */
void session_core_new_run(struct session_core *c);
/* The open question, if any, is over without an answer (the connection ended): its secret goes. */
void session_drop_question(struct session_core *c);

/* ---- the clock ---- */
long long session_now(const struct session_core *c);
long long session_wall_time(const struct session_core *c);

/* ---- the connection ---- */
/* Over TCP (Windows, attach to a port): others on the host can reach it. */
bool session_over_tcp(const struct session_core *c);
/* A command, quoted; false when it could not go out (the run ends, said why). */
bool session_send(struct session_core *c, enum reply_kind kind, enum reply_tag tag,
                  const char *verb, const char *const *args);
/* Whole lines as they are (the external key's replies, "version N"). */
bool session_send_lines(struct session_core *c, const char *text, size_t len, bool reply_due,
                        enum reply_tag tag);
/*
 * The one way an answer that is a secret (a PIN, a password, a username, a challenge's
 * response) goes to OpenVPN: `verb type answer` (type NULL: `verb answer`), or with verb NULL
 * the bare line of the management password.  answer is wiped once the command is queued and
 * written, or failed to be: whatever happens, nothing of it stays.  false when it could not
 * go out (a command: the run ends, said why; the bare line: the caller says why).
 */
bool session_send_secret(struct session_core *c, enum reply_tag tag, const char *verb,
                         const char *type, struct secret *answer);
/*
 * Whether a password of this type can be answered at all (a line break in it could not be
 * quoted back); false after saying so, the run ending.
 */
bool session_can_answer_type(struct session_core *c, const char *type);

/* ---- asking ---- */
/*
 * Opens the question: the loop shows it, feeds it as keys arrive, and calls then(c, arg,
 * answer) once it is answered, cancelled, or settled by watch (may be NULL).  One question at
 * a time; OpenVPN's further lines wait until it is answered.  kind: ASK_TEXT, ASK_NUMBER (a
 * secret is asked with session_ask_secret, into the asker's own buffer).
 */
void session_ask(struct session_core *c, enum ask_kind kind, const struct session_watch *watch,
                 int max, session_answer_fn *then, void *arg, const char *fmt, ...)
    PRINTF_LIKE(7, 8);
/*
 * A question whose answer is a secret: read without echo into into (the asker's own, in
 * locked memory; its len set), cleared when the question ends without an answer.
 */
void session_ask_secret(struct session_core *c, struct secret *into, session_answer_fn *then,
                        void *arg, const char *fmt, ...) PRINTF_LIKE(5, 6);
/* No question, only the watch (or Ctrl-C): "waiting for the token". */
void session_wait_for(struct session_core *c, const struct session_watch *watch,
                      session_answer_fn *then, void *arg);
bool session_asking(const struct session_core *c);
/* Whether someone is at a terminal to answer. */
bool session_interactive(const struct session_core *c);
/* false (and the run ends with EXIT_NEEDS_INPUT) when --batch forbids asking for what. */
bool session_may_ask(struct session_core *c, const char *what);
/* A question came back without an answer: says what that means and ends the run. */
void session_answer_failed(struct session_core *c, enum plat_read_result r, const char *what);

/* ---- ending: the only ways a run ends ---- */
/* The user asked to stop (Ctrl-C, SIGTERM): stop openvpn if it is ours, else detach. */
void session_end_stop(struct session_core *c);
/*
 * Ctrl-C or a signal during a wait that asked nobody (--batch, no terminal): a stop, as
 * anywhere else (true, the run ends); false when a person was asked: a cancel is theirs.
 */
bool session_stop_if_nobody_asked(struct session_core *c);
/* Leave openvpn running and end the run. */
void session_end_detach(struct session_core *c);
/* A failure worth code: stops openvpn if it is ours, else leaves. */
void session_end_error(struct session_core *c, int code);
/* The connection cannot be used any more: the run ends now with code. */
void session_end_lost(struct session_core *c, int code);
/* Whether handlers should stop answering: ended or stopping. */
bool session_ending(const struct session_core *c);

#endif
