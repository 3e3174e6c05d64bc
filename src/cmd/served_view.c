/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A served tunnel as the person sees it (served_view.h). */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "cmd/served_view.h"
#include "ui/output.h"

/* The holder file is serve's (root's, the group may only read it): who holds it, as the kernel told serve. */
static void load_holder(struct served_view *v)
{
	char err[600], since[64];
	long uid;

	if (plat_read_file(v->paths.holder, v->holder_text, sizeof v->holder_text, err,
	                   sizeof err) < 0)
		v->holder_text[0] = '\0';
	v->holder_pid = served_number(v->holder_text, "pid", 0);
	uid = served_number(v->holder_text, "uid", -1);
	/* A file left by a serve that was killed names a process that is gone (or another's). */
	if (v->holder_pid <= 0 || v->serve_pid == 0 || plat_process_uid(v->holder_pid) != uid) {
		v->holder_pid = 0;
		return;
	}
	plat_user_name(uid, v->holder_user, sizeof v->holder_user);
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
	v->readable = plat_read_file(v->paths.serve, v->serve_text, sizeof v->serve_text, err,
	                             sizeof err) >= 0;
	if (!v->readable)
		v->serve_text[0] = '\0';
	/*
	 * serve's lock is in root's own folder: whether it runs is the serve file's pid (a file
	 * only root writes), a live process of root's.
	 */
	v->serve_pid = served_number(v->serve_text, "pid", 0);
	if (v->serve_pid <= 0 || plat_process_uid(v->serve_pid) != 0)
		v->serve_pid = 0;
	served_value(v->serve_text, "state", v->state, sizeof v->state);
	served_value(v->serve_text, "provider", v->provider, sizeof v->provider);
	v->openvpn_pid = served_number(v->serve_text, "openvpn_pid", 0);
	load_holder(v);
}

bool served_view_outsider(const struct served_view *v)
{
	return v->exists && v->membership != PLAT_IN_GROUP;
}

int served_view_refusal(const struct served_view *v)
{
	char me[64];

	/* Outside the group one cannot read whether serve runs: that is said first. */
	if (!v->exists || (v->serve_pid == 0 && v->membership == PLAT_IN_GROUP)) {
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
