/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Matching replies to commands in FIFO order while notifications arrive in between. */
#ifndef OVPN_TOKEN_REPLY_QUEUE_H
#define OVPN_TOKEN_REPLY_QUEUE_H

#include <stdbool.h>
#include "mgmt/event.h"

#define MGMT_REPLY_QUEUE_MAX 32

enum reply_kind {
	REPLY_STATUS,          /* one SUCCESS: or ERROR: line */
	REPLY_MULTILINE,       /* TEXT lines then END, or one ERROR: line */
	REPLY_PKCS11ID_COUNT,  /* one >PKCS11ID-COUNT: line, or ERROR: */
	REPLY_PKCS11ID_ENTRY,  /* one >PKCS11ID-ENTRY: line, or ERROR: */
};

struct pending_command {
	enum reply_kind kind;
	int tag; /* the caller's own meaning */
};

struct mgmt_reply_queue {
	struct pending_command items[MGMT_REPLY_QUEUE_MAX];
	unsigned head, count;
};

enum reply_match {
	REPLY_NOT_REPLY, /* a notification (or nothing we wait for): handle it as such */
	REPLY_PART,      /* a body line of the head command's multi-line reply */
	REPLY_DONE,      /* completes the head command, which is now popped into *done */
	REPLY_UNEXPECTED,/* looks like a reply but no command waits for it (or the wrong form) */
};

void mgmt_reply_queue_init(struct mgmt_reply_queue *q);
/* Returns false when full. */
bool mgmt_reply_queue_push(struct mgmt_reply_queue *q, enum reply_kind kind, int tag);
bool mgmt_reply_queue_empty(const struct mgmt_reply_queue *q);
/* Classifies ev against the oldest outstanding command. */
enum reply_match mgmt_reply_queue_match(struct mgmt_reply_queue *q, const struct mgmt_event *ev,
                                   struct pending_command *done);

#endif
