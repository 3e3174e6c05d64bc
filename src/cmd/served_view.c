/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A served tunnel as the person sees it (served_view.h). */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cmd/served_view.h"
#include "ui/output.h"

static void load_holder(struct served_view *v)
{
	char err[600], since[64];
	long uid;

	v->holder_pid = plat_file_holder(v->paths.holder, err, sizeof err);
	if (v->holder_pid <= 0)
		return;
	if (plat_read_file(v->paths.holder, v->holder_text, sizeof v->holder_text, err,
	                   sizeof err) < 0)
		v->holder_text[0] = '\0';
	/* Its process says who it is; the file says what it was told. */
	uid = plat_process_uid(v->holder_pid);
	if (uid >= 0)
		plat_user_name(uid, v->holder_user, sizeof v->holder_user);
	else if (!served_value(v->holder_text, "user", v->holder_user, sizeof v->holder_user))
		snprintf(v->holder_user, sizeof v->holder_user, "process %ld", v->holder_pid);
	served_value(v->holder_text, "since", since, sizeof since);
	if (served_time_parse(since) >= 0)
		plat_local_time_text(served_time_parse(since), v->holder_since, sizeof v->holder_since);
}

void served_view_load(const char *name, struct served_view *v)
{
	struct plat_file_facts dir;
	char err[600];

	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "%s", name);
	served_paths(name, &v->paths);
	v->root = plat_user_id() == 0;
	if (plat_file_facts(v->paths.dir, &dir, err, sizeof err) != 0 || !dir.is_dir)
		return;
	v->exists = true;
	v->gid = dir.gid;
	plat_group_name(dir.gid, v->group, sizeof v->group);
	v->membership = v->root ? PLAT_IN_GROUP : plat_group_membership(dir.gid);
	v->serve_pid = plat_file_holder(v->paths.lock, err, sizeof err);
	if (v->serve_pid < 0)
		v->serve_pid = 0;
	v->readable = plat_read_file(v->paths.serve, v->serve_text, sizeof v->serve_text, err,
	                             sizeof err) >= 0;
	if (!v->readable)
		v->serve_text[0] = '\0';
	served_value(v->serve_text, "state", v->state, sizeof v->state);
	served_value(v->serve_text, "provider", v->provider, sizeof v->provider);
	v->openvpn_pid = served_number(v->serve_text, "openvpn_pid", 0);
	load_holder(v);
	/* serve looks at the lock once a second; the lock itself is never behind. */
	if (strcmp(v->state, served_state_name(SERVED_HOLD)) == 0 ||
	    strcmp(v->state, served_state_name(SERVED_RUNNING)) == 0)
		snprintf(v->state, sizeof v->state, "%s",
		         served_state_name(v->holder_pid > 0 ? SERVED_RUNNING : SERVED_HOLD));
}

bool served_view_outsider(const struct served_view *v)
{
	return v->exists && v->membership != PLAT_IN_GROUP;
}

int served_view_refusal(const struct served_view *v)
{
	char me[64];

	if (!v->exists || v->serve_pid == 0) {
		out_error("%s is not being served%s: sudo systemctl start ovpn-token-serve@%s", v->name,
		          v->exists ? " (its serve has ended)" : "", v->name);
		return EXIT_NOT_SERVED;
	}
	plat_user_name(plat_user_id(), me, sizeof me);
	if (v->membership == PLAT_IN_GROUP_LATER) {
		out_error("you (%s) were added to the group %s after this login began: log in again "
		          "(or start a shell in it: newgrp %s)", me, v->group, v->group);
		return EXIT_NOT_PERMITTED;
	}
	if (v->membership == PLAT_NOT_IN_GROUP) {
		out_error("you (%s) are not in the group %s, whose members may use %s: ask an "
		          "administrator: sudo adduser %s %s (then log in again)", me, v->group, v->name,
		          me, v->group);
		return EXIT_NOT_PERMITTED;
	}
	if (!v->readable) {
		out_error("cannot read %s although you are in the group %s: ask an administrator to "
		          "restart ovpn-token-serve@%s", v->paths.serve, v->group, v->name);
		return EXIT_NOT_PERMITTED;
	}
	if (strcmp(v->state, served_state_name(SERVED_STARTING)) == 0 ||
	    strcmp(v->state, served_state_name(SERVED_RESTARTING)) == 0) {
		out_error("%s's openvpn is starting%s: try again in a few seconds", v->name,
		          strcmp(v->state, served_state_name(SERVED_RESTARTING)) == 0 ? " again" : "");
		return EXIT_NOT_SERVED;
	}
	if (strcmp(v->state, served_state_name(SERVED_STOPPED)) == 0) {
		out_error("%s is being stopped: sudo systemctl start ovpn-token-serve@%s", v->name,
		          v->name);
		return EXIT_NOT_SERVED;
	}
	return EXIT_OK;
}

void served_view_holder_note(const struct served_view *v, char *out, size_t outsz)
{
	char state[32];

	out[0] = '\0';
	if (v->holder_pid <= 0 || !served_value(v->holder_text, "state", state, sizeof state) ||
	    strcmp(state, "TOKEN_REMOVED") != 0)
		return;
	snprintf(out, outsz, "its tunnel is down: %s's token is out of the reader; %s (or root) can "
	         "free it with 'ovpn-token disconnect %s'", v->holder_user, v->holder_user, v->name);
}
