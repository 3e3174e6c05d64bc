/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: matching replies to commands.
 *
 * The input is a program: each step either pushes a command (a reply kind, a verb and a first
 * argument from a table, a fresh tag), or feeds a management line (one of a table of real
 * shapes, or raw bytes from the input) through the parser and mgmt_reply_queue_match().  A
 * plain array models the waiting commands; every step checks the queue against it:
 *   - notifications, prompts, malformed and unknown lines never touch a command;
 *   - an answer takes one waiting command, and exactly the commands older than it go with it
 *     (counted in q.dropped); what does not answer leaves every command in place;
 *   - the command taken is the oldest that can take it: ERROR the oldest of all, COUNT the
 *     oldest count, ENTRY the oldest get of its index, END the oldest multi-line command, a
 *     SUCCESS a STATUS command with no older STATUS command of the same verb and argument
 *     before it, unless it is the oldest of all (the fallback for texts we do not know);
 *   - a real answer of the table goes to exactly the command it names;
 *   - a full queue refuses a push and the count never leaves 0..MGMT_REPLY_QUEUE_MAX.
 * A hostile peer's stray SUCCESS/END/ERROR must not take a command whose reply has another
 * form.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/event.h"
#include "mgmt/reply_queue.h"

#include "fuzz_common.h"
#include "../lib/mgmt_probe.h"

/* Real lines; those that answer a command name what they answer (verb, argument or NULL). */
static const struct {
	const char *line;
	const char *verb; /* NULL: not a SUCCESS naming a command */
	const char *arg;
} canned[] = {
	{"SUCCESS: hold release succeeded", "hold", NULL},
	{"SUCCESS: 'Test Token token' password entered, but not yet verified", "password",
	 "Test Token token"},
	{"SUCCESS: 'pkcs11-id-request' needstr-string entered, but not yet verified", "needstr",
	 "pkcs11-id-request"},
	{"SUCCESS: real-time state notification set to ON", "state", NULL},
	{"SUCCESS: pk-sign command succeeded", "pk-sig", NULL},
	{"SUCCESS: password is correct", "", NULL},
	{"ERROR: unknown command, enter 'help' for more options", NULL, NULL},
	{"END", NULL, NULL},
	{"OpenVPN Version: OpenVPN 2.6.14", NULL, NULL},
	{"Management Version: 5", NULL, NULL},
	{">PKCS11ID-COUNT:1", NULL, NULL},
	{">PKCS11ID-COUNT:0", NULL, NULL},
	{">PKCS11ID-ENTRY:'0', ID:'SoftHSM\\x20project/SoftHSM\\x20v2/4c910ae4992abbe9/Test\\x20Token/45', BLOB:'MIIB'",
	 NULL, NULL},
	{">PKCS11ID-ENTRY:'3'", NULL, NULL},
	{">PKCS11ID-COUNT:x", NULL, NULL},
	{">HOLD:Waiting for hold release:0", NULL, NULL},
	{">PASSWORD:Need 'Test Token token' password", NULL, NULL},
	{">NEED-STR:Need 'pkcs11-id-request' string MSG:Please specify PKCS#11 id to use", NULL, NULL},
	{">STATE:1795412007,CONNECTED,SUCCESS,,127.0.0.1,11940,,", NULL, NULL},
	{">LOG:1795412007,I,Initialization Sequence Completed", NULL, NULL},
	{">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info", NULL, NULL},
	{"ENTER PASSWORD:", NULL, NULL},
	{">FATAL:Cannot load certificate", NULL, NULL},
	{">WHATEVER:x", NULL, NULL},
	{"", NULL, NULL},
	{"SUCCESS:", NULL, NULL},
	{"SUCCESS: ok", NULL, NULL},
};
#define NCANNED (sizeof canned / sizeof canned[0])

