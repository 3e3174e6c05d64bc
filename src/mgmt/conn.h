/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A management connection: socket, line framing and the queue of commands awaiting replies. */
#ifndef OVPN_TOKEN_CONN_H
#define OVPN_TOKEN_CONN_H

#include <stdbool.h>

#include "mgmt/address.h"
#include "mgmt/command.h"
#include "mgmt/line_reader.h"
#include "mgmt/reply_queue.h"

struct plat_sock;

struct mgmt_conn {
	struct plat_sock *sock;
	bool is_tcp;
	struct mgmt_line_reader reader;
	struct mgmt_reply_queue replies;
	unsigned long long received; /* bytes read so far */
	/* openvpn echoes each command into its real-time log ("log on", verb 3 and up): seen. */
	bool echoes;
	/* a multi-line reply goes in two parts once it echoes (openvpn.exe only: see conn.c) */
	bool split_replies;
};

int mgmt_conn_open(struct mgmt_conn *c, const struct mgmt_address *addr, char *err,
                   size_t errsz);
void mgmt_conn_close(struct mgmt_conn *c);
/*
 * One read into the line buffer: >0 bytes, 0 when the peer closed, -1 on error, and -1 when
 * the buffer is full (an over-long line: nothing can be read).
 */
long mgmt_conn_fill(struct mgmt_conn *c, char *err, size_t errsz);
/*
 * Sends "verb args..." quoted and records that a reply of this kind is due.  The line buffer
 * is wiped afterwards because args may hold a PIN.  Returns MGMT_CMD_OK; a refusal of the
 * command (MGMT_CMD_NEWLINE, _TOO_LONG, _BAD_BYTE), nothing sent; MGMT_CMD_QUEUE_FULL, nothing
 * sent; or MGMT_CMD_WRITE_FAILED, the connection is no good any more.
 */
enum mgmt_cmd_status mgmt_conn_send(struct mgmt_conn *c, enum reply_kind kind, int tag,
                                    const char *verb, const char *const *args);
/*
 * Sends text as it is: one or more lines, each ending in "\n" (the multi-line replies of the
 * external key, "version 3").  Nothing is quoted: the caller checked the lines.  reply_due:
 * a SUCCESS:/ERROR: line is expected for it (tag), else nothing is awaited.  -1 on a write
 * error or a full queue.  The caller wipes text if it matters.  When openvpn echoes commands,
 * the lines after the first go once the first one's echo came (up to 2 s): the lines read
 * meanwhile stay in the line buffer for the caller.
 */
int mgmt_conn_send_lines(struct mgmt_conn *c, const char *text, size_t len, bool reply_due,
                         int tag);
/* The management password goes as a bare line, not as a command.  -1 on CR/LF or write error. */
int mgmt_conn_send_password_line(struct mgmt_conn *c, const char *password, int tag);

#endif
