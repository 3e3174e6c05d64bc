/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One management line turned into a typed event. */
#ifndef OVPN_TOKEN_EVENT_H
#define OVPN_TOKEN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mgmt_event_type {
	MGMT_EV_MALFORMED,      /* a known ">NAME:" whose body does not parse; raw holds the line */
	MGMT_EV_UNKNOWN,        /* ">NAME:text" we do not know: notify.name, notify.text */
	MGMT_EV_TEXT,           /* a reply body line that is not SUCCESS/ERROR/END (e.g. "version" output) */
	MGMT_EV_ENTER_PASSWORD, /* "ENTER PASSWORD:" management password prompt */
	MGMT_EV_INFO,           /* ">INFO:text" (the greeting is one) */
	MGMT_EV_HOLD,           /* ">HOLD:text:count" */
	MGMT_EV_PASSWORD_NEED,  /* ">PASSWORD:Need 'TYPE' password|username|username/password[ SC:flag,TEXT]" */
	MGMT_EV_PASSWORD_FAILED,/* ">PASSWORD:Verification Failed: 'TYPE'[ ['CRV1:...']]" */
	MGMT_EV_NEED_OK,        /* ">NEED-OK:Need 'NAME' confirmation MSG:text" */
	MGMT_EV_NEED_STR,       /* ">NEED-STR:Need 'NAME' string MSG:text" */
	MGMT_EV_PKCS11ID_COUNT, /* ">PKCS11ID-COUNT:N" */
	MGMT_EV_PKCS11ID_ENTRY, /* ">PKCS11ID-ENTRY:'I', ID:'...', BLOB:'...'" or ">PKCS11ID-ENTRY:'I'" */
	MGMT_EV_STATE,          /* ">STATE:time,NAME,desc,tun-ip,remote-ip,remote-port,local-ip,local-port,tun-ipv6" */
	MGMT_EV_LOG,            /* ">LOG:time,flags,text" */
	MGMT_EV_FATAL,          /* ">FATAL:text" */
	MGMT_EV_INFOMSG,        /* ">INFOMSG:text" */
	MGMT_EV_BYTECOUNT,      /* ">BYTECOUNT:in,out" */
	MGMT_EV_SUCCESS,        /* "SUCCESS: text" */
	MGMT_EV_ERROR,          /* "ERROR: text" */
	MGMT_EV_END,            /* "END" */
};

/*
 * All strings point into the line that was parsed (mgmt_parse_line writes NULs into it) and are
 * never NULL for the fields the type defines; optional fields are "" when absent.
 */
struct mgmt_event {
	enum mgmt_event_type type;
	union {
		struct { const char *text; } text;          /* TEXT, INFO, FATAL, INFOMSG, SUCCESS, ERROR, MALFORMED (whole line) */
		struct { const char *name, *text; } notify; /* UNKNOWN */
		struct { const char *text; long count; } hold;
		struct {
			const char *type;       /* e.g. "Test Token token", "Auth", "Private Key" */
			bool need_username;     /* "username/password" or "username" */
			bool username_only;     /* "username" alone (2.7's auth-user-pass username-only) */
			/*
			 * A static challenge's "flag,TEXT" after "SC:", whole, else "": its flag's one
			 * reader is challenge_parse_static (challenge.h).
			 */
			const char *challenge_raw;
		} password_need;
		struct {
			const char *type;
			const char *crv1;       /* dynamic challenge "CRV1:..." without the quotes, else "" */
		} password_failed;
		struct { const char *name, *msg; } need;    /* NEED_OK, NEED_STR */
		struct { long count; } pkcs11id_count;
		struct {
			long index;
			const char *id;   /* "" for an empty index */
			const char *blob; /* base64 DER certificate, "" for an empty index */
		} pkcs11id_entry;
		struct {
			long long time;
			const char *name, *desc, *tun_ip, *remote_ip, *remote_port,
			           *local_ip, *local_port, *tun_ipv6;
		} state;
		struct { long long time; const char *flags, *text; } log;
		struct { unsigned long long in, out; } bytecount;
	} u;
};

/*
 * Parses one line (without line end) in place.  Never fails: a line that cannot be understood
 * becomes MGMT_EV_MALFORMED (known notification, bad body), MGMT_EV_UNKNOWN (unknown ">NAME:")
 * or MGMT_EV_TEXT (anything else).
 */
void mgmt_parse_line(char *line, struct mgmt_event *ev);


/*
 * pkcs11-helper names a token "<label> token" in its requests (">PASSWORD:Need '<label> token'
 * password", NEED-OK "Please insert <label> token").  Takes the text after prefix up to that
 * suffix into label; false when text is not of that form or the label does not fit.
 */
bool mgmt_token_label(const char *text, const char *prefix, char *label, size_t labelsz);

#endif
