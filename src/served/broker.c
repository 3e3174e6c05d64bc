/* SPDX-License-Identifier: GPL-3.0-or-later */
/* serve's broker (broker.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "served/allow.h"
#include "served/broker.h"

#define GREETING ">INFO:OpenVPN Management Interface Version "

static void say_openvpn(struct broker *b, const char *text)
{
	b->out.to_openvpn(b->out.ctx, text, strlen(text));
}

static void say_member(struct broker *b, const char *text, size_t len)
{
	if (b->member)
		b->out.to_member(b->out.ctx, text, len);
}

static void say_member_line(struct broker *b, const char *line)
{
	char buf[1100];
	int n = snprintf(buf, sizeof buf, "%s\n", line);

	if (n > 0 && (size_t)n < sizeof buf)
		say_member(b, buf, (size_t)n);
	else if (n > 0) {
		say_member(b, line, strlen(line));
		say_member(b, "\n", 1);
	}
}

/*
 * A member's commands may fill the queue only up to MEMBER_ROOM: its leaving always adds two
 * more (forget-passwords and SIGHUP, whose replies are dropped), and they must fit.
 */
#define MEMBER_ROOM (BROKER_PENDING_MAX - 2)

static void push(struct broker *b, enum broker_pending kind, const char *verb, const char *why)
{
	if (b->npending == BROKER_PENDING_MAX)
		return; /* never: MEMBER_ROOM keeps room (a reply would only go unmatched) */
	b->pending[b->npending].kind = (unsigned char)kind;
	b->pending[b->npending].why = why;
	snprintf(b->pending[b->npending].verb, sizeof b->pending[0].verb, "%s", verb);
	b->npending++;
}

static void pop(struct broker *b)
{
	memmove(&b->pending[0], &b->pending[1], (b->npending - 1) * sizeof b->pending[0]);
	b->npending--;
}

static void tell_refusal(struct broker *b, const char *verb, const char *why)
{
	char line[512];

	snprintf(line, sizeof line, "ERROR: '%.40s' refused: %s (members may use: %s)", verb, why,
	         allow_verbs());
	say_member_line(b, line);
}

/* The refusals whose turn has come: nothing of openvpn's is awaited before them. */
static void flush_refusals(struct broker *b)
{
	while (b->npending > 0 && b->pending[0].kind == PENDING_REFUSED) {
		tell_refusal(b, b->pending[0].verb, b->pending[0].why);
		pop(b);
	}
}

void broker_init(struct broker *b, const struct broker_out *out)
{
	memset(b, 0, sizeof *b);
	b->out = *out;
}

void broker_openvpn_new(struct broker *b)
{
	b->mgmt_version = 0;
	b->greeted = false;
	b->held = false;
	b->in_block = false;
	b->awaiting_cert = false;
	b->block_len = 0;
	b->npending = 0;
	b->greeting[0] = '\0';
}

bool broker_ready(const struct broker *b)
{
	/* An openvpn that owes the last member's replies first answers them (MEMBER_ROOM). */
	return b->greeted && (b->held || b->awaiting_cert) && !b->member &&
	       b->npending <= MEMBER_ROOM;
}

static void on_reply(struct broker *b, const char *line)
{
	/* Nothing awaited: not ours to pass on. */
	if (b->npending == 0)
		return;
	if (b->pending[0].kind == PENDING_MEMBER)
		say_member_line(b, line);
	pop(b);
	flush_refusals(b);
}

void broker_openvpn_line(struct broker *b, const char *line)
{
	if (!b->greeted && strncmp(line, GREETING, sizeof GREETING - 1) == 0) {
		b->greeted = true;
		b->mgmt_version = atoi(line + sizeof GREETING - 1);
		snprintf(b->greeting, sizeof b->greeting, "%s", line);
		return;
	}
	if (line[0] != '>') {
		on_reply(b, line);
		return;
	}
	if (strncmp(line, ">HOLD:", 6) == 0) {
		b->held = true;
		b->awaiting_cert = false;
	} else if (strncmp(line, ">NEED-CERTIFICATE", 17) == 0) {
		b->awaiting_cert = true;
		snprintf(b->cert_request, sizeof b->cert_request, "%s", line);
	} else if (strncmp(line, ">STATE:", 7) == 0 && b->out.state != NULL)
		b->out.state(b->out.ctx, line + 7);
	/* Real-time messages reach a member from the moment it joined, never before. */
	say_member_line(b, line);
}

