/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mgmt/reply_queue.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void mgmt_reply_queue_init(struct mgmt_reply_queue *q)
{
	q->head = 0;
	q->count = 0;
	q->dropped = 0;
}

bool mgmt_reply_queue_push(struct mgmt_reply_queue *q, enum reply_kind kind, int tag,
                           const char *verb, const char *first_arg)
{
	struct pending_command *c;
	size_t n, word;

	if (q->count >= MGMT_REPLY_QUEUE_MAX)
		return false;
	c = &q->items[(q->head + q->count) % MGMT_REPLY_QUEUE_MAX];
	c->kind = kind;
	c->tag = tag;
	if (verb == NULL)
		verb = "";
	/* "hold release" given as the verb: its second word is the first argument. */
	word = strcspn(verb, " ");
	snprintf(c->verb, sizeof c->verb, "%.*s", (int)word, verb);
	if (first_arg == NULL && verb[word] == ' ')
		first_arg = verb + word + 1;
	/* cr-response's only argument is the response, a secret; its SUCCESS names nothing. */
	if (strcmp(c->verb, "cr-response") == 0)
		first_arg = NULL;
	n = first_arg != NULL ? strlen(first_arg) : 0;
	c->subject_cut = n >= sizeof c->subject;
	if (c->subject_cut)
		n = sizeof c->subject - 1;
	memcpy(c->subject, first_arg != NULL ? first_arg : "", n);
	c->subject[n] = '\0';
	q->count++;
	return true;
}

static struct pending_command *nth(struct mgmt_reply_queue *q, unsigned i)
{
	return &q->items[(q->head + i) % MGMT_REPLY_QUEUE_MAX];
}

/* The i-th oldest command answers ev: the ones before it never will. */
static enum reply_match take(struct mgmt_reply_queue *q, unsigned i, struct pending_command *done)
{
	if (done != NULL)
		*done = *nth(q, i);
	q->dropped += i;
	q->head = (q->head + i + 1) % MGMT_REPLY_QUEUE_MAX;
	q->count -= i + 1;
	return REPLY_DONE;
}

/* What a SUCCESS text says it answers: a verb, and for some the command's first argument. */
struct answer {
	const char *verb;
	const char *subject; /* points into the text; NULL when the text names none */
	size_t subject_len;
};

/* OpenVPN's SUCCESS texts (manage.c, 2.6 and 2.7) for the commands ovpn-token sends. */
static const struct {
	const char *text;
	bool whole; /* the whole text, else its beginning */
	const char *verb;
} forms[] = {
	{"password is correct", true, ""},
	{"hold release succeeded", true, "hold"},
	{"hold flag set to ", false, "hold"},
	{"hold=", false, "hold"},
	{"real-time state notification set to ", false, "state"},
	{"real-time log notification set to ", false, "log"},
	{"real-time echo notification set to ", false, "echo"},
	{"bytecount interval changed", true, "bytecount"},
	{"signal ", false, "signal"},
	{"Management client version set to ", false, "version"},
	{"certificate command succeeded", true, "certificate"},
	{"pk-sign command succeeded", true, "pk-sig"},
	{"rsa-sign command succeeded", true, "rsa-sig"},
	/* cr-response's, and only its among ours */
	{"command succeeded", true, "cr-response"},
};

/* "'TYPE' password entered, but not yet verified" and its kin name the command's argument. */
static const struct {
	const char *tail;
	const char *verb;
} quoted_forms[] = {
	{"' password entered, but not yet verified", "password"},
	{"' username entered, but not yet verified", "username"},
	{"' needok-confirmation entered, but not yet verified", "needok"},
	{"' needstr-string entered, but not yet verified", "needstr"},
};

