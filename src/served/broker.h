/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * serve's broker between root's openvpn and the one member who holds the tunnel, without I/O:
 * serve feeds it openvpn's lines and the member's, and it says what goes where through the
 * callbacks.  What it keeps to:
 *   - the member gets openvpn's greeting and hold when it joins, then the real-time messages
 *     and the replies to its own commands, nothing from before it joined;
 *   - from the member only the allow-list passes (allow.h); a refused command gets its
 *     "ERROR:" line in its turn among the replies, and a journal entry;
 *   - a certificate or pk-sig block goes to openvpn whole, once its END came: a member who
 *     leaves mid-block leaves nothing half-said;
 *   - when the member leaves, however, openvpn forgets the login and, unless it still waits in
 *     its hold or for a certificate, restarts (SIGHUP) into its hold for the next member.  At its
 *     certificate request openvpn is not signalled: a request that ends without a certificate
 *     is fatal to it (OpenVPN 2.6, 2.7: "Cannot load inline certificate file"), so it waits
 *     there, nothing of the last member's in it, and the next member is asked for theirs.
 */
#ifndef OVPN_TOKEN_SERVED_BROKER_H
#define OVPN_TOKEN_SERVED_BROKER_H

#include <stdbool.h>
#include <stddef.h>

/* Replies awaited at once; a member that sends more without reading is cut off. */
#define BROKER_PENDING_MAX 64
/* A certificate (chain) or signature block, END included; a longer one cuts the member off. */
#define BROKER_BLOCK_MAX 65536

struct broker_out {
	void *ctx;
	/* Bytes for openvpn's management connection / the member's (one or more whole lines). */
	void (*to_openvpn)(void *ctx, const char *text, size_t len);
	void (*to_member)(void *ctx, const char *text, size_t len);
	/* A member's command refused: its first word (never its arguments) and why. */
	void (*refused)(void *ctx, const char *verb, const char *why);
	/* A >STATE: line of openvpn's (the text after ">STATE:"). */
	void (*state)(void *ctx, const char *state);
	/* The member's own word on its session (ovpn-token-state): state, time, tunnel IP, remote. */
	void (*member_state)(void *ctx, const char *const args[4]);
};

enum broker_pending {
	PENDING_MEMBER,  /* the member's: its reply goes to the member */
	PENDING_DROP,    /* ours, or of a member who left: its reply is dropped */
	PENDING_REFUSED, /* not sent: the member gets an ERROR: line when its turn comes */
};

struct broker {
	struct broker_out out;
	int mgmt_version;       /* from openvpn's greeting; 0 before it */
	bool greeted;           /* openvpn's greeting came */
	bool held;              /* openvpn waits in its hold */
	bool member;            /* a member has joined */
	bool in_block;          /* the member's certificate / pk-sig lines, until END */
	bool awaiting_cert;     /* openvpn asked for a certificate (>NEED-CERTIFICATE) */
	char greeting[256];
	char cert_request[256]; /* that request, for the next member */
	char block[BROKER_BLOCK_MAX];
	size_t block_len;
	struct {
		unsigned char kind;  /* enum broker_pending */
		const char *why;     /* PENDING_REFUSED */
		char verb[32];
	} pending[BROKER_PENDING_MAX];
	size_t npending;
};

void broker_init(struct broker *b, const struct broker_out *out);
/* A new management connection to openvpn (after openvpn started again): nothing awaited. */
void broker_openvpn_new(struct broker *b);
/* One line from openvpn, without its line end. */
void broker_openvpn_line(struct broker *b, const char *line);
/* Whether a member may join now: openvpn greeted us and waits in its hold (or for a certificate). */
bool broker_ready(const struct broker *b);
/* The member joins (broker_ready): it gets the greeting and the hold (or the certificate request). */
void broker_member_join(struct broker *b);
/*
 * One line the member sent (len bytes, without its line end; may hold NULs).  false: the
 * member must be cut off (a broken block, too many commands unanswered).
 */
bool broker_member_line(struct broker *b, const char *line, size_t len);
/* The member's connection ended, however: openvpn back to its hold (see above). */
void broker_member_leave(struct broker *b);

#endif
