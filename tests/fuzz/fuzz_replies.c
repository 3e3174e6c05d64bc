/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: matching replies to commands.
 *
 * The input is a program: each step either pushes a command (a reply kind and a tag), or feeds a
 * management line (one of a table of real shapes, or raw bytes from the input) through the
 * parser and mgmt_reply_queue_match().  A plain array models the FIFO the queue must be; every step
 * checks the queue against it: what match() answers, which command it pops (kind and tag, in
 * order), that notifications never consume a command, that a full queue refuses a push and that
 * the count never leaves 0..MGMT_REPLY_QUEUE_MAX.  A hostile peer's stray SUCCESS/END/ERROR must
 * not pop a command whose reply has another form.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/event.h"
#include "mgmt/reply_queue.h"

#include "fuzz_common.h"

static const char *const canned[] = {
	"SUCCESS: hold release succeeded",
	"SUCCESS: 'Test Token token' password entered, but not yet verified",
	"ERROR: unknown command, enter 'help' for more options",
	"END",
	"OpenVPN Version: OpenVPN 2.6.14",
	"Management Version: 5",
	">PKCS11ID-COUNT:1",
	">PKCS11ID-COUNT:0",
	">PKCS11ID-ENTRY:'0', ID:'SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45', BLOB:'MIIB'",
	">PKCS11ID-ENTRY:'3'",
	">PKCS11ID-COUNT:x",
	">HOLD:Waiting for hold release:0",
	">PASSWORD:Need 'Test Token token' password",
	">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use",
	">STATE:1795412007,CONNECTED,SUCCESS,,127.0.0.1,11940,,",
	">LOG:1795412007,I,Initialization Sequence Completed",
	">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info",
	"ENTER PASSWORD:",
	">FATAL:Cannot load certificate",
	">WHATEVER:x",
	"",
	"SUCCESS:",
};
#define NCANNED (sizeof canned / sizeof canned[0])

struct model {
	struct pending_command items[MGMT_REPLY_QUEUE_MAX];
	unsigned count;
};

static void model_pop(struct model *m, const struct pending_command *done)
{
	CHECK(m->count > 0);
	CHECK(done->kind == m->items[0].kind && done->tag == m->items[0].tag);
	memmove(m->items, m->items + 1, (m->count - 1) * sizeof m->items[0]);
	m->count--;
}

/* What match() must answer, from the event alone and the oldest command. */
static enum reply_match expected(const struct model *m, const struct mgmt_event *ev)
{
	enum reply_kind head = m->count > 0 ? m->items[0].kind : REPLY_STATUS;

	switch (ev->type) {
	case MGMT_EV_PKCS11ID_COUNT:
		return m->count > 0 && head == REPLY_PKCS11ID_COUNT ? REPLY_DONE : REPLY_NOT_REPLY;
	case MGMT_EV_PKCS11ID_ENTRY:
		return m->count > 0 && head == REPLY_PKCS11ID_ENTRY ? REPLY_DONE : REPLY_NOT_REPLY;
	case MGMT_EV_ERROR:
		return m->count > 0 ? REPLY_DONE : REPLY_UNEXPECTED;
	case MGMT_EV_SUCCESS:
		return m->count > 0 && head == REPLY_STATUS ? REPLY_DONE : REPLY_UNEXPECTED;
	case MGMT_EV_END:
		return m->count > 0 && head == REPLY_MULTILINE ? REPLY_DONE : REPLY_UNEXPECTED;
	case MGMT_EV_TEXT:
		return m->count > 0 && head == REPLY_MULTILINE ? REPLY_PART : REPLY_UNEXPECTED;
	default:
		/* Notifications, prompts, malformed and unknown lines never touch the queue. */
		return REPLY_NOT_REPLY;
	}
}

static void feed(struct mgmt_reply_queue *q, struct model *m, const char *line, size_t n)
{
	char *buf = malloc(n + 1);
	struct mgmt_event ev;
	struct pending_command done = {REPLY_STATUS, -1};
	enum reply_match want, got;
	unsigned before = m->count;

	CHECK(buf != NULL);
	memcpy(buf, line, n);
	buf[n] = '\0';
	mgmt_parse_line(buf, &ev);
	want = expected(m, &ev);
	got = mgmt_reply_queue_match(q, &ev, &done);
	CHECK(got == want);
	if (got == REPLY_DONE)
		model_pop(m, &done);
	else
		CHECK(m->count == before);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgmt_reply_queue q;
	struct model m = {.count = 0};
	size_t i = 0;
	int tag = 0;

	mgmt_reply_queue_init(&q);
	while (i < size) {
		uint8_t op = data[i++];

		switch (op & 3) {
		case 0: { /* push */
			enum reply_kind kind = (enum reply_kind)((op >> 2) % 4);
			bool ok = mgmt_reply_queue_push(&q, kind, tag);

			CHECK(ok == (m.count < MGMT_REPLY_QUEUE_MAX));
			if (ok) {
				m.items[m.count].kind = kind;
				m.items[m.count].tag = tag;
				m.count++;
			}
			tag++;
			break;
		}
		case 1: { /* a real line */
			const char *l = canned[(op >> 2) % NCANNED];
			feed(&q, &m, l, strlen(l));
			break;
		}
		default: { /* raw bytes up to the next '\n' (NULs included: the parser sees less) */
			const uint8_t *nl = memchr(data + i, '\n', size - i);
			size_t n = nl != NULL ? (size_t)(nl - (data + i)) : size - i;

			feed(&q, &m, (const char *)data + i, n);
			i += n + (nl != NULL);
			break;
		}
		}
		CHECK(q.count == m.count);
		CHECK(q.count <= MGMT_REPLY_QUEUE_MAX && q.head < MGMT_REPLY_QUEUE_MAX);
		CHECK(mgmt_reply_queue_empty(&q) == (m.count == 0));
	}
	return 0;
}
