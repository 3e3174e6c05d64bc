/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's bottom: sending, asking and ending (core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "session/core.h"
#include "ui/output.h"

int session_core_init(struct session_core *c, const struct session_settings *settings,
                      bool owns_openvpn)
{
	memset(c, 0, sizeof *c);
	c->settings = settings;
	c->owns_openvpn = owns_openvpn;
	/* An openvpn we attach to may have it on: said when its token has a PIN pad. */
	c->openvpn_uses_pinpads = true;
	return 0;
}

void session_core_free(struct session_core *c)
{
	free(c->config_id);
	c->config_id = NULL;
}

void session_core_new_run(struct session_core *c)
{
	c->end = (struct session_run_end){.result = EXIT_OK};
	session_drop_question(c);
	c->question = (struct session_question){.open = false};
	c->client_version_announced = false;
}

void session_drop_question(struct session_core *c)
{
	if (c->question.open && c->question.into != NULL)
		secret_clear(c->question.into);
	c->question.open = c->question.shown = false;
	c->question.into = NULL;
}

long long session_now(const struct session_core *c)
{
	return c->world->clock->now_ms(c->world->clock->ctx);
}

long long session_wall_time(const struct session_core *c)
{
	return c->world->clock->wall_s(c->world->clock->ctx);
}

/* ---- the connection ---- */

bool session_over_tcp(const struct session_core *c)
{
	const struct io_connection *io = c->world->connection;

	return io->is_tcp(io->ctx);
}

static bool sent(struct session_core *c, enum mgmt_cmd_status st, const char *verb)
{
	switch (st) {
	case MGMT_CMD_OK:
		return true;
	case MGMT_CMD_WRITE_FAILED:
		out_error("cannot write to the management interface");
		session_end_lost(c, EXIT_MGMT_FAILED);
		return false;
	default:
		out_error("cannot send '%s': %s", verb, mgmt_command_status_text(st));
		session_end_error(c, EXIT_MGMT_FAILED);
		return false;
	}
}

bool session_send(struct session_core *c, enum reply_kind kind, enum reply_tag tag,
                  const char *verb, const char *const *args)
{
	const struct io_connection *io = c->world->connection;

	return sent(c, io->send(io->ctx, kind, (int)tag, verb, args), verb);
}

bool session_send_lines(struct session_core *c, const char *text, size_t len, bool reply_due,
                        enum reply_tag tag)
{
	const struct io_connection *io = c->world->connection;

	return sent(c,
	            io->send_lines(io->ctx, text, len, reply_due, (int)tag) == IO_SENT
	                ? MGMT_CMD_OK
	                : MGMT_CMD_WRITE_FAILED,
	            "lines");
}

bool session_send_secret(struct session_core *c, enum reply_tag tag, const char *verb,
                         const char *type, struct secret *answer)
{
	const struct io_connection *io = c->world->connection;
	const char *args[] = {type != NULL ? type : answer->data, answer->data, NULL};
	bool ok;

	if (verb == NULL)
		ok = io->send_password_line(io->ctx, answer->data, (int)tag) == IO_SENT;
	else
		ok = session_send(c, REPLY_STATUS, tag, verb, type != NULL ? args : args + 1);
	secret_clear(answer);
	return ok;
}

bool session_can_answer_type(struct session_core *c, const char *type)
{
	char probe[MGMT_COMMAND_MAX + 1];
	const char *args[] = {type, "x", NULL};
	size_t n;
	enum mgmt_cmd_status st = mgmt_command_build(probe, sizeof probe, &n, "password", args);

	if (st == MGMT_CMD_OK)
		return true;
	out_error("OpenVPN asks for a password of a type that cannot be answered (%s)",
	          mgmt_command_status_text(st));
	session_end_error(c, EXIT_MGMT_FAILED);
	return false;
}

/* ---- asking ---- */

