/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A served tunnel as the person refused it reads it (src/cmd/served_view.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cmd/served_view.h"

static struct served_view held_by_anna(const char *state)
{
	struct served_view v;

	memset(&v, 0, sizeof v);
	snprintf(v.name, sizeof v.name, "office");
	v.exists = true;
	v.holder_pid = 4242;
	snprintf(v.holder_user, sizeof v.holder_user, "anna");
	snprintf(v.holder_since, sizeof v.holder_since, "11:30");
	snprintf(v.holder_text, sizeof v.holder_text,
	         "user=anna\nuid=1000\npid=4242\nsince=2026-12-07T11:30:00Z\nstate=%s\ntime=1\n", state);
	return v;
}

/* 10. anna's card is out: the next member hears that the tunnel is down and who can free it. */
static void a_holder_whose_token_is_out_is_said(void **state)
{
	struct served_view v = held_by_anna("TOKEN_REMOVED");
	char note[512];

	(void)state;
	served_view_holder_note(&v, note, sizeof note);
	assert_non_null(strstr(note, "its tunnel is down: anna's token is out of the reader"));
	assert_non_null(strstr(note, "anna (or root) can free it with 'ovpn-token disconnect office'"));
}

static void a_connected_holder_needs_no_note(void **state)
{
	struct served_view v = held_by_anna("CONNECTED");
	char note[512];

	(void)state;
	served_view_holder_note(&v, note, sizeof note);
	assert_string_equal(note, "");
	v = held_by_anna("TOKEN_REMOVED");
	v.holder_pid = 0; /* nobody holds it any more: the file is a leftover */
	served_view_holder_note(&v, note, sizeof note);
	assert_string_equal(note, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_holder_whose_token_is_out_is_said),
		cmocka_unit_test(a_connected_holder_needs_no_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
