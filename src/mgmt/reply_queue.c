/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mgmt/reply_queue.h"

#include <stddef.h>

void mgmt_reply_queue_init(struct mgmt_reply_queue *q)
{
	q->head = 0;
	q->count = 0;
}

bool mgmt_reply_queue_push(struct mgmt_reply_queue *q, enum reply_kind kind, int tag)
{
	unsigned slot;

	if (q->count >= MGMT_REPLY_QUEUE_MAX)
		return false;
	slot = (q->head + q->count) % MGMT_REPLY_QUEUE_MAX;
	q->items[slot].kind = kind;
	q->items[slot].tag = tag;
	q->count++;
	return true;
}

bool mgmt_reply_queue_empty(const struct mgmt_reply_queue *q)
{
	return q->count == 0;
}

static enum reply_match pop(struct mgmt_reply_queue *q, struct pending_command *done)
{
	if (done != NULL)
		*done = q->items[q->head];
	q->head = (q->head + 1) % MGMT_REPLY_QUEUE_MAX;
	q->count--;
	return REPLY_DONE;
}

/* PKCS11ID answers look like notifications: they are replies only when asked for. */
static enum reply_match match_pkcs11(struct mgmt_reply_queue *q, enum reply_kind want,
                                     struct pending_command *done)
{
	if (q->count == 0 || q->items[q->head].kind != want)
		return REPLY_NOT_REPLY;
	return pop(q, done);
}

enum reply_match mgmt_reply_queue_match(struct mgmt_reply_queue *q, const struct mgmt_event *ev,
                                   struct pending_command *done)
{
	enum reply_kind head;

	switch (ev->type) {
	case MGMT_EV_PKCS11ID_COUNT:
		return match_pkcs11(q, REPLY_PKCS11ID_COUNT, done);
	case MGMT_EV_PKCS11ID_ENTRY:
		return match_pkcs11(q, REPLY_PKCS11ID_ENTRY, done);
	case MGMT_EV_SUCCESS:
	case MGMT_EV_ERROR:
	case MGMT_EV_END:
	case MGMT_EV_TEXT:
		break;
	default:
		return REPLY_NOT_REPLY;
	}
	if (q->count == 0)
		return REPLY_UNEXPECTED;
	head = q->items[q->head].kind;
	if (ev->type == MGMT_EV_ERROR)
		return pop(q, done);
	if (ev->type == MGMT_EV_SUCCESS && head == REPLY_STATUS)
		return pop(q, done);
	if (ev->type == MGMT_EV_END && head == REPLY_MULTILINE)
		return pop(q, done);
	if (ev->type == MGMT_EV_TEXT && head == REPLY_MULTILINE)
		return REPLY_PART;
	return REPLY_UNEXPECTED;
}