static void open_question(struct session_core *c, enum ask_kind kind,
                          const struct session_watch *watch, int max, session_answer_fn *then,
                          void *arg)
{
	struct session_question *q = &c->question;

	q->open = true;
	q->shown = false;
	q->kind = kind;
	q->max = max;
	q->watch = watch != NULL ? *watch : (struct session_watch){0, NULL, NULL};
	q->next_check = session_now(c);
	q->then = then;
	q->arg = arg;
	q->into = NULL;
	q->typed[0] = '\0';
}

static void set_prompt(struct session_core *c, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
static void set_prompt(struct session_core *c, const char *fmt, va_list ap)
{
	if (vsnprintf(c->question.prompt, sizeof c->question.prompt, fmt, ap) < 0)
		c->question.prompt[0] = '\0';
}

void session_ask(struct session_core *c, enum ask_kind kind, const struct session_watch *watch,
                 int max, session_answer_fn *then, void *arg, const char *fmt, ...)
{
	va_list ap;

	open_question(c, kind, watch, max, then, arg);
	va_start(ap, fmt);
	set_prompt(c, fmt, ap);
	va_end(ap);
}

void session_ask_secret(struct session_core *c, struct secret *into, session_answer_fn *then,
                        void *arg, const char *fmt, ...)
{
	va_list ap;

	open_question(c, ASK_SECRET, NULL, 0, then, arg);
	secret_clear(into);
	c->question.into = into;
	va_start(ap, fmt);
	set_prompt(c, fmt, ap);
	va_end(ap);
}

void session_wait_for(struct session_core *c, const struct session_watch *watch,
                      session_answer_fn *then, void *arg)
{
	open_question(c, ASK_NOTHING, watch, 0, then, arg);
	c->question.prompt[0] = '\0';
}

bool session_asking(const struct session_core *c)
{
	return c->question.open;
}

bool session_interactive(const struct session_core *c)
{
	const struct io_person *p = c->world->person;

	return p->interactive(p->ctx);
}

bool session_may_ask(struct session_core *c, const char *what)
{
	if (!c->settings->batch)
		return true;
	out_error("OpenVPN asks for %s, and --batch forbids asking", what);
	session_end_error(c, EXIT_NEEDS_INPUT);
	return false;
}

void session_answer_failed(struct session_core *c, enum plat_read_result r, const char *what)
{
	switch (r) {
	case PLAT_READ_PEER_GONE:
		/* The loop sees the closed connection next and tells why. */
		return;
	case PLAT_READ_TOO_LONG:
		out_error("%s is too long", what);
		break;
	case PLAT_READ_ERROR:
		out_error("cannot read %s from the terminal", what);
		break;
	default:
		out_status("Cancelled.");
		break;
	}
	session_end_error(c, EXIT_CANCELLED);
}

/* ---- ending ---- */

static void request_stop(struct session_core *c)
{
	const char *args[] = {"SIGTERM", NULL};
	const struct io_connection *io = c->world->connection;

	if (c->end.stop_requested)
		return;
	c->end.stop_requested = true;
	out_status("Stopping OpenVPN...");
	if (io->send(io->ctx, REPLY_STATUS, TAG_SIGNAL, "signal", args) != MGMT_CMD_OK)
		c->end.finished = true;
}

void session_end_error(struct session_core *c, int code)
{
	c->end.result = code;
	if (c->owns_openvpn && !c->end.finished)
		request_stop(c);
	else
		c->end.finished = true;
}

void session_end_lost(struct session_core *c, int code)
{
	c->end.result = code;
	c->end.finished = true;
}

void session_end_detach(struct session_core *c)
{
	out_status("Detached; OpenVPN keeps running.");
	c->end.finished = true;
}

bool session_stop_if_nobody_asked(struct session_core *c)
{
	if (!c->settings->batch && session_interactive(c))
		return false;
	session_end_stop(c);
	return true;
}

void session_end_stop(struct session_core *c)
{
	c->end.user_stop = true;
	if (!c->owns_openvpn)
		session_end_detach(c);
	else if (c->end.stop_requested)
		/* A second Ctrl-C: openvpn does not get any longer; the loop ends it now. */
		c->end.kill_now = c->end.finished = true;
	else
		request_stop(c);
}

bool session_ending(const struct session_core *c)
{
	return c->end.finished || c->end.stop_requested;
}
