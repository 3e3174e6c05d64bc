/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Two-factor challenges from the management interface, and the answers to them.  Formats as
 * seen on the wire with OpenVPN 2.6.14 and 2.7.6 (doc/protocol.md):
 *   >PASSWORD:Need 'Auth' username/password SC:<flag>,<text>        static challenge
 *   >PASSWORD:Verification Failed: 'Auth' ['CRV1:<flags>:<state>:<b64 user>:<text>']
 *   >INFOMSG:CR_TEXT:<flags>:<text>                                 pending auth, a question
 *   >INFOMSG:WEB_AUTH:<flags>:<url>   >INFOMSG:OPEN_URL:<url>        pending auth, a web login
 * Everything here came from the server through OpenVPN: lengths are bounded, and what goes
 * back (state id, username) is refused when it could not be sent.  The texts are as the server
 * sent them (cut at a character): show them only through ui/ (out_*, the prompts), which
 * sanitizes.  Pure functions, no I/O.
 */
#ifndef OVPN_TOKEN_CHALLENGE_H
#define OVPN_TOKEN_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>

/* A text shown to the user: longer ones are cut (and marked cut). */
#define CHALLENGE_TEXT_MAX 512
/* A URL: longer ones are refused, not cut (a cut URL is a different URL). */
#define CHALLENGE_URL_MAX 2048
/* What is sent back must fit one management parameter (255 bytes, see mgmt/command.h). */
#define CHALLENGE_FIELD_MAX 256

/* SC flag bits: 2.6 sends only bit 0; 2.7's `static-challenge TEXT 1 concat` gives SC:3. */
#define CHALLENGE_SC_ECHO 1u
#define CHALLENGE_SC_CONCAT 2u

enum challenge_status {
	CHALLENGE_OK,
	CHALLENGE_MALFORMED,  /* not this form */
	CHALLENGE_TOO_LONG,   /* a field that must be exact does not fit */
	CHALLENGE_BAD_BYTE,   /* a field that goes back to OpenVPN holds a control byte */
};

struct challenge_static {
	bool echo;    /* show the response as it is typed */
	bool concat;  /* send password and response glued together, not SCRV1 */
	bool cut;     /* the text was longer than CHALLENGE_TEXT_MAX */
	char text[CHALLENGE_TEXT_MAX];
};

struct challenge_crv1 {
	bool echo;               /* flag E */
	bool response_required;  /* flag R */
	bool cut;
	char state_id[CHALLENGE_FIELD_MAX];
	char username[CHALLENGE_FIELD_MAX];  /* decoded; sent back as the username */
	char text[CHALLENGE_TEXT_MAX];
};

/* CR_TEXT: the question of a pending auth. */
struct challenge_cr_text {
	bool echo;
	bool response_required;
	bool cut;
	char text[CHALLENGE_TEXT_MAX];
};

/* WEB_AUTH or OPEN_URL: a login in the browser. */
struct challenge_web {
	bool open_url;                  /* OPEN_URL (no flags) rather than WEB_AUTH */
	char flags[64];                 /* WEB_AUTH's flags as given (e.g. "", "proxy") */
	char url[CHALLENGE_URL_MAX];    /* as given; see challenge_url_openable() */
};

/* "<flag>,<text>", what follows "SC:" (the raw text of the PASSWORD line). */
enum challenge_status challenge_parse_static(const char *sc, struct challenge_static *out);
/* "CRV1:<flags>:<state_id>:<b64 username>:<text>"; the text may hold colons. */
enum challenge_status challenge_parse_crv1(const char *s, struct challenge_crv1 *out);
/* An INFOMSG text "CR_TEXT:<flags>:<text>". */
enum challenge_status challenge_parse_cr_text(const char *s, struct challenge_cr_text *out);
/* An INFOMSG text "WEB_AUTH:<flags>:<url>" or "OPEN_URL:<url>". */
enum challenge_status challenge_parse_web(const char *s, struct challenge_web *out);

/* >STATE's AUTH_PENDING description "timeout N": N seconds, or -1 when absent or bad. */
long challenge_pending_timeout(const char *state_desc);

/*
 * True when the URL may be handed to a desktop opener: http:// or https://, only printable
 * ASCII without spaces or quotes, so it cannot become an option or a second argument.
 */
bool challenge_url_openable(const char *url);

/*
 * The answers.  Each writes a NUL-terminated value into out (size outsz; pass the secret's
 * buffer) and returns CHALLENGE_OK, or CHALLENGE_TOO_LONG / CHALLENGE_BAD_BYTE with out wiped.
 * The result is one management parameter: it must stay under CHALLENGE_FIELD_MAX.
 */
/* "SCRV1:<b64 password>:<b64 response>" */
enum challenge_status challenge_answer_scrv1(char *out, size_t outsz, const char *password,
                                             size_t password_len, const char *response,
                                             size_t response_len);
/* password followed by response (SC flag bit 1) */
enum challenge_status challenge_answer_concat(char *out, size_t outsz, const char *password,
                                              size_t password_len, const char *response,
                                              size_t response_len);
/* "CRV1::<state_id>::<response>" */
enum challenge_status challenge_answer_crv1(char *out, size_t outsz, const char *state_id,
                                            const char *response, size_t response_len);
/* base64 of the response: the argument of `cr-response` */
enum challenge_status challenge_answer_cr_response(char *out, size_t outsz, const char *response,
                                                   size_t response_len);

const char *challenge_status_text(enum challenge_status st);

#endif
