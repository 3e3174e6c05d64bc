/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the session's files share: the state, split by lifetime, and the calls between them. */
#ifndef OVPN_TOKEN_SESSION_INTERNAL_H
#define OVPN_TOKEN_SESSION_INTERNAL_H

#include <stdbool.h>

#include "mgmt/command.h"
#include "mgmt/event.h"
#include "cli/options.h"
#include "cert/cert_info.h"
#include "platform/platform.h"
#include "secret/secret.h"
#include "secret/source.h"
#include "session/io.h"
#include "session/pin_cache.h"
#include "ui/output.h"

/* What a reply is for: how the dispatch continues. */
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
	bool described; /* the certificate decoded */
};

/* The certificates of one listing (session/cert.c owns it). */
struct cert_list {
	bool listing;                   /* pkcs11-id-count/get under way */
	long expected, received;
	struct cert_entry items[SESSION_MAX_CERTS];
	size_t count;
};

/* What survives a restart of openvpn. */
struct session_kept {
	char *chosen_id;                /* OpenVPN asks for the certificate after every restart */
	struct pin_cache pin;
	struct secret_source pin_source, mgmt_password_source;
	struct secret mgmt_password;    /* chosen by start, when set */
	char provider[512];             /* the PKCS#11 module to read token state with, or "" */
	char *config_id;                /* the config's own pkcs11-id (start), or NULL */
};

/* The external key's state within one run (xkey.c). */
struct xkey_link {
	bool cert_wanted;               /* a NEED-CERTIFICATE is being answered: cert.c calls back */
	bool selected;                  /* the signer holds kept.chosen_id's certificate and key */
	bool version_sent;              /* "version 3": PK_SIGN then names the algorithm */
};

/* One management connection: starts afresh (one assignment) for every run. */
struct session_link {
	int mgmt_password_tries;        /* since the last success */
	bool mgmt_password_typed;       /* the last one came from a person, who may retype it */
	bool mgmt_password_used;        /* the interface asked for one at all */
	bool mgmt_password_refused;     /* "ERROR: bad password" said so already */
	struct cert_list certs;
	bool connected;
	long long hold_release_at;      /* when to release OpenVPN's hold; 0: not held */
	long long hold_nudge_at;        /* a release owed, not confirmed: when to send it (again) */
	int hold_nudges;                /* releases sent by that timer since the last confirmation */
	char last_reconnect[256];       /* the reason last shown, so a storm shows once */
	char last_failure[200];         /* the cause OpenVPN's log gave last (reason.c) */
	bool stop_requested;            /* "signal SIGTERM" sent */
	bool user_stop;                 /* ... because the user asked */
	long long stop_deadline;
	bool finished;
	int result;
	char last_fatal[512];
	struct xkey_link xkey;
};

/* The server's login and its second factors (session/auth.c); the secrets live for a run. */
struct session_auth {
	struct secret_source source;    /* --auth-user-pass-file, credential "auth-user-pass" */
	bool from_source;               /* the last username/password came from it */
	struct secret user, password;   /* on their way to OpenVPN */
	struct secret response;         /* a typed response; for CRV1 kept until the next request */
	bool crv1_pending;              /* a CRV1 response waits for the next Need 'Auth' */
	char crv1_state[256];           /* ... its state id and the username it names */
	char crv1_user[256];
	long pending_timeout;           /* AUTH_PENDING's timeout in s, -1: none said */
};

struct session {
	const struct options *opts;
	bool owns_openvpn;
	const struct session_io *io;    /* of the current run */
	struct secret scratch;          /* a secret on its way from a prompt or source to OpenVPN */
	struct session_kept kept;
	struct session_link link;
	struct session_auth auth;
};

/* ---- ending (session.c): the only ways a run ends ---- */
/* The user asked to stop (Ctrl-C, SIGTERM): stop openvpn if it is ours, else detach. */
void session_end_stop(struct session *s);
/* Leave openvpn running and end the run. */
void session_end_detach(struct session *s);
/* A failure worth code: stops openvpn if it is ours (and waits for it), else leaves. */
void session_end_error(struct session *s, int code);
/* The connection cannot be used any more: the run ends now with code. */
void session_end_lost(struct session *s, int code);
/* Whether handlers should stop answering: ended or stopping. */
bool session_ending(const struct session *s);

/* ---- shared helpers (session.c) ---- */
/* Sends a command and reports a refusal to build it.  false on failure (the run ends). */
bool session_send(struct session *s, enum reply_kind kind, int tag, const char *verb,
                  const char *const *args);
/* false (and the run ends with EXIT_NEEDS_INPUT) when --batch forbids asking for what. */
bool session_may_ask(struct session *s, const char *what);
/* A prompt came back without an answer: decide what that means. */
void session_prompt_failed(struct session *s, enum plat_read_result r, const char *what);
/*
 * A question, formatted here (the io gets the finished text): into secret without echo when
 * secret is given, else a visible answer into buf while watch (may be NULL) looks elsewhere.
 */
enum plat_read_result session_ask(struct session *s, const struct plat_prompt_watch *watch,
                                  struct secret *secret, char *buf, size_t bufsz,
                                  const char *fmt, ...) PRINTF_LIKE(6, 7);
