/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the unit tests, the fuzzers and the scripted world (session_io_script.h) ask of src/mgmt/
 * that the program never does: feeding bytes without a socket, a whole line to the signing
 * parser, an event type's name, whether the reply queue is empty, reading a quoted parameter
 * back.  Built on the public API only.
 */
#ifndef OVPN_TOKEN_TESTS_MGMT_PROBE_H
#define OVPN_TOKEN_TESTS_MGMT_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "mgmt/command.h"
#include "mgmt/event.h"
#include "mgmt/line_reader.h"
#include "mgmt/pk_sign.h"
#include "mgmt/reply_queue.h"

/* Copies bytes in; returns how many were taken (less than n when full). */
static inline size_t mgmt_line_reader_feed(struct mgmt_line_reader *lr, const char *data,
                                           size_t n)
{
	size_t room;
	char *dst = mgmt_line_reader_space(lr, &room);

	if (n > room)
		n = room;
	if (n > 0)
		memcpy(dst, data, n);
	mgmt_line_reader_commit(lr, n);
	return n;
}

/* Short fixed name of a type ("PASSWORD_NEED"); "?" for none of them. */
static inline const char *mgmt_event_type_name(enum mgmt_event_type type)
{
	switch (type) {
	case MGMT_EV_MALFORMED: return "MALFORMED";
	case MGMT_EV_UNKNOWN: return "UNKNOWN";
	case MGMT_EV_TEXT: return "TEXT";
	case MGMT_EV_ENTER_PASSWORD: return "ENTER_PASSWORD";
	case MGMT_EV_INFO: return "INFO";
	case MGMT_EV_HOLD: return "HOLD";
	case MGMT_EV_PASSWORD_NEED: return "PASSWORD_NEED";
	case MGMT_EV_PASSWORD_FAILED: return "PASSWORD_FAILED";
	case MGMT_EV_NEED_OK: return "NEED_OK";
	case MGMT_EV_NEED_STR: return "NEED_STR";
	case MGMT_EV_PKCS11ID_COUNT: return "PKCS11ID_COUNT";
	case MGMT_EV_PKCS11ID_ENTRY: return "PKCS11ID_ENTRY";
	case MGMT_EV_STATE: return "STATE";
	case MGMT_EV_LOG: return "LOG";
	case MGMT_EV_FATAL: return "FATAL";
	case MGMT_EV_INFOMSG: return "INFOMSG";
	case MGMT_EV_BYTECOUNT: return "BYTECOUNT";
	case MGMT_EV_SUCCESS: return "SUCCESS";
	case MGMT_EV_ERROR: return "ERROR";
	case MGMT_EV_END: return "END";
	}
	return "?";
}

/*
 * pk_request_parse_notification() for a whole management line (without its line end; it is not
 * modified): one that does not start with ">NEED-CERTIFICATE:", ">PK_SIGN:" or ">RSA_SIGN:"
 * gives PK_REQ_NONE.
 */
static inline void pk_request_parse(const char *line, struct pk_request *req)
{
	static const char *const names[] = { "NEED-CERTIFICATE", "PK_SIGN", "RSA_SIGN" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);

		if (line[0] == '>' && strncmp(line + 1, names[i], n) == 0 && line[n + 1] == ':') {
			pk_request_parse_notification(names[i], line + n + 2, req);
			return;
		}
	}
	pk_request_parse_notification("", "", req);
}

static inline bool mgmt_reply_queue_empty(const struct mgmt_reply_queue *q)
{
	return q->count == 0;
}

#endif
