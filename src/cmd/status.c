/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token status [NAME] [--json]: every tunnel of this machine the caller may know of, one
 * line each with its state: the tunnels serve runs (each folder in /run/ovpn-token, and who
 * holds it), the unattended units' (ovpn-token@NAME, /run/ovpn-token/.start/NAME/status) and
 * the caller's own `ovpn-token start` tunnels (their run folders).  Under a tunnel whose
 * certificate in use (its status text's cert_ lines, tunnel_cert.h) expires within 30 days or
 * has expired, a line warns with the renewal hint.  What the files say is shown through the
 * sanitizer.
 *
 * Exit: 0; 16 (EXIT_NOT_SERVED) when NAME is given and no tunnel of that name is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert/cert_info.h"
#include "exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "cmd/tunnel_cert.h"
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

/* The certificate in use, when the status text names one: {subject, ...} or null. */
static void json_cert(struct json_fields *o, const char *text, long long now)
{
	struct json_fields c = {.f = stdout, .sep = ", "};
	struct tunnel_cert tc;
	char warning[1024];
	enum cert_validity v;

	tunnel_cert_read(text, &tc);
	json_field_name(o, "certificate");
	if (!tc.present) {
		printf("null");
		return;
	}
	v = tc.dated ? cert_expiry(tc.not_after, now) : CERT_VALID;
	printf("{");
	json_string_field(&c, "subject", tc.subject[0] != '\0' ? tc.subject : NULL);
	json_string_field(&c, "not_after", tc.dated ? tc.not_after_text : NULL);
	json_string_field(&c, "token", tc.token[0] != '\0' ? tc.token : NULL);
	json_string_field(&c, "id", tc.id[0] != '\0' ? tc.id : NULL);
	json_bool_field(&c, "expired", v == CERT_EXPIRED);
	json_bool_field(&c, "expires_soon", v == CERT_EXPIRES_SOON);
	json_string_field(&c, "warning",
	                  tunnel_cert_warning(&tc, now, warning, sizeof warning) ? warning : NULL);
	printf("}");
}

/* Under the tunnel's line: its certificate's expiry warning with the renewal hint, if due. */
static void print_cert_warning(const char *text, long long now)
{
	struct tunnel_cert tc;
	char warning[1024], shown[1024];

	tunnel_cert_read(text, &tc);
	if (!tunnel_cert_warning(&tc, now, warning, sizeof warning))
		return;
	sanitize_str(shown, sizeof shown, warning);
	printf("  %s\n", shown);
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

static void print_line(const struct served_view *v, long long now)
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
	/* The holder's certificate, as serve saw it sent to openvpn. */
	if (!served_view_outsider(v) && v->serve_pid != 0 && v->holder_pid > 0)
		print_cert_warning(v->holder_text, now);
}

static void print_json(const struct served_view *v, bool first, long long now)
{
	static const char *const holder_keys[] = {"state", "time", "tunnel_ip", "remote"};
	struct json_fields o = {.f = stdout, .sep = ", "}, h = {.f = stdout, .sep = ", "};
	char value[256];

	printf("%s\n  {", first ? "" : ",");
	json_string_field(&o, "name", v->name);
	json_string_field(&o, "kind", "served");
	json_bool_field(&o, "served", v->serve_pid > 0);
	json_string_field(&o, "group", v->group);
	json_bool_field(&o, "member", !served_view_outsider(v));
	json_string_field(&o, "state", v->serve_pid > 0 && v->state[0] != '\0' ? v->state : NULL);
	json_field_name(&o, "holder");
	if (v->holder_pid <= 0) {
		printf("null}");
		return;
	}
	printf("{");
	json_string_field(&h, "user", v->holder_user);
	json_long_field(&h, "pid", v->holder_pid);
	served_value(v->holder_text, "since", value, sizeof value);
	json_string_field(&h, "since", value);
	for (size_t i = 0; i < sizeof holder_keys / sizeof holder_keys[0]; i++) {
		served_value(v->holder_text, holder_keys[i], value, sizeof value);
		json_string_field(&h, holder_keys[i], value);
	}
	json_cert(&h, v->holder_text, now);
	printf("}}");
}

/* A tunnel that is not served: an unattended unit's, or one of the caller's own start. */
struct other {
	char name[SERVED_NAME_MAX + 64];
	const char *kind; /* "unit", "start" */
	long pid;
	char text[SERVED_FILE_MAX]; /* its status text: state=, tunnel_ip=, ... */
};

struct others {
	struct other v[MAX_TUNNELS];
	size_t n;
	const char *only; /* NAME, or NULL for all */
};

static void take_other(struct others *o, const char *name, const char *kind, long pid,
                       const char *text)
{
	struct other *t;

	if (o->n == MAX_TUNNELS || (o->only != NULL && strcmp(o->only, name) != 0))
		return;
	t = &o->v[o->n++];
	snprintf(t->name, sizeof t->name, "%s", name);
	t->kind = kind;
	t->pid = pid;
	snprintf(t->text, sizeof t->text, "%s", text);
}

static void take_unit(void *arg, const char *name)
{
	char path[SERVED_PATH_MAX + 300], text[SERVED_FILE_MAX], err[300];

	if (!served_name_ok(name))
		return;
	snprintf(path, sizeof path, "%s/%s/status", SERVED_UNITS, name);
	if (plat_read_file(path, text, sizeof text, err, sizeof err) < 0)
		snprintf(text, sizeof text, "state=STARTING\n");
	take_other(arg, name, "unit", 0, text);
}

static void take_run_dir(const char *dir, long pid, void *arg)
{
	char path[600], text[SERVED_FILE_MAX], name[SERVED_NAME_MAX + 64], err[300];

	snprintf(path, sizeof path, "%s/%s", dir, SERVED_RUN_FILE);
	if (plat_read_file(path, text, sizeof text, err, sizeof err) < 0 ||
	    !served_value(text, "name", name, sizeof name))
		return;
	take_other(arg, name, "start", pid, text);
}

/* "CONNECTED  unattended: ovpn-token@office, tunnel IP 10.8.0.6" */
static void print_other(const struct other *t, bool json, bool first, long long now)
{
	struct json_fields o = {.f = stdout, .sep = ", "};
	char state[32], ip[64], detail[300], line[700], shown[700];

	served_value(t->text, "state", state, sizeof state);
	served_value(t->text, "tunnel_ip", ip, sizeof ip);
	if (json) {
		printf("%s\n  {", first ? "" : ",");
		json_string_field(&o, "name", t->name);
		json_string_field(&o, "kind", t->kind);
		json_string_field(&o, "state", state);
		json_long_field(&o, "pid", t->pid);
		json_string_field(&o, "tunnel_ip", ip);
		json_cert(&o, t->text, now);
		printf("}");
		return;
	}
	if (strcmp(t->kind, "unit") == 0)
		snprintf(detail, sizeof detail, "unattended: ovpn-token@%s", t->name);
	else
		snprintf(detail, sizeof detail, "yours: ovpn-token start (pid %ld)", t->pid);
	snprintf(line, sizeof line, "%-16s %-11s %s%s%s", t->name, state[0] != '\0' ? state : "?",
	         detail, ip[0] != '\0' ? ", tunnel IP " : "", ip);
	sanitize_str(shown, sizeof shown, line);
	printf("%s\n", shown);
	print_cert_warning(t->text, now);
}

int cmd_status(const struct options *opts)
{
	static struct others others;
	struct names names = {.n = 0};
	struct served_view v;
	size_t shown = 0;
	bool found = false;
	char err[600];
	long long now = (long long)time(NULL);

	if (plat_served_check(err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (opts->target != NULL && !served_name_ok(opts->target)) {
		out_error("'%s' is not a tunnel's name (%s)", opts->target, served_name_rule());
		return EXIT_USAGE;
	}
	if (opts->target != NULL)
		take_name(&names, opts->target);
	else if (plat_list_dir(SERVED_BASE, take_name, &names, err, sizeof err) != 0)
		names.n = 0;
	qsort(names.v, names.n, sizeof names.v[0], by_name);
	others.n = 0;
	others.only = opts->target;
	plat_list_dir(SERVED_UNITS, take_unit, &others, err, sizeof err);
	plat_list_run_dirs(take_run_dir, &others);
	if (opts->json)
		printf("[");
	for (size_t i = 0; i < names.n; i++) {
		if (names.v[i] == NULL)
			continue;
		served_view_load(names.v[i], &v);
		found |= v.exists && v.serve_pid > 0;
		/* NAME asked for, not served, but another kind of tunnel: that one is shown. */
		if (!v.exists && (opts->target == NULL || others.n > 0))
			continue;
		if (opts->json)
			print_json(&v, shown == 0, now);
		else
			print_line(&v, now);
		shown++;
	}
	for (size_t i = 0; i < others.n; i++, shown++)
		print_other(&others.v[i], opts->json, shown == 0, now);
	found |= others.n > 0;
	if (opts->json)
		printf("%s]\n", shown > 0 ? "\n" : "");
	else if (shown == 0)
		printf("No tunnel here: none served (%s), no unattended ovpn-token@NAME, none started "
		       "by you.\n", SERVED_BASE);
	for (size_t i = 0; i < names.n; i++)
		free(names.v[i]);
	return opts->target != NULL && !found ? EXIT_NOT_SERVED : EXIT_OK;
}
