/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One openvpn child's life (openvpn/supervise.h), on a scripted clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "openvpn/supervise.h"

struct heard {
	enum sup_phase phases[32];
	int n;
};

static void told(void *ctx, enum sup_phase phase)
{
	struct heard *h = ctx;

	if (h->n < 32)
		h->phases[h->n++] = phase;
}

/* A start that is never up is stopped after SUP_START_MAX_MS, killed, then given up on. */
static void test_start_expires_then_escalates(void **state)
{
	struct supervisor s;
	struct heard h = {.n = 0};

	(void)state;
	sup_init(&s, told, &h);
	sup_spawned(&s, 1000);
	assert_int_equal(s.phase, SUP_STARTING);
	assert_int_equal(sup_deadline(&s), 1000 + SUP_START_MAX_MS);
	assert_int_equal(sup_due(&s, 1000 + SUP_START_MAX_MS - 1), SUP_WAIT);
	assert_int_equal(sup_due(&s, 1000 + SUP_START_MAX_MS), SUP_START_EXPIRED);
	sup_stop(&s, 31000);
	assert_int_equal(s.phase, SUP_ENDING);
	assert_int_equal(sup_due(&s, 31000 + SUP_STOP_GRACE_MS), SUP_KILL);
	assert_int_equal(sup_due(&s, 31000 + SUP_STOP_GRACE_MS + SUP_KILLED_MS - 1), SUP_WAIT);
	assert_int_equal(sup_due(&s, 31000 + SUP_STOP_GRACE_MS + SUP_KILLED_MS), SUP_GIVE_UP);
	assert_int_equal(s.phase, SUP_DONE);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.phases[0], SUP_STARTING);
	assert_int_equal(h.phases[1], SUP_ENDING);
	assert_int_equal(h.phases[2], SUP_DONE);
}

/* Ends not asked for: 1, 2, 4 ... 60 s apart, never more. */
static void test_backoff_doubles_to_its_cap(void **state)
{
	static const int want[] = {1, 2, 4, 8, 16, 32, 60, 60};
	struct supervisor s;
	long long now = 0;

	(void)state;
	sup_init(&s, NULL, NULL);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		sup_spawned(&s, now);
		sup_up(&s, now + 100);
		now += 1000;
		assert_int_equal(sup_ended(&s, now, true), SUP_PAUSED);
		assert_int_equal(sup_pause_s(&s), want[i]);
		assert_int_equal(sup_due(&s, now + 1000LL * want[i] - 1), SUP_WAIT);
		now += 1000LL * want[i];
		assert_int_equal(sup_due(&s, now), SUP_SPAWN);
	}
}

/* A run that was up five minutes starts the back-off again; a long run never up does not. */
static void test_backoff_resets_after_a_long_up_run(void **state)
{
	struct supervisor s;

	(void)state;
	sup_init(&s, NULL, NULL);
	sup_spawned(&s, 0);
	sup_ended(&s, 10, true);
	sup_spawned(&s, 2000);
	sup_ended(&s, 2010, true);
	assert_int_equal(sup_pause_s(&s), 2);
	sup_spawned(&s, 10000);
	sup_ended(&s, 10000 + SUP_RESTART_RESET_MS + 1, true);
	assert_int_equal(sup_pause_s(&s), 4);
	sup_spawned(&s, 0);
	sup_up(&s, 1000);
	sup_ended(&s, 1000 + SUP_RESTART_RESET_MS + 1, true);
	assert_int_equal(sup_pause_s(&s), 1);
}

/* An end the caller would not have again is the end; a stop while paused: no spawn comes. */
static void test_no_restart_when_refused(void **state)
{
	struct supervisor s;

	(void)state;
	sup_init(&s, NULL, NULL);
	sup_spawned(&s, 0);
	sup_up(&s, 10);
	sup_stop(&s, 20);
	assert_int_equal(sup_ended(&s, 30, false), SUP_DONE);
	sup_spawned(&s, 100);
	assert_int_equal(sup_ended(&s, 110, false), SUP_DONE);
	sup_spawned(&s, 200);
	assert_int_equal(sup_ended(&s, 210, true), SUP_PAUSED);
	sup_stop(&s, 220);
	assert_int_equal(s.phase, SUP_DONE);
	assert_int_equal(sup_due(&s, 999999), SUP_WAIT);
}

/* A run the caller ended for a failure of its own may come again: the caller's word decides. */
static void test_a_stopped_run_may_come_again(void **state)
{
	struct supervisor s;

	(void)state;
	sup_init(&s, NULL, NULL);
	sup_spawned(&s, 0);
	sup_up(&s, 10);
	sup_stop(&s, 20);
	assert_int_equal(sup_ended(&s, 30, true), SUP_PAUSED);
	assert_int_equal(sup_pause_s(&s), 1);
	assert_int_equal(sup_due(&s, 1030), SUP_SPAWN);
}

/* Reached (start: its management interface answers): no start limit, though not up yet. */
static void test_reached_ends_the_start_limit(void **state)
{
	struct supervisor s;

	(void)state;
	sup_init(&s, NULL, NULL);
	sup_spawned(&s, 0);
	sup_reached(&s);
	assert_int_equal(s.phase, SUP_STARTING);
	assert_int_equal(sup_deadline(&s), -1);
	assert_int_equal(sup_due(&s, 10LL * SUP_START_MAX_MS), SUP_WAIT);
	/* Never up: its end is no reason to start the back-off again. */
	sup_ended(&s, SUP_RESTART_RESET_MS * 2, true);
	assert_int_equal(sup_pause_s(&s), 1);
	sup_spawned(&s, SUP_RESTART_RESET_MS * 3);
	sup_reached(&s);
	sup_ended(&s, SUP_RESTART_RESET_MS * 5, true);
	assert_int_equal(sup_pause_s(&s), 2);
}

/* A second Ctrl-C: the kill is due now, and the give-up after its own wait. */
static void test_hurry_kills_now(void **state)
{
	struct supervisor s;

	(void)state;
	sup_init(&s, NULL, NULL);
	sup_spawned(&s, 0);
	sup_hurry(&s, 5); /* not ending: nothing to hurry */
	assert_int_equal(sup_due(&s, 5), SUP_WAIT);
	sup_stop(&s, 100);
	sup_hurry(&s, 200);
	assert_int_equal(sup_due(&s, 200), SUP_KILL);
	assert_int_equal(sup_due(&s, 200 + SUP_KILLED_MS - 1), SUP_WAIT);
	assert_int_equal(sup_due(&s, 200 + SUP_KILLED_MS), SUP_GIVE_UP);
	assert_int_equal(s.phase, SUP_DONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_expires_then_escalates),
		cmocka_unit_test(test_backoff_doubles_to_its_cap),
		cmocka_unit_test(test_backoff_resets_after_a_long_up_run),
		cmocka_unit_test(test_no_restart_when_refused),
		cmocka_unit_test(test_a_stopped_run_may_come_again),
		cmocka_unit_test(test_reached_ends_the_start_limit),
		cmocka_unit_test(test_hurry_kills_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
