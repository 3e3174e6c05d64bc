/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * start's openvpn process through the session's loop and the one supervisor
 * (openvpn/supervise.h): reaching its management interface, the start's limit, a restart after
 * openvpn ended by itself and none after the user's stop, the back-off and its reset, the kill
 * and the give-up, a second Ctrl-C.  Driven through the scripted world's openvpn
 * (tests/lib/session_io_script.h, sc.process); what the user reads is captured and asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "openvpn/supervise.h"
#include "ui/output.h"
#include "../lib/session_bed.h"

#define HOLD0 ">HOLD:Waiting for hold release:0\n"
#define RELEASED "SUCCESS: hold release succeeded\n"
#define CONNECTED ">STATE:1700000000,CONNECTED,SUCCESS,10.8.0.6,198.51.100.7,1194,,\n"
#define SIGTERM_TAKEN "SUCCESS: signal SIGTERM thrown\n"
/* One openvpn's run up to its tunnel. */
#define UP HOLD0 RELEASED SCRIPT_NEXT CONNECTED SCRIPT_NEXT

static char said[16384]; /* what the run wrote to stdout and stderr */
static int idle_limit;   /* waits with nothing to deliver before the "Ctrl-C"; -1: the script's */

static int setup(void **state)
{
	(void)state;
	session_bed_reset();
	out_set_verbosity(VERBOSITY_NORMAL);
	sc.process = true;
	said[0] = '\0';
	idle_limit = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	session_bed_free();
	return 0;
}

/* start's session over input; what it says lands in said. */
static int run_start(const char *input)
{
	struct session_world world;
	struct said_capture capture;
	int rc;

	new_session(true);
	capture = said_capture_begin();
	script_rerun(&sc, input, NULL);
	if (idle_limit >= 0)
		sc.max_idle_waits = idle_limit;
	world = script_world(&sc);
	rc = session_run(s, &world);
	said_capture_end(&capture, said, sizeof said);
	return rc;
}

static int said_count(const char *text)
{
	int n = 0;

	for (const char *p = said; (p = strstr(p, text)) != NULL; p++)
		n++;
	return n;
}

static void assert_said(const char *text, int times)
{
	if (said_count(text) != times)
		fail_msg("expected %d times '%s' in what was said:\n%s\n(log:\n%s)", times, text, said,
		         sc.log);
}

/* ---- the start ---- */

/* A Ctrl-C while connected: our "signal SIGTERM", openvpn ends, exit 0, no restart. */
static void the_user_stop_ends_openvpn_once(void **state)
{
	(void)state;
	opts.restart = true;
	assert_int_equal(run_start(UP SCRIPT_CTRL_C SIGTERM_TAKEN), EXIT_OK);
	assert_logged("# spawn", 1);
	assert_logged("> signal \"SIGTERM\"", 1);
	assert_logged("# terminate", 0);
	assert_logged("# kill", 0);
	assert_said("Stopping OpenVPN...", 1);
	assert_said("OpenVPN stopped.", 1);
	assert_said("Starting OpenVPN again", 0);
}

/* openvpn that never opens its management interface: said after the start's limit, ended. */
static void a_start_without_management_interface_expires(void **state)
{
	(void)state;
	sc.mgmt_never = true;
	assert_int_equal(run_start(""), EXIT_OPENVPN_FAILED);
	assert_said("openvpn did not open its management interface: connection refused", 1);
	assert_logged("# terminate", 1);
	assert_logged("# ended", 1);
	assert_true(sc.clock >= SUP_START_MAX_MS && sc.clock < SUP_START_MAX_MS + 1000);
}

/* A Ctrl-C while its management interface is not up yet: its process is told, exit 0. */
static void a_ctrl_c_while_starting_stops_it(void **state)
{
	(void)state;
	sc.mgmt_never = true;
	idle_limit = 0; /* the first wait: the user's Ctrl-C */
	assert_int_equal(run_start(""), EXIT_OK);
	assert_said("Stopping OpenVPN...", 1);
	assert_logged("# terminate", 1);
	assert_said("OpenVPN stopped.", 1);
}

/*
 * A port whose server the system cannot name yet (wine's TCP table while its driver starts) is
 * asked about again, a few times a second and not in a tight loop, until the system names it.
 */
static void an_unverified_port_is_asked_again_until_it_is_known(void **state)
{
	(void)state;
	sc.unverified_opens = 3;
	assert_int_equal(run_start(""), EXIT_MGMT_FAILED);
	assert_int_equal(sc.opens, 4);
	assert_false(sc.process_alive);
	/* Three waits of half a second: the scripted clock moved by them, not more. */
	assert_true(sc.clock >= 1500 && sc.clock < 30000);
}

