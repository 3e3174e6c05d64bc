/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Matching replies to the commands they answer while notifications arrive in between.
 *
 * OpenVPN answers commands in the order it reads them, and most answers name their command:
 * "SUCCESS: hold release succeeded", "SUCCESS: 'Auth' password entered, ...",
 * ">PKCS11ID-ENTRY:'3', ...".  A command can still go unanswered (OpenVPN for Windows may
 * read one and never run it: session.c, HOLD_NUDGE_MS), so an answer is given to the oldest
 * waiting command it names, and every command older than that can no longer be answered:
 * it is dropped.  Counting replies instead would take each later answer for the one before,
 * and wait for ever for what never comes.
 */
#ifndef OVPN_TOKEN_REPLY_QUEUE_H
#define OVPN_TOKEN_REPLY_QUEUE_H

#include <stdbool.h>
#include "mgmt/event.h"

/*
 * Commands awaiting an answer at most.  Far above what a session has outstanding: a full
 * certificate listing (SESSION_MAX_CERTS pkcs11-id-get, should they go at once) and the few
 * commands around it.
 */
#define MGMT_REPLY_QUEUE_MAX 64

enum reply_kind {
	REPLY_STATUS,          /* one SUCCESS: or ERROR: line */
	REPLY_MULTILINE,       /* TEXT lines then END, or one ERROR: line */
	REPLY_PKCS11ID_COUNT,  /* one >PKCS11ID-COUNT: line, or ERROR: */
	REPLY_PKCS11ID_ENTRY,  /* one >PKCS11ID-ENTRY: line, or ERROR: */
};

/* A command's first argument, as far as answers are matched by it. */
#define MGMT_REPLY_SUBJECT_MAX 64

struct pending_command {
	enum reply_kind kind;
	int tag; /* the caller's own meaning */
	/* The command's first word ("hold", "needstr", "pk-sig"); "" for the management password. */
	char verb[16];
	/*
	 * Its first argument, which some answers repeat (a password's type, a needstr's name,
	 * pkcs11-id-get's index); cut to fit (subject_cut), "" when none.  Never a secret: only
	 * the first argument is kept, and none of cr-response (its argument is the response).
	 */
	char subject[MGMT_REPLY_SUBJECT_MAX];
	bool subject_cut;
};

struct mgmt_reply_queue {
	struct pending_command items[MGMT_REPLY_QUEUE_MAX];
	unsigned head, count;
	unsigned dropped; /* commands given up as unanswered since init, for diagnostics */
};

enum reply_match {
	REPLY_NOT_REPLY, /* a notification (or nothing we wait for): handle it as such */
	REPLY_PART,      /* a body line of a waiting command's multi-line reply */
	REPLY_DONE,      /* completes a command, which is now popped into *done */
	REPLY_UNEXPECTED,/* looks like a reply but no command waits for it (or the wrong form) */
};

void mgmt_reply_queue_init(struct mgmt_reply_queue *q);
/*
 * Records that a command awaits an answer of kind: verb is its first word (NULL or "" for the
 * management password; of "hold release" the second word counts as the first argument),
 * first_arg its first argument (NULL when none).  False when full.
 */
bool mgmt_reply_queue_push(struct mgmt_reply_queue *q, enum reply_kind kind, int tag,
                           const char *verb, const char *first_arg);
/*
 * Classifies ev.  An answer goes to the oldest waiting command it can answer, and the
 * commands older than that one are dropped (counted in q->dropped):
 *   - SUCCESS naming its command (OpenVPN's own texts, for every command we send): the oldest
 *     REPLY_STATUS command with that verb (and that first argument, when the text names it);
 *     none: REPLY_UNEXPECTED.  A SUCCESS text we do not know goes to the oldest command when
 *     that is a REPLY_STATUS one, else it is REPLY_UNEXPECTED;
 *   - ERROR (its text seldom names the command): the oldest command, whatever its kind;
 *   - >PKCS11ID-COUNT: the oldest REPLY_PKCS11ID_COUNT; >PKCS11ID-ENTRY:'I': the oldest
 *     REPLY_PKCS11ID_ENTRY for index I; none: REPLY_NOT_REPLY (they look like notifications);
 *   - END: the oldest REPLY_MULTILINE; TEXT: REPLY_PART while one waits.
 */
enum reply_match mgmt_reply_queue_match(struct mgmt_reply_queue *q, const struct mgmt_event *ev,
                                        struct pending_command *done);

#endif
