/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token disconnect NAME: asks the connect that holds the tunnel NAME to end (SIGTERM: it
 * detaches as on Ctrl-C, and openvpn takes the tunnel down and holds again), then waits until
 * it has let go.  Only the user who holds it, or root.  The process is the one serve took the
 * connection of (the holder file is serve's, root's alone to write), and still runs as the user
 * serve saw.
 *
 * Exit: 0 disconnected, or nobody held it; 1 it did not let go in time; 16 not served; 18 not
 * in the group, or another user holds it.
 */
#include <stdio.h>

#include "exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "platform/platform.h"
#include "ui/output.h"

#define FREE_WAIT_MS 10000
#define POLL_MS 100

/* Until nobody holds the tunnel, or the time is up (or Ctrl-C): whether it was let go. */
static bool wait_until_free(const struct served_view *v)
{
	long long end = plat_now_ms() + FREE_WAIT_MS;

	for (;;) {
		struct plat_wait_set set = {.deadline_ms = plat_now_ms() + POLL_MS};
		struct served_view now;
		unsigned ready;

		served_view_load(v->name, &now);
		if (now.holder_pid != v->holder_pid)
			return true;
		if (plat_now_ms() >= end)
			return false;
		if (plat_wait(&set, &ready) == PLAT_WAIT_INTERRUPT && plat_take_interrupt())
			return false;
	}
}

int cmd_disconnect(const struct options *opts)
{
	struct served_view v;
	char err[600];
	long uid;
	int rc;

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (!served_name_ok(opts->target)) {
		out_error("'%s' is not a tunnel's name (ovpn-token status lists them)", opts->target);
		return EXIT_USAGE;
	}
	served_view_load(opts->target, &v);
	rc = served_view_refusal(&v);
	if (rc != EXIT_OK)
		return rc;
	if (v.holder_pid <= 0) {
		out_status("%s is not connected: nobody holds it", v.name);
		return EXIT_OK;
	}
	uid = plat_process_uid(v.holder_pid);
	if (!v.root && uid != plat_user_id()) {
		out_error("%s is held by %s, not by you: only %s or root (sudo ovpn-token disconnect "
		          "%s) can take it down", v.name, v.holder_user, v.holder_user, v.name);
		return EXIT_NOT_PERMITTED;
	}
	if (plat_process_terminate(v.holder_pid, err, sizeof err) != 0) {
		out_error("cannot ask %s's ovpn-token to end: %s", v.holder_user, err);
		return EXIT_NOT_PERMITTED;
	}
	out_status("Asked %s's ovpn-token connect (pid %ld) to take %s down", v.holder_user,
	           v.holder_pid, v.name);
	if (!wait_until_free(&v)) {
		out_error("it still holds %s after %d s", v.name, FREE_WAIT_MS / 1000);
		return EXIT_INTERNAL;
	}
	out_status("%s is down: openvpn waits in its hold for the next user", v.name);
	return EXIT_OK;
}
