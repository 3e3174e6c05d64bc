/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: the token the tunnel rests on, watched while connected (--on-removal disconnect,
 * the default).  OpenVPN itself notices a removed token only at its next signature, an hour
 * later: until then the tunnel would stay up with the card in the user's pocket.  Taken out,
 * the tunnel goes down (OpenVPN is held, not ended; it forgets its passwords) and the
 * remembered PIN goes; put back, the hold is released and the PIN asked again.
 *
 * The watch is the token view's: the reader's own events where the token sits in a PC/SC
 * reader (no wakeups while the card stays), else a look every REMOVAL_CHECK_MS.
 */
#ifndef OVPN_TOKEN_SESSION_REMOVAL_H
#define OVPN_TOKEN_SESSION_REMOVAL_H

#include <stdbool.h>

#include "pkcs11/id_codec.h"
#include "session/core.h"

/* A watch without the reader's events looks at most this often (each look may load the module). */
#define REMOVAL_CHECK_MS 2000

struct removal {
	enum io_watch_kind kind;        /* IO_WATCH_NONE: not watching */
	char label[P11_LABEL_LEN + 1];
	bool away;                      /* out of the reader: the tunnel is down for it */
	long long next_check;
	bool restore_hold_off;          /* attach: the openvpn did not hold before we made it */
	bool news_lost;                 /* the reader's events stopped (the service went away):
	                                   looked at every 2 s until they are back */
};

/* What a look found. */
enum removal_news { REMOVAL_SAME, REMOVAL_TOKEN_GONE, REMOVAL_TOKEN_BACK };

void removal_init(struct removal *r);
/* The tunnel is up on the token called label: watch it (unless --on-removal keep). */
void removal_watch(struct session_core *c, struct removal *r, const char *label);
void removal_stop(struct session_core *c, struct removal *r);
/* Whether the reader's news should wake the loop; when the next look is due (-1: none). */
bool removal_wants_news(const struct removal *r);
long long removal_next_check(const struct removal *r);
/*
 * Looks (after news, or when the look is due).  REMOVAL_TOKEN_GONE: the tunnel is being taken
 * down (said, commands sent); REMOVAL_TOKEN_BACK: it may come up again (said).
 */
enum removal_news removal_check(struct session_core *c, struct removal *r);
/* The reply to "hold" (attach): whether OpenVPN held before we told it to. */
void removal_on_hold_query(struct removal *r, const char *reply);
/* The token is back and the hold released: OpenVPN holds again only if it did before. */
void removal_after_release(struct session_core *c, struct removal *r);

#endif