static bool answer_of(const char *text, struct answer *a)
{
	size_t len = strlen(text);

	a->subject = NULL;
	a->subject_len = 0;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		size_t n = strlen(forms[i].text);

		if (forms[i].whole ? strcmp(text, forms[i].text) == 0
		                   : strncmp(text, forms[i].text, n) == 0) {
			a->verb = forms[i].verb;
			return true;
		}
	}
	if (text[0] != '\'')
		return false;
	for (size_t i = 0; i < sizeof quoted_forms / sizeof quoted_forms[0]; i++) {
		size_t n = strlen(quoted_forms[i].tail);

		if (len >= n + 1 && strcmp(text + len - n, quoted_forms[i].tail) == 0) {
			a->verb = quoted_forms[i].verb;
			a->subject = text + 1;
			a->subject_len = len - n - 1;
			return true;
		}
	}
	return false;
}

static bool subject_is(const struct pending_command *c, const char *s, size_t n)
{
	size_t have = strlen(c->subject);

	if (c->subject_cut)
		return n >= have && memcmp(c->subject, s, have) == 0;
	return n == have && memcmp(c->subject, s, n) == 0;
}

/* The oldest command of kind (and verb, and subject when given); -1 when none waits. */
static long oldest(struct mgmt_reply_queue *q, enum reply_kind kind, const char *verb,
                   const char *subject, size_t subject_len)
{
	for (unsigned i = 0; i < q->count; i++) {
		const struct pending_command *c = nth(q, i);

		if (c->kind != kind || (verb != NULL && strcmp(c->verb, verb) != 0))
			continue;
		/* An entry pushed without its argument takes any. */
		if (subject != NULL && c->subject[0] != '\0' && !subject_is(c, subject, subject_len))
			continue;
		return (long)i;
	}
	return -1;
}

static enum reply_match match_success(struct mgmt_reply_queue *q, const char *text,
                                      struct pending_command *done)
{
	struct answer a;
	long i;

	if (!answer_of(text, &a))
		return q->count > 0 && nth(q, 0)->kind == REPLY_STATUS ? take(q, 0, done)
		                                                      : REPLY_UNEXPECTED;
	i = oldest(q, REPLY_STATUS, a.verb, a.subject, a.subject_len);
	return i >= 0 ? take(q, (unsigned)i, done) : REPLY_UNEXPECTED;
}

static enum reply_match match_entry(struct mgmt_reply_queue *q, long index,
                                    struct pending_command *done)
{
	char subject[24];
	long i;

	snprintf(subject, sizeof subject, "%ld", index);
	i = oldest(q, REPLY_PKCS11ID_ENTRY, NULL, subject, strlen(subject));
	return i >= 0 ? take(q, (unsigned)i, done) : REPLY_NOT_REPLY;
}

enum reply_match mgmt_reply_queue_match(struct mgmt_reply_queue *q, const struct mgmt_event *ev,
                                        struct pending_command *done)
{
	long i;

	switch (ev->type) {
	case MGMT_EV_PKCS11ID_COUNT:
		/* Like notifications: replies only when asked for. */
		i = oldest(q, REPLY_PKCS11ID_COUNT, NULL, NULL, 0);
		return i >= 0 ? take(q, (unsigned)i, done) : REPLY_NOT_REPLY;
	case MGMT_EV_PKCS11ID_ENTRY:
		return match_entry(q, ev->u.pkcs11id_entry.index, done);
	case MGMT_EV_SUCCESS:
		return match_success(q, ev->u.text.text, done);
	case MGMT_EV_ERROR:
		return q->count > 0 ? take(q, 0, done) : REPLY_UNEXPECTED;
	case MGMT_EV_END:
		i = oldest(q, REPLY_MULTILINE, NULL, NULL, 0);
		return i >= 0 ? take(q, (unsigned)i, done) : REPLY_UNEXPECTED;
	case MGMT_EV_TEXT:
		return oldest(q, REPLY_MULTILINE, NULL, NULL, 0) >= 0 ? REPLY_PART : REPLY_UNEXPECTED;
	default:
		return REPLY_NOT_REPLY;
	}
}
