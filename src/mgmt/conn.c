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
	c->received = 0;
	c->echoes = false;
	c->split_replies = plat_openvpn_rereads_mid_command();
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

/* How openvpn echoes a command line into its real-time log (a ">LOG:" line). */
#define ECHO "MANAGEMENT: CMD '"

/* Whether the bytes not yet taken as lines hold needle at or after byte number from. */
static bool held_has(const struct mgmt_conn *c, unsigned long long from, const char *needle)
{
	const struct mgmt_line_reader *lr = &c->reader;
	size_t n = strlen(needle), i = lr->start;
	unsigned long long at_start = c->received - (lr->len - lr->start);

	if (from > at_start)
		i += (size_t)(from - at_start);
	for (; i + n <= lr->len; i++)
		if (memcmp(lr->buf + i, needle, n) == 0)
			return true;
	return false;
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
	if (got > 0) {
		mgmt_line_reader_commit(&c->reader, (size_t)got);
		c->received += (unsigned long long)got;
		if (!c->echoes && held_has(c, 0, ECHO))
			c->echoes = true;
	}
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

/*
 * openvpn on Windows (2.6.14, 2.7.6) reads its management socket again whenever it writes to it
 * in the middle of a query (NEED-CERTIFICATE, PK_SIGN, a hold), and what it reads then goes in
 * behind the command line it is still taking: that command runs once more for each such read
 * and the lines in between are lost ("The certificate command is not currently available" four
 * times, then a broken PEM).  The one thing it writes while it takes the first line of a
 * multi-line reply is the echo of that line into its real-time log.  So when it echoes, the
 * rest goes once the echo came: nothing more is waiting to be read while it writes.  (openvpn
 * on POSIX never reads while it writes: there the reply goes whole, as
 * plat_openvpn_rereads_mid_command says.)
 */
#define ECHO_WAIT_MS 2000

static void await_echo(struct mgmt_conn *c, unsigned long long from, const char *needle)
{
	const struct plat_wait_set set = {.peer = c->sock, .deadline_ms = plat_now_ms() + ECHO_WAIT_MS};
	char err[200];
	unsigned ready;

	while (!held_has(c, from, needle))
		if (plat_wait(&set, &ready) != PLAT_WAIT_READY || mgmt_conn_fill(c, err, sizeof err) <= 0)
			return;
}

int mgmt_conn_send_lines(struct mgmt_conn *c, const char *text, size_t len, bool reply_due,
                         int tag)
{
	char verb[16], echo[sizeof ECHO + sizeof verb + 1];
	size_t first = strcspn(text, "\n") + 1;

	if (len == 0 || text[len - 1] != '\n')
		return -1;
	/* The answer names the first line's command ("certificate", "pk-sig"). */
	snprintf(verb, sizeof verb, "%.*s", (int)strcspn(text, " \n"), text);
	if (reply_due && !mgmt_reply_queue_push(&c->replies, REPLY_STATUS, tag, verb, NULL))
		return -1;
	if (c->split_replies && c->echoes && first < len && first - 1 < sizeof verb &&
	    snprintf(echo, sizeof echo, ECHO "%.*s'", (int)(first - 1), text) < (int)sizeof echo) {
		unsigned long long sent_at = c->received;

		if (plat_sock_write_all(c->sock, text, first) != 0)
			return -1;
		await_echo(c, sent_at, echo);
		text += first;
		len -= first;
	}
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
