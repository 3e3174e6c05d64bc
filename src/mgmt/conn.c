/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "mgmt/conn.h"
#include "platform/platform.h"

int mgmt_conn_open(struct mgmt_conn *c, const struct mgmt_address *addr, char *err,
                   size_t errsz)
{
	mgmt_line_reader_init(&c->reader);
	mgmt_reply_queue_init(&c->replies);
	c->is_tcp = !addr->is_unix;
	c->sock = plat_connect(addr->is_unix ? NULL : addr->host, addr->is_unix ? addr->path : addr->port,
	                       err, errsz);
	return c->sock == NULL ? -1 : 0;
}

void mgmt_conn_close(struct mgmt_conn *c)
{
	plat_sock_close(c->sock);
	c->sock = NULL;
}

long mgmt_conn_fill(struct mgmt_conn *c, char *err, size_t errsz)
{
	size_t room;
	char *space = mgmt_line_reader_space(&c->reader, &room);
	long got;

	if (room == 0) {
		/*
		 * A full buffer holds an over-long line: reading is impossible, and claiming bytes
		 * would make a caller that waits for more (a token watch) spin on a readable socket.
		 */
		snprintf(err, errsz, "OpenVPN sent a line longer than %d bytes", MGMT_LINE_MAX);
		return -1;
	}
	got = plat_sock_read(c->sock, space, room, err, errsz);
	if (got > 0)
		mgmt_line_reader_commit(&c->reader, (size_t)got);
	return got;
}

enum mgmt_cmd_status mgmt_conn_send(struct mgmt_conn *c, enum reply_kind kind, int tag,
                                    const char *verb, const char *const *args)
{
	char line[MGMT_COMMAND_MAX + 1];
	size_t len;
	enum mgmt_cmd_status st = mgmt_command_build(line, sizeof line, &len, verb, args);

	if (st == MGMT_CMD_OK) {
		if (!mgmt_reply_queue_push(&c->replies, kind, tag, verb,
		                           args != NULL ? args[0] : NULL))
			st = MGMT_CMD_QUEUE_FULL;
		else if (plat_sock_write_all(c->sock, line, len) != 0)
			st = MGMT_CMD_WRITE_FAILED;
	}
	plat_wipe(line, sizeof line);
	return st;
}

int mgmt_conn_send_lines(struct mgmt_conn *c, const char *text, size_t len, bool reply_due,
                         int tag)
{
	char verb[16];

	if (len == 0 || text[len - 1] != '\n')
		return -1;
	/* The answer names the first line's command ("certificate", "pk-sig"). */
	snprintf(verb, sizeof verb, "%.*s", (int)strcspn(text, " \n"), text);
	if (reply_due && !mgmt_reply_queue_push(&c->replies, REPLY_STATUS, tag, verb, NULL))
		return -1;
	return plat_sock_write_all(c->sock, text, len) != 0 ? -1 : 0;
}

int mgmt_conn_send_password_line(struct mgmt_conn *c, const char *password, int tag)
{
	char line[MGMT_COMMAND_MAX + 1];
	size_t len = strlen(password);
	int rc = 0;

	if (strpbrk(password, "\r\n") != NULL || len + 2 > sizeof line)
		return -1;
	memcpy(line, password, len);
	line[len] = '\n';
	/* Nothing else can be outstanding before the password is accepted. */
	mgmt_reply_queue_init(&c->replies);
	if (!mgmt_reply_queue_push(&c->replies, REPLY_STATUS, tag, NULL, NULL) ||
	    plat_sock_write_all(c->sock, line, len + 1) != 0)
		rc = -1;
	plat_wipe(line, sizeof line);
	return rc;
}
