/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mgmt/line_reader.h"

#include <string.h>

/* OpenVPN sends its management password prompt without a line end and then waits for us. */
static const char prompt[] = "ENTER PASSWORD:";
#define PROMPT_LEN (sizeof prompt - 1)

void mgmt_line_reader_init(struct mgmt_line_reader *lr)
{
	lr->len = 0;
	lr->start = 0;
	lr->buf[0] = '\0';
}

char *mgmt_line_reader_space(struct mgmt_line_reader *lr, size_t *room)
{
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->len - lr->start);
		lr->len -= lr->start;
		lr->start = 0;
	}
	*room = MGMT_LINE_MAX - lr->len;
	return lr->buf + lr->len;
}

void mgmt_line_reader_commit(struct mgmt_line_reader *lr, size_t n)
{
	/* Never trust n beyond the room we handed out. */
	if (n > MGMT_LINE_MAX - lr->len)
		n = MGMT_LINE_MAX - lr->len;
	lr->len += n;
}

static enum mgmt_line_status take(struct mgmt_line_reader *lr, size_t end, size_t next,
                             char **line, size_t *len)
{
	lr->buf[end] = '\0';
	*line = lr->buf + lr->start;
	*len = end - lr->start;
	lr->start = next;
	return MGMT_LINE_OK;
}

enum mgmt_line_status mgmt_line_reader_next(struct mgmt_line_reader *lr, char **line, size_t *len)
{
	size_t avail = lr->len - lr->start;
	char *base = lr->buf + lr->start;
	char *nl = avail > 0 ? memchr(base, '\n', avail) : NULL;

	if (nl != NULL) {
		size_t end = (size_t)(nl - lr->buf);
		size_t next = end + 1;

		if (end > lr->start && lr->buf[end - 1] == '\r')
			end--;
		return take(lr, end, next, line, len);
	}
	if (avail == PROMPT_LEN && memcmp(base, prompt, PROMPT_LEN) == 0)
		return take(lr, lr->len, lr->len, line, len);
	/*
	 * A full buffer without a line end stays full (nothing is consumed), so the state is
	 * sticky: the caller must drop the connection.
	 */
	if (avail >= MGMT_LINE_MAX)
		return MGMT_LINE_TOO_LONG;
	return MGMT_LINE_NONE;
}
