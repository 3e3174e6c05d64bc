/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token status [NAME] [--json]: the tunnels serve runs here (each folder in /run/ovpn-token), one line
 * each: its state and who holds it.  What the files say comes from others: it is shown through
 * the sanitizer, and who holds a tunnel is its lock's process, not the file's word.
 *
 * Exit: 0; 15 when NAME is given and not served.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "platform/platform.h"
#include "ui/json.h"
#include "ui/output.h"
#include "ui/sanitize.h"

#define MAX_TUNNELS 256

struct names {
	char *v[MAX_TUNNELS];
	size_t n;
};

static void take_name(void *arg, const char *name)
{
	struct names *names = arg;

	/* Hidden entries are serve's locks; anything that cannot name a tunnel is not one. */
	if (names->n < MAX_TUNNELS && served_name_ok(name))
		names->v[names->n++] = strdup(name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "anna since 09:12, CONNECTED, tunnel IP 10.8.0.6" */
static void describe_holder(const struct served_view *v, char *out, size_t outsz)
{
	char state[32], ip[64];

	served_value(v->holder_text, "state", state, sizeof state);
	served_value(v->holder_text, "tunnel_ip", ip, sizeof ip);
	snprintf(out, outsz, "%s%s%s%s%s%s%s", v->holder_user,
	         v->holder_since[0] != '\0' ? " since " : "", v->holder_since,
	         state[0] != '\0' ? ", " : "", state, ip[0] != '\0' ? ", tunnel IP " : "", ip);
}

static void print_line(const struct served_view *v)
{
	char detail[512], line[700], shown[700];
	const char *state = v->state;

	if (served_view_outsider(v)) {
		state = "?";
		snprintf(detail, sizeof detail, "you are not in its group %s", v->group);
	} else if (!v->exists || v->serve_pid == 0) {
		state = "-";
		snprintf(detail, sizeof detail, "not served: sudo systemctl start ovpn-token-serve@%s",
		         v->name);
	} else if (v->holder_pid > 0) {
		describe_holder(v, detail, sizeof detail);
	} else if (strcmp(v->state, "HOLD") == 0) {
		snprintf(detail, sizeof detail, "free: ovpn-token connect %s", v->name);
	} else {
		detail[0] = '\0';
	}
	snprintf(line, sizeof line, "%-16s %-11s %s", v->name, state[0] != '\0' ? state : "?",
	         detail);
	sanitize_str(shown, sizeof shown, line);
	printf("%s\n", shown);
}

static void json_field(const char *name, const char *value, bool last)
{
	printf("\"%s\": ", name);
	json_put_string(stdout, value);
	printf(last ? "" : ", ");
}

static void print_json(const struct served_view *v, bool first)
{
	static const char *const holder_keys[] = {"state", "time", "tunnel_ip", "remote"};
	char value[256];

	printf("%s\n  {", first ? "" : ",");
	json_field("name", v->name, false);
	printf("\"served\": %s, ", v->serve_pid > 0 ? "true" : "false");
	json_field("group", v->group, false);
	printf("\"member\": %s, ", served_view_outsider(v) ? "false" : "true");
	json_field("state", v->serve_pid > 0 && v->state[0] != '\0' ? v->state : NULL, false);
	printf("\"holder\": ");
	if (v->holder_pid <= 0) {
		printf("null}");
		return;
	}
	printf("{");
	json_field("user", v->holder_user, false);
	printf("\"pid\": %ld, ", v->holder_pid);
	served_value(v->holder_text, "since", value, sizeof value);
	json_field("since", value, false);
	for (size_t i = 0; i < sizeof holder_keys / sizeof holder_keys[0]; i++) {
		served_value(v->holder_text, holder_keys[i], value, sizeof value);
		json_field(holder_keys[i], value, i + 1 == sizeof holder_keys / sizeof holder_keys[0]);
	}
	printf("}}");
}

int cmd_status(const struct options *opts)
{
	struct names names = {.n = 0};
	struct served_view v;
	size_t shown = 0;
	bool served = true;
	char err[600];

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (opts->target != NULL && !served_name_ok(opts->target)) {
		out_error("'%s' is not a tunnel's name", opts->target);
		return EXIT_USAGE;
	}
	if (opts->target != NULL)
		take_name(&names, opts->target);
	else if (plat_list_dir(SERVED_BASE, take_name, &names, err, sizeof err) != 0)
		names.n = 0;
	qsort(names.v, names.n, sizeof names.v[0], by_name);
	if (opts->json)
		printf("[");
	for (size_t i = 0; i < names.n; i++) {
		if (names.v[i] == NULL)
			continue;
		served_view_load(names.v[i], &v);
		served = v.exists && v.serve_pid > 0;
		if (!v.exists && opts->target == NULL)
			continue;
		if (opts->json)
			print_json(&v, shown == 0);
		else
			print_line(&v);
		shown++;
	}
	if (opts->json)
		printf("%s]\n", shown > 0 ? "\n" : "");
	else if (shown == 0)
		printf("No tunnel is served here (nothing in %s).\n", SERVED_BASE);
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	return opts->target != NULL && !served ? EXIT_NOT_SERVED : EXIT_OK;
}