/* What a pushed command is: its verb and first argument. */
static const struct {
	const char *verb, *arg;
} commands[] = {
	{"hold release", NULL}, {"password", "Test Token token"}, {"needstr", "pkcs11-id-request"},
	{"state", "on"},        {"pk-sig", NULL},                 {NULL, NULL},
	{"pkcs11-id-get", "0"}, {"pkcs11-id-get", "3"},           {"pkcs11-id-count", NULL},
	{"password", "Auth"},   {"needok", "token-insertion-request"}, {"version", "3"},
	{"signal", "SIGTERM"},  {"log", "on"},                    {"x", "0"},
	{"certificate", NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

struct model {
	struct pending_command items[MGMT_REPLY_QUEUE_MAX];
	unsigned count, dropped;
};

static bool same_target(const struct pending_command *a, const struct pending_command *b)
{
	return strcmp(a->verb, b->verb) == 0 &&
	       (a->subject[0] == '\0' || b->subject[0] == '\0' || strcmp(a->subject, b->subject) == 0);
}

/* done took the model's i-th command: it and every older one go. */
static void model_take(struct model *m, unsigned i)
{
	memmove(m->items, m->items + i + 1, (m->count - i - 1) * sizeof m->items[0]);
	m->count -= i + 1;
	m->dropped += i;
}

static long find_tag(const struct model *m, int tag)
{
	for (unsigned i = 0; i < m->count; i++)
		if (m->items[i].tag == tag)
			return (long)i;
	return -1;
}

static long oldest_of(const struct model *m, enum reply_kind kind)
{
	for (unsigned i = 0; i < m->count; i++)
		if (m->items[i].kind == kind)
			return (long)i;
	return -1;
}

/* The command a DONE took is one it may take (see the top of the file). */
static void check_taken(const struct model *m, const struct mgmt_event *ev, long i,
                        const char *verb, const char *arg)
{
	const struct pending_command *c = &m->items[i];
	char index[24];

	switch (ev->type) {
	case MGMT_EV_ERROR:
		CHECK(i == 0);
		break;
	case MGMT_EV_PKCS11ID_COUNT:
		CHECK(i == oldest_of(m, REPLY_PKCS11ID_COUNT));
		break;
	case MGMT_EV_END:
		CHECK(i == oldest_of(m, REPLY_MULTILINE));
		break;
	case MGMT_EV_PKCS11ID_ENTRY:
		snprintf(index, sizeof index, "%ld", ev->u.pkcs11id_entry.index);
		CHECK(c->kind == REPLY_PKCS11ID_ENTRY);
		CHECK(c->subject[0] == '\0' || strcmp(c->subject, index) == 0);
		for (long j = 0; j < i; j++)
			CHECK(m->items[j].kind != REPLY_PKCS11ID_ENTRY ||
			      (m->items[j].subject[0] != '\0' && strcmp(m->items[j].subject, index) != 0));
		break;
	case MGMT_EV_SUCCESS:
		CHECK(c->kind == REPLY_STATUS);
		if (verb != NULL) {
			/* A real answer: the oldest command it names. */
			CHECK(strcmp(c->verb, verb) == 0);
			CHECK(arg == NULL || c->subject[0] == '\0' || strcmp(c->subject, arg) == 0);
		}
		for (long j = 0; i > 0 && j < i; j++)
			CHECK(m->items[j].kind != REPLY_STATUS || !same_target(&m->items[j], c));
		break;
	default:
		CHECK(!"a notification took a command");
	}
}

static void feed(struct mgmt_reply_queue *q, struct model *m, const char *line, size_t n,
                 const char *verb, const char *arg)
{
	char *buf = malloc(n + 1);
	struct mgmt_event ev;
	struct pending_command done = {.kind = REPLY_STATUS, .tag = -1};
	enum reply_match got;
	unsigned before = m->count;
	long i;

	CHECK(buf != NULL);
	memcpy(buf, line, n);
	buf[n] = '\0';
	mgmt_parse_line(buf, &ev);
	got = mgmt_reply_queue_match(q, &ev, &done);
	switch (ev.type) {
	case MGMT_EV_PKCS11ID_COUNT:
	case MGMT_EV_PKCS11ID_ENTRY:
		CHECK(got == REPLY_DONE || got == REPLY_NOT_REPLY);
		break;
	case MGMT_EV_SUCCESS:
	case MGMT_EV_ERROR:
	case MGMT_EV_END:
		CHECK(got == REPLY_DONE || got == REPLY_UNEXPECTED);
		/* Something waits that these must go to. */
		if (ev.type == MGMT_EV_ERROR)
			CHECK((got == REPLY_DONE) == (m->count > 0));
		if (ev.type == MGMT_EV_END)
			CHECK((got == REPLY_DONE) == (oldest_of(m, REPLY_MULTILINE) >= 0));
		break;
	case MGMT_EV_TEXT:
		CHECK(got == (oldest_of(m, REPLY_MULTILINE) >= 0 ? REPLY_PART : REPLY_UNEXPECTED));
		break;
	default:
		CHECK(got == REPLY_NOT_REPLY);
	}
	if (ev.type == MGMT_EV_PKCS11ID_COUNT)
		CHECK((got == REPLY_DONE) == (oldest_of(m, REPLY_PKCS11ID_COUNT) >= 0));
	if (got == REPLY_DONE) {
		i = find_tag(m, done.tag);
		CHECK(i >= 0);
		CHECK(done.kind == m->items[i].kind);
		check_taken(m, &ev, i, verb, arg);
		model_take(m, (unsigned)i);
	} else {
		CHECK(m->count == before);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mgmt_reply_queue q;
	struct model m = {.count = 0, .dropped = 0};
	size_t i = 0;
	int tag = 0;

	mgmt_reply_queue_init(&q);
	while (i < size) {
		uint8_t op = data[i++];

		switch (op & 3) {
		case 0: { /* push: kind in bits 2-3, the command in bits 4-7 */
			enum reply_kind kind = (enum reply_kind)((op >> 2) & 3);
			const char *verb = commands[(op >> 4) % NCOMMANDS].verb;
			const char *arg = commands[(op >> 4) % NCOMMANDS].arg;
			bool ok = mgmt_reply_queue_push(&q, kind, tag, verb, arg);

			CHECK(ok == (m.count < MGMT_REPLY_QUEUE_MAX));
			if (ok) {
				m.items[m.count] = q.items[(q.head + q.count - 1) % MGMT_REPLY_QUEUE_MAX];
				CHECK(m.items[m.count].kind == kind && m.items[m.count].tag == tag);
				m.count++;
			}
			tag++;
			break;
		}
		case 1: { /* a real line */
			size_t c = (op >> 2) % NCANNED;

			feed(&q, &m, canned[c].line, strlen(canned[c].line), canned[c].verb,
			     canned[c].arg);
			break;
		}
		default: { /* raw bytes up to the next '\n' (NULs included: the parser sees less) */
			const uint8_t *nl = memchr(data + i, '\n', size - i);
			size_t n = nl != NULL ? (size_t)(nl - (data + i)) : size - i;

			feed(&q, &m, (const char *)data + i, n, NULL, NULL);
			i += n + (nl != NULL);
			break;
		}
		}
		CHECK(q.count == m.count);
		CHECK(q.dropped == m.dropped);
		CHECK(q.count <= MGMT_REPLY_QUEUE_MAX && q.head < MGMT_REPLY_QUEUE_MAX);
		CHECK(mgmt_reply_queue_empty(&q) == (m.count == 0));
		for (unsigned k = 0; k < m.count; k++)
			CHECK(q.items[(q.head + k) % MGMT_REPLY_QUEUE_MAX].tag == m.items[k].tag);
	}
	return 0;
}