#define session_ask_text(s, watch, buf, bufsz, ...) \
	session_ask(s, watch, NULL, buf, bufsz, __VA_ARGS__)
#define session_ask_secret(s, secret, ...) session_ask(s, NULL, secret, NULL, 0, __VA_ARGS__)

/* ---- the token watch (token.c) ---- */
bool session_can_see_tokens(const struct session *s);
/* A prompt watch that ends the prompt once the provider lists certificates (given to cert.c). */
void session_watch_for_certs(struct session *s, struct plat_prompt_watch *watch);
enum wait_outcome { WAIT_SETTLED, WAIT_INTERRUPTED, WAIT_CLOSED };
/* No prompt: waits until watch settles, still noticing Ctrl-C and a closed connection. */
enum wait_outcome session_wait_quietly(struct session *s, const struct plat_prompt_watch *watch);
/* NEED-OK token-insertion-request: Enter, Ctrl-C, or (PLAT_READ_SETTLED) the token arriving. */
enum plat_read_result session_ask_insertion(struct session *s, const char *msg, char *answer,
                                            size_t answersz);

/* ---- the certificate choice (cert.c) ---- */
/* NEED-CERTIFICATE: the same choice from the provider's list; answered through xkey.c. */
void session_on_certificate_request(struct session *s);
void session_on_id_request(struct session *s);
void session_on_id_reply(struct session *s, const struct mgmt_event *ev, int tag);
/* Whether a listing is under way (a malformed >PKCS11ID- line then leaves us waiting). */
bool session_certs_listing(struct session *s);
/* Replaces the list with what the provider sees; the number of certificates, or -1. */
int session_certs_from_token(struct session *s);
void session_certs_free(struct cert_list *l);

/* ---- PASSWORD requests (password.c) ---- */
void session_on_password_need(struct session *s, const struct mgmt_event *ev);
void session_on_mgmt_password_prompt(struct session *s);
void session_on_mgmt_password_accepted(struct session *s);
void session_on_mgmt_password_refused(struct session *s);
/* A management password went out and no SUCCESS came back. */
bool session_mgmt_password_unanswered(const struct session *s);
void session_on_pin_refused(struct session *s);

/* ---- the server's login and two-factor challenges (auth.c) ---- */
int session_auth_init(struct session_auth *a);
/* At the start of a run: nothing of a previous openvpn's challenge is answered. */
void session_auth_reset(struct session_auth *a);
void session_auth_free(struct session_auth *a);
/* The greeting: tells OpenVPN 2.7 that we read its username-only request. */
void session_auth_on_greeting(struct session *s, const char *greeting);
/* PASSWORD Need 'Auth' (username/password, username only, static challenge). */
void session_on_auth_need(struct session *s, const struct mgmt_event *ev);
/* PASSWORD Verification Failed: a CRV1 challenge, or a refusal with the server's reason. */
void session_on_password_failed(struct session *s, const struct mgmt_event *ev);
/* STATE: AUTH_PENDING's timeout. */
void session_auth_on_state(struct session *s, const struct mgmt_event *ev);
/* INFOMSG: CR_TEXT, WEB_AUTH, OPEN_URL; false when the message is none of those. */
bool session_auth_on_infomsg(struct session *s, const struct mgmt_event *ev);

/* ---- states and the status file (state.c) ---- */
void session_on_state(struct session *s, const struct mgmt_event *ev);
void session_write_status(struct session *s, const char *state, long long when,
                          const char *tun_ip, const char *remote);

/* ---- the cause behind OpenVPN's last words (cause.c) ---- */
void session_on_fatal(struct session *s, const char *text);
/* Whether the config's pkcs11-id matches none of the certificates the provider sees now. */
bool session_config_id_names_nothing(struct session *s);
/* Says so and ends the run with EXIT_NO_CERTIFICATE. */
void session_say_config_id_names_nothing(struct session *s);
/* (password.c) OpenVPN gave up on the key right after our PIN: a rejection.  true if so. */
bool session_pin_fatal(struct session *s);

/* ---- lockout (lockout.c) ---- */
/* false (the run ending) when no PIN may go to this token now. */
bool session_token_allows_pin(struct session *s, const char *label);
/* The same for flags already read (the external key's signer reads them itself). */
bool session_pin_state_allows_pin(struct session *s, const char *label,
                                  enum p11_pin_state state);

/* ---- the external key (xkey.c): NEED-CERTIFICATE and PK_SIGN ---- */
/* An ">NAME:text" the event parser does not know; false when it is not an external-key one. */
bool session_on_external_key(struct session *s, const struct mgmt_event *ev);
/* cert.c chose the certificate for a NEED-CERTIFICATE: select it and send its PEM. */
void session_xkey_answer_certificate(struct session *s, const char *id);
/* The run ends: forget the selection (the io closes the signer). */
void session_xkey_reset(struct session *s);
/* The greeting: with --external-key announce client version 3 (no reply is awaited). */
void session_xkey_on_greeting(struct session *s);

#endif
