/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One openvpn child's life, as a state machine over its deadlines, without I/O: the caller
 * spawns, signals and waits (the one wait) and tells the supervisor what happened; the
 * supervisor says what is due and tells every change of its phase through a callback.
 *
 *   spawned: STARTING --up--> UP;  STARTING or UP --stop--> ENDING --due: GIVE_UP--> DONE;
 *   any of these --ended--> PAUSED (the caller would have it again) or DONE;
 *   PAUSED --due: SPAWN, spawned--> STARTING;  PAUSED --stop--> DONE.
 *
 * Starting: the caller reaches it (serve: its management socket; start: its management
 * interface) within SUP_START_MAX_MS, else SUP_START_EXPIRED.  Up is the caller's word (serve:
 * openvpn ready in its hold; start: the tunnel connected).  Ending: asked to end (SIGTERM, or
 * told through the management interface), openvpn gets SUP_STOP_GRACE_MS, then is killed, then
 * given up on after SUP_KILLED_MS with SUP_GIVE_UP_TEXT; a second Ctrl-C (sup_hurry) skips the
 * waiting.  Whether an ended run comes again is the caller's word (sup_ended's restart); the
 * back-off (the one policy) is the supervisor's: 1, 2, 4 ... 60 s between restarts, from 1 s
 * again after a run that was up for five minutes.
 *
 * serve (cmd/serve.c) and start's session (session/session.c, also for openvpn started by
 * Windows' interactive service) run on it.
 */
#ifndef OVPN_TOKEN_OPENVPN_SUPERVISE_H
#define OVPN_TOKEN_OPENVPN_SUPERVISE_H

#include <stdbool.h>

/* openvpn opens its management interface early: a slow start is a broken start. */
#define SUP_START_MAX_MS 30000
/* After openvpn was asked to end; then after it was killed. */
#define SUP_STOP_GRACE_MS 10000
#define SUP_KILLED_MS 5000
#define SUP_RESTART_DELAY_MAX_S 60
#define SUP_RESTART_RESET_MS (300 * 1000LL)
#define SUP_GIVE_UP_TEXT "openvpn does not end, not even when killed; leaving it"

enum sup_phase {
	SUP_STARTING, /* spawned; not up yet */
	SUP_UP,       /* up (the caller said so) */
	SUP_ENDING,   /* asked to end: waiting, then killed */
	SUP_PAUSED,   /* ended by itself: the back-off before the next spawn */
	SUP_DONE,     /* no child, none to come */
};

/* What is due now; the caller does it (and tells the supervisor what followed). */
enum sup_due {
	SUP_WAIT,          /* nothing before sup_deadline() */
	SUP_SPAWN,         /* the pause is over: spawn again (sup_spawned) */
	SUP_START_EXPIRED, /* not up in SUP_START_MAX_MS: say so, then sup_stop() */
	SUP_KILL,          /* it did not end in its grace: kill it */
	SUP_GIVE_UP,       /* not even killed it ended: say SUP_GIVE_UP_TEXT, leave it (DONE) */
};

struct supervisor {
	enum sup_phase phase;
	long long deadline;     /* STARTING: up by; ENDING: escalate; PAUSED: spawn; else -1 */
	long long run_started;
	long long up_since;     /* -1 while not up in this run */
	bool killed;            /* ENDING: the kill went out */
	int delay_s;            /* the next pause */
	int last_delay_s;       /* the pause now under way (PAUSED) */
	void (*told)(void *ctx, enum sup_phase phase);
	void *ctx;
};

/* DONE, no child yet; told (may be NULL) hears every change of phase. */
void sup_init(struct supervisor *s, void (*told)(void *ctx, enum sup_phase phase), void *ctx);
/* The caller spawned the child: STARTING. */
void sup_spawned(struct supervisor *s, long long now);
/*
 * The caller reached it (start: its management interface answers): the start limit is met,
 * though it is not up yet.  serve has no such step: its up is its reach.
 */
void sup_reached(struct supervisor *s);
/* It is up (serve: ready in its hold; start: the tunnel connected). */
void sup_up(struct supervisor *s, long long now);
/*
 * The caller asked it to end (a signal, or through the management interface): ENDING.  While
 * PAUSED: no spawn comes (DONE).
 */
void sup_stop(struct supervisor *s, long long now);
/*
 * The child ended.  restart: the caller would have it again (never after a stop the user asked
 * for, nor after an end a restart would not help: the caller's policy): PAUSED, with
 * sup_pause_s() to say; else DONE.
 */
enum sup_phase sup_ended(struct supervisor *s, long long now, bool restart);
/* What is due at now (moves on: after SUP_KILL it waits SUP_KILLED_MS; after GIVE_UP, DONE). */
enum sup_due sup_due(struct supervisor *s, long long now);
/* ENDING: what is due comes now (a second Ctrl-C: no more waiting). */
void sup_hurry(struct supervisor *s, long long now);
/* When something is due next; -1: only the child's end or the caller's news. */
long long sup_deadline(const struct supervisor *s);
/* The pause under way (PAUSED), in seconds. */
int sup_pause_s(const struct supervisor *s);

#endif