void broker_member_join(struct broker *b)
{
	b->member = true;
	b->in_block = false;
	b->block_len = 0;
	say_member_line(b, b->greeting);
	if (b->held)
		say_member_line(b, ">HOLD:Waiting for hold release:0");
	else if (b->awaiting_cert)
		say_member_line(b, b->cert_request);
}

/* A block's line, kept until its END: then the block goes to openvpn whole. */
static bool block_line(struct broker *b, const char *line, size_t len)
{
	if (len != strlen(line) || !allow_block_line(line, len) ||
	    b->block_len + len + 1 > sizeof b->block)
		return false;
	memcpy(b->block + b->block_len, line, len);
	b->block[b->block_len + len] = '\n';
	b->block_len += len + 1;
	if (strcmp(line, "END") != 0)
		return true;
	if (strncmp(b->block, "certificate\n", 12) == 0)
		b->awaiting_cert = false;
	b->out.to_openvpn(b->out.ctx, b->block, b->block_len);
	b->block_len = 0;
	b->in_block = false;
	return true;
}

bool broker_member_line(struct broker *b, const char *line, size_t len)
{
	struct allow_verdict v;
	bool ok = true;

	if (b->in_block)
		return block_line(b, line, len);
	allow_judge(line, len, b->mgmt_version, &v);
	if (!v.allowed && v.why == NULL)
		return true; /* an empty line */
	if (b->npending >= MEMBER_ROOM) {
		ok = false;
	} else if (!v.allowed) {
		if (b->out.refused != NULL)
			b->out.refused(b->out.ctx, v.verb, v.why);
		if (b->npending == 0)
			tell_refusal(b, v.verb, v.why);
		else
			push(b, PENDING_REFUSED, v.verb, v.why);
	} else if (v.local) {
		const char *const args[4] = {v.args[0], v.args[1], v.args[2], v.args[3]};

		if (b->out.member_state != NULL)
			b->out.member_state(b->out.ctx, args);
	} else {
		if (v.block) {
			/* Its first line waits with the rest for END. */
			memcpy(b->block, v.line, v.len);
			b->block_len = v.len;
		} else {
			b->out.to_openvpn(b->out.ctx, v.line, v.len);
		}
		if (v.reply == ALLOW_REPLY_LINE)
			push(b, PENDING_MEMBER, v.verb, NULL);
		b->in_block = v.block;
		if (strcmp(v.line, "hold \"release\"\n") == 0)
			b->held = false;
	}
	memset(v.line, 0, sizeof v.line);
	return ok;
}

void broker_member_leave(struct broker *b)
{
	size_t kept = 0;

	if (!b->member)
		return;
	/* An unfinished block was never sent: it goes nowhere, nor does its reply come. */
	if (b->in_block && b->npending > 0)
		b->npending--;
	b->in_block = false;
	b->block_len = 0;
	for (size_t i = 0; i < b->npending; i++) {
		if (b->pending[i].kind == PENDING_REFUSED)
			continue;
		b->pending[kept] = b->pending[i];
		b->pending[kept++].kind = PENDING_DROP;
	}
	b->npending = kept;
	b->member = false;
	if (!b->greeted)
		return;
	/* --management-forget-disconnect's part, and --management-signal's as SIGHUP. */
	say_openvpn(b, "forget-passwords\n");
	push(b, PENDING_DROP, "forget-passwords", NULL);
	if (!b->held && !b->awaiting_cert) {
		say_openvpn(b, "signal SIGHUP\n");
		push(b, PENDING_DROP, "signal", NULL);
	}
}
