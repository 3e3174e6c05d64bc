/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a member of a served tunnel may say to root's openvpn: the one allow-list (allow.c,
 * doc/serve.md), and the judging of one line a member sent.  Nothing here does I/O: serve's
 * broker (broker.h) acts on the verdict.  A member's line is untrusted input to a root process:
 * it is parsed as OpenVPN parses it (mgmt_unquote_param) and, when allowed, sent on as we
 * rebuilt it (mgmt_command_build), so what openvpn runs is what was judged.
 */
#ifndef OVPN_TOKEN_SERVED_ALLOW_H
#define OVPN_TOKEN_SERVED_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "mgmt/command.h"

enum allow_reply {
	ALLOW_REPLY_NONE,    /* openvpn answers nothing (version N, in some versions: see allow.c) */
	ALLOW_REPLY_LINE,    /* one SUCCESS: or ERROR: line */
};

struct allow_verdict {
	bool allowed;
	bool block;               /* lines follow up to "END" (certificate, pk-sig) */
	bool local;               /* serve's own: kept by serve, never sent to openvpn */
	char args[4][64];         /* local: its arguments (cut to 63 bytes) */
	enum allow_reply reply;
	char verb[32];            /* the command's first word as parsed ("" for an empty line) */
	const char *why;          /* refused: the reason, for the member and the journal */
	char line[MGMT_COMMAND_MAX]; /* allowed: the line to send on, "\n" included */
	size_t len;
};

/*
 * Judges one line (without its line end; len bytes, which may hold NULs) that a member sent
 * outside a block.  mgmt_version: the one in openvpn's greeting (whether "version N" is
 * answered).  An empty line is neither allowed nor refused: verb "" and nothing to send.
 * The verdict's line may hold a secret (password): the caller wipes it.
 */
void allow_judge(const char *text, size_t len, int mgmt_version, struct allow_verdict *v);

/* Whether a line inside a certificate or pk-sig block may go on (PEM or base64: printable). */
bool allow_block_line(const char *text, size_t len);

/* The allowed commands' words, ", "-separated, for a refusal's hint. */
const char *allow_verbs(void);

#endif