/* Never named within the start's time: refused, openvpn ended, never talked to. */
static void a_port_never_verified_is_refused(void **state)
{
	(void)state;
	sc.unverified_opens = 1000000;
	assert_int_equal(run_start(""), EXIT_MGMT_FAILED);
	assert_false(sc.process_alive);
	assert_true(sc.opens > 50 && sc.opens < 80);
	assert_said("cannot tell which process serves the management port; refusing", 1);
	assert_int_equal(count("hold release"), 0);
}

/* ---- --restart ---- */

/* openvpn ended by itself after its tunnel was up: started again after the back-off. */
static void an_openvpn_that_died_is_started_again(void **state)
{
	(void)state;
	opts.restart = true;
	assert_int_equal(run_start(UP SCRIPT_HANGUP UP SCRIPT_CTRL_C SIGTERM_TAKEN), EXIT_OK);
	assert_logged("# spawn", 2);
	assert_logged("# ended", 1); /* its end is told (its log's tail), the stop's is not */
	assert_logged("> hold release", 2);
	assert_said("Starting OpenVPN again in 1 s (--restart; Ctrl-C to quit)", 1);
	assert_said("OpenVPN stopped.", 1);
}

/*
 * A failure of ours that stopped openvpn ("signal SIGTERM": here a certificate list line that
 * cannot be read), once a tunnel had been up: a new openvpn may get past it, so it comes
 * again; the stop was the session's, not the user's.
 */
static void our_stop_for_a_failure_may_come_again(void **state)
{
	(void)state;
	opts.restart = true;
	assert_int_equal(run_start(UP SCRIPT_HANGUP
	                           ">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify\n"
	                           SCRIPT_NEXT ">PKCS11ID-COUNT:1\n" SCRIPT_NEXT
	                           ">PKCS11ID-ENTRY:garbage\n" SCRIPT_NEXT SIGTERM_TAKEN SCRIPT_HANGUP
	                           UP SCRIPT_CTRL_C SIGTERM_TAKEN),
	                 EXIT_OK);
	assert_said("OpenVPN sent a malformed certificate list line", 1);
	assert_logged("> signal \"SIGTERM\"", 2);
	assert_logged("# spawn", 3);
	assert_said("Starting OpenVPN again in 1 s", 1);
	assert_said("Starting OpenVPN again in 2 s", 1);
}

/* Without --restart the same death is the end, with openvpn's failure as the exit code. */
static void without_restart_a_death_is_the_end(void **state)
{
	(void)state;
	assert_int_equal(run_start(UP SCRIPT_HANGUP UP), EXIT_OPENVPN_FAILED);
	assert_logged("# spawn", 1);
	assert_logged("# ended", 1);
	assert_said("Starting OpenVPN again", 0);
}

/* A setup that never brought the tunnel up would fail the same way again: no restart. */
static void a_death_before_any_tunnel_is_the_end(void **state)
{
	(void)state;
	opts.restart = true;
	assert_int_equal(run_start(HOLD0 RELEASED SCRIPT_HANGUP UP), EXIT_OPENVPN_FAILED);
	assert_logged("# spawn", 1);
	assert_said("Starting OpenVPN again", 0);
}

/*
 * The back-off doubles between deaths; a run that was connected for five minutes starts it
 * from 1 s again (the supervisor's one policy).
 */
static void the_back_off_doubles_and_resets_after_five_minutes_up(void **state)
{
	static char input[4096];
	long long up_for = 0;

	(void)state;
	opts.restart = true;
	snprintf(input, sizeof input, "%s", UP SCRIPT_HANGUP UP SCRIPT_HANGUP UP);
	/* The third run stays up past SUP_RESTART_RESET_MS, in steps of SCRIPT_LATER_MS. */
	for (; up_for <= SUP_RESTART_RESET_MS; up_for += SCRIPT_LATER_MS)
		strcat(input, ">INFO:still here\n" SCRIPT_LATER);
	strcat(input, SCRIPT_HANGUP UP SCRIPT_CTRL_C SIGTERM_TAKEN);
	idle_limit = 1000;
	assert_int_equal(run_start(input), EXIT_OK);
	assert_logged("# spawn", 4);
	assert_said("Starting OpenVPN again in 1 s", 2);
	assert_said("Starting OpenVPN again in 2 s", 1);
	assert_said("Starting OpenVPN again in 4 s", 0);
}

