/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One openvpn child's life (supervise.h). */
#include <stddef.h>

#include "openvpn/supervise.h"

static void enter(struct supervisor *s, enum sup_phase phase, long long deadline)
{
	bool changed = s->phase != phase;

	s->phase = phase;
	s->deadline = deadline;
	if (changed && s->told != NULL)
		s->told(s->ctx, phase);
}

void sup_init(struct supervisor *s, void (*told)(void *ctx, enum sup_phase phase), void *ctx)
{
	*s = (struct supervisor){.phase = SUP_DONE, .deadline = -1, .up_since = -1, .delay_s = 1,
	                         .told = told, .ctx = ctx};
}

void sup_spawned(struct supervisor *s, long long now)
{
	s->run_started = now;
	s->up_since = -1;
	s->killed = false;
	enter(s, SUP_STARTING, now + SUP_START_MAX_MS);
}

void sup_reached(struct supervisor *s)
{
	if (s->phase == SUP_STARTING)
		s->deadline = -1;
}

void sup_up(struct supervisor *s, long long now)
{
	if (s->phase != SUP_STARTING && s->phase != SUP_UP)
		return;
	if (s->up_since < 0)
		s->up_since = now;
	enter(s, SUP_UP, -1);
}

void sup_stop(struct supervisor *s, long long now)
{
	if (s->phase == SUP_PAUSED || s->phase == SUP_DONE) {
		enter(s, SUP_DONE, -1);
		return;
	}
	if (s->phase != SUP_ENDING)
		enter(s, SUP_ENDING, now + SUP_STOP_GRACE_MS);
}

enum sup_phase sup_ended(struct supervisor *s, long long now, bool restart)
{
	/* A run that was up long enough: the next failure is a new story. */
	if (s->up_since >= 0 && now - s->up_since > SUP_RESTART_RESET_MS)
		s->delay_s = 1;
	if (!restart) {
		enter(s, SUP_DONE, -1);
		return s->phase;
	}
	s->last_delay_s = s->delay_s;
	s->delay_s = s->delay_s * 2 > SUP_RESTART_DELAY_MAX_S ? SUP_RESTART_DELAY_MAX_S
	                                                      : s->delay_s * 2;
	enter(s, SUP_PAUSED, now + 1000LL * s->last_delay_s);
	return s->phase;
}

enum sup_due sup_due(struct supervisor *s, long long now)
{
	if (s->deadline < 0 || now < s->deadline)
		return SUP_WAIT;
	switch (s->phase) {
	case SUP_STARTING:
		/* Said once: the caller stops it (ENDING) or it ended meanwhile. */
		s->deadline = -1;
		return SUP_START_EXPIRED;
	case SUP_ENDING:
		if (!s->killed) {
			s->killed = true;
			s->deadline = now + SUP_KILLED_MS;
			return SUP_KILL;
		}
		enter(s, SUP_DONE, -1);
		return SUP_GIVE_UP;
	case SUP_PAUSED:
		s->deadline = -1;
		return SUP_SPAWN;
	default:
		return SUP_WAIT;
	}
}

void sup_hurry(struct supervisor *s, long long now)
{
	if (s->phase == SUP_ENDING)
		s->deadline = now;
}

long long sup_deadline(const struct supervisor *s)
{
	return s->deadline;
}

int sup_pause_s(const struct supervisor *s)
{
	return s->last_delay_s;
}
