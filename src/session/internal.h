/* What the session's files share: the state and the few calls between them. */
#ifndef OVPN_TOKEN_SESSION_INTERNAL_H
#define OVPN_TOKEN_SESSION_INTERNAL_H

#include <stdbool.h>

#include "mgmt/conn.h"
#include "mgmt/event.h"
#include "cli/options.h"
#include "cert/cert_info.h"
#include "platform/platform.h"
#include "secret/secret.h"
#include "secret/source.h"

/* What a reply is for: how session_on_reply() continues. */
enum command_tag {
	TAG_PLAIN,          /* only an ERROR is worth telling */
	TAG_MGMT_PASSWORD,
	TAG_ID_COUNT,
	TAG_ID_GET,
	TAG_SIGNAL,
	TAG_PIN,            /* an ERROR means our PIN was not taken, not that it was wrong */
	TAG_HOLD_RELEASE,   /* its SUCCESS: openvpn has taken the release */
};

/* A token holds a handful of certificates; a peer claiming more is not believed. */
#define SESSION_MAX_CERTS 32

struct cert_entry {
	char *id;
	struct cert_info info;
	bool described; /* the BLOB decoded */
};

struct session {
	const struct options *opts;
	bool owns_openvpn;
	struct secret scratch;          /* a secret on its way from a prompt or source to OpenVPN */

	/* What outlives one connection. */
	char *chosen_id;                /* OpenVPN asks for the certificate after every restart */
	struct secret pin;              /* the PIN we sent last, kept unless --no-cache */
	char pin_type[SECRET_MAX + 1];  /* the PASSWORD type it answered */
	bool pin_cached, pin_verified;  /* verified: the tunnel came up after we sent it */
	bool pin_from_source;           /* it came from pin_source, not from a person */
	struct secret_source pin_source, mgmt_password_source;
	struct secret mgmt_password;    /* chosen by start, when set */
	char provider[512];             /* the PKCS#11 module to read token state with, or "" */

	/* One connection. */
	struct mgmt_conn *conn;
	int mgmt_password_tries;        /* since the last success */
	bool mgmt_password_typed;       /* the last one came from a person, who may retype it */
	bool mgmt_password_used;        /* the interface asked for one at all */
	bool listing;                   /* pkcs11-id-count/get under way */
	long certs_expected, certs_received;
	struct cert_entry certs[SESSION_MAX_CERTS];
	size_t ncerts;
	bool pin_answered;              /* and no restart since: a new request means "rejected" */
	bool connected;
	long long hold_release_at;      /* when to release OpenVPN's hold; 0: not held */
	long long hold_nudge_at;        /* a release owed, not confirmed: when to send it (again) */
	int hold_nudges;                /* releases sent by that timer since the last confirmation */
	char last_reconnect[64];        /* the reason last shown, so a storm shows once */
	bool stop_requested;            /* "signal SIGTERM" sent */
	bool user_stop;                 /* ... because the user asked */
	long long stop_deadline;
	bool finished;
	int result;
	char last_fatal[512];
};

/* Ctrl-C or SIGTERM outside a prompt: stop openvpn if it is ours (exit 0), else detach. */
void session_on_interrupt(struct session *s);
/* Ends the session with code: stops openvpn if it is ours, else just leaves. */
void session_finish(struct session *s, int code);
/* Sends a command and reports a refusal to build it. false on failure (session finished). */
bool session_send(struct session *s, enum reply_kind kind, int tag, const char *verb,
                  const char *const *args);
/* false (and the session ends with EXIT_NEEDS_INPUT) when --batch forbids asking for what. */
bool session_may_ask(struct session *s, const char *what);
/* A prompt came back without an answer: decide what that means. */
void session_prompt_failed(struct session *s, enum plat_read_result r, const char *what);

/* Looking at the tokens ourselves (session/token.c); only when a provider is known and loadable. */
bool session_can_see_tokens(const struct session *s);
/* A prompt watch that ends the prompt once the provider lists certificates (now in s->certs). */
void session_watch_for_certs(struct session *s, struct plat_prompt_watch *watch);
enum wait_outcome { WAIT_SETTLED, WAIT_INTERRUPTED, WAIT_CLOSED };
/* No prompt: waits until watch settles, still noticing Ctrl-C and a closed connection. */
enum wait_outcome session_wait_quietly(struct session *s, const struct plat_prompt_watch *watch);
/* NEED-OK token-insertion-request: Enter, Ctrl-C, or (PLAT_READ_SETTLED) the token arriving. */
enum plat_read_result session_ask_insertion(struct session *s, const char *msg, char *answer,
                                            size_t answersz);

void session_on_id_request(struct session *s);
void session_on_id_reply(struct session *s, const struct mgmt_event *ev, int tag);
void session_free_certs(struct session *s);

void session_on_password_need(struct session *s, const struct mgmt_event *ev);
void session_on_mgmt_password_prompt(struct session *s);
/*
 * pkcs11-helper names a token "<label> token" in its requests ("Please insert <label> token").
 * Takes text after prefix up to that suffix into label; false when text is not of that form.
 */
bool session_token_label(const char *text, const char *prefix, char *label, size_t labelsz);
void session_note_restart(struct session *s);
void session_on_pin_refused(struct session *s);

void session_on_state(struct session *s, const struct mgmt_event *ev);
/* Lockout protection: false (session finishing) when no PIN may go to this token now. */
bool session_token_allows_pin(struct session *s, const char *label);
/* The tunnel came up (or is about to): a PIN sent since then is known to be right. */
void session_note_login_confirmed(struct session *s);
void session_write_status(struct session *s, const char *state, long long when,
                          const char *tun_ip, const char *remote);

#endif
