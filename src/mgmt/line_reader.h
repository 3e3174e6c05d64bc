/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Line framing for the OpenVPN management stream. */
#ifndef OVPN_TOKEN_LINE_READER_H
#define OVPN_TOKEN_LINE_READER_H

#include <stddef.h>

/* A certificate BLOB line is a few KB; anything past this is a broken or hostile peer. */
#define MGMT_LINE_MAX 16384

enum mgmt_line_status {
	MGMT_LINE_NONE,      /* no complete line buffered yet */
	MGMT_LINE_OK,        /* *line holds one NUL-terminated line, without its "\r\n" */
	MGMT_LINE_TOO_LONG,  /* MGMT_LINE_MAX bytes without a line end: the stream is unusable */
};

struct mgmt_line_reader {
	char buf[MGMT_LINE_MAX + 1];
	size_t len;   /* bytes held */
	size_t start; /* first byte not yet returned as a line */
};

void mgmt_line_reader_init(struct mgmt_line_reader *lr);

/* Where the caller may read() new bytes into, and how many fit.  Compacts the buffer first. */
char *mgmt_line_reader_space(struct mgmt_line_reader *lr, size_t *room);
/* The caller put n bytes at mgmt_line_reader_space(). */
void mgmt_line_reader_commit(struct mgmt_line_reader *lr, size_t n);

/*
 * Takes the next line.  A line ends at "\n"; a "\r" before it is dropped, NUL bytes inside a
 * line are kept as they are (the parser sees a shorter string).  OpenVPN's management password
 * prompt "ENTER PASSWORD:" comes without a line end: it is returned as a line of its own once
 * those 15 bytes are all that is buffered.  The returned pointer is valid until the next call.
 */
enum mgmt_line_status mgmt_line_reader_next(struct mgmt_line_reader *lr, char **line, size_t *len);

#endif