/* Connected only at the end of a long run: not up for five minutes, so no reset. */
static void a_long_start_is_no_long_run(void **state)
{
	static char input[4096];

	(void)state;
	opts.restart = true;
	snprintf(input, sizeof input, "%s", UP SCRIPT_HANGUP HOLD0 RELEASED SCRIPT_NEXT);
	/* The second run takes more than SUP_RESTART_RESET_MS to connect, then dies at once. */
	for (long long t = 0; t <= SUP_RESTART_RESET_MS; t += SCRIPT_LATER_MS)
		strcat(input, ">INFO:still connecting\n" SCRIPT_LATER);
	strcat(input, CONNECTED SCRIPT_HANGUP UP SCRIPT_CTRL_C SIGTERM_TAKEN);
	idle_limit = 1000;
	assert_int_equal(run_start(input), EXIT_OK);
	assert_logged("# spawn", 3);
	assert_said("Starting OpenVPN again in 1 s", 1);
	assert_said("Starting OpenVPN again in 2 s", 1);
}

/* A Ctrl-C during the back-off: no new openvpn, exit 0. */
static void a_ctrl_c_during_the_back_off_ends_it(void **state)
{
	(void)state;
	opts.restart = true;
	idle_limit = 0; /* the pause's wait: the user's Ctrl-C */
	assert_int_equal(run_start(UP SCRIPT_HANGUP), EXIT_OK);
	assert_logged("# spawn", 1);
	assert_said("Starting OpenVPN again in 1 s", 1);
}

/* ---- ending ---- */

/* Deaf to SIGTERM: killed after the grace; exit 0 all the same (the user asked). */
static void a_deaf_openvpn_is_killed_after_the_grace(void **state)
{
	(void)state;
	sc.process_deaf = 1;
	assert_int_equal(run_start(UP SCRIPT_CTRL_C SIGTERM_TAKEN), EXIT_OK);
	assert_logged("# terminate", 0); /* our "signal SIGTERM" was the ask: no second one */
	assert_logged("# kill", 1);
	assert_said("OpenVPN stopped.", 1);
	assert_true(sc.clock >= SUP_STOP_GRACE_MS && sc.clock < SUP_STOP_GRACE_MS + SUP_KILLED_MS);
}

/* Not even the kill ends it: given up on after the kill's wait, said, forgotten. */
static void an_openvpn_that_outlives_its_kill_is_given_up(void **state)
{
	(void)state;
	opts.restart = true;
	sc.process_deaf = 2;
	assert_int_equal(run_start(UP SCRIPT_CTRL_C SIGTERM_TAKEN), EXIT_OK);
	assert_logged("# kill", 1);
	assert_logged("# forget", 1);
	assert_said(SUP_GIVE_UP_TEXT, 1);
	assert_said("OpenVPN stopped.", 0);
	assert_said("Starting OpenVPN again", 0);
	assert_true(sc.clock >= SUP_STOP_GRACE_MS + SUP_KILLED_MS);
}

/* A second Ctrl-C while openvpn takes its time: killed at once, not after the grace. */
static void a_second_ctrl_c_kills_at_once(void **state)
{
	(void)state;
	sc.process_deaf = 1;
	assert_int_equal(run_start(UP SCRIPT_CTRL_C SCRIPT_CTRL_C), EXIT_OK);
	assert_logged("> signal \"SIGTERM\"", 1);
	assert_logged("# kill", 1);
	assert_said("OpenVPN stopped.", 1);
	assert_true(sc.clock < SUP_STOP_GRACE_MS);
}

/* The connection lost while openvpn lives on: it is told to end, then killed if need be. */
static void a_lost_connection_ends_a_living_openvpn(void **state)
{
	(void)state;
	sc.process_deaf = 1;
	assert_int_equal(run_start(UP), EXIT_OPENVPN_FAILED);
	assert_logged("# terminate", 1);
	assert_logged("# kill", 1);
	assert_logged("# ended", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(the_user_stop_ends_openvpn_once),
		T(a_start_without_management_interface_expires),
		T(a_ctrl_c_while_starting_stops_it),
		T(an_unverified_port_is_asked_again_until_it_is_known),
		T(a_port_never_verified_is_refused),
		T(an_openvpn_that_died_is_started_again),
		T(our_stop_for_a_failure_may_come_again),
		T(without_restart_a_death_is_the_end),
		T(a_death_before_any_tunnel_is_the_end),
		T(the_back_off_doubles_and_resets_after_five_minutes_up),
		T(a_long_start_is_no_long_run),
		T(a_ctrl_c_during_the_back_off_ends_it),
		T(a_deaf_openvpn_is_killed_after_the_grace),
		T(an_openvpn_that_outlives_its_kill_is_given_up),
		T(a_second_ctrl_c_kills_at_once),
		T(a_lost_connection_ends_a_living_openvpn),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
