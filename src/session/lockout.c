/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lockout protection: before a PIN goes to the token, look at what the token itself says about
 * its PIN (through the same PKCS#11 provider OpenVPN uses).  A locked token gets no attempt; on
 * the final try a person must confirm, and --batch never risks it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "session/internal.h"
#include "ui/output.h"

static bool confirm_final_try(struct session *s, const char *label)
{
	char answer[16];
	enum plat_read_result r;

	r = session_ask_text(s, NULL, answer, sizeof answer,
	                     "Final try: one more wrong PIN locks token '%s'. Continue? [y/N] ",
	                     label);
	if (r == PLAT_READ_OK && (strcmp(answer, "y") == 0 || strcmp(answer, "yes") == 0))
		return true;
	if (r == PLAT_READ_PEER_GONE)
		return false;
	out_status("Cancelled: no PIN sent.");
	session_end_error(s, EXIT_CANCELLED);
	return false;
}

bool session_token_allows_pin(struct session *s, const char *label)
{
	/* A fresh look each time: the flags change with every wrong PIN. */
	enum p11_pin_state state = session_can_see_tokens(s)
	                               ? s->io->pin_state(s->io->ctx, label)
	                               : P11_PIN_UNKNOWN;

	return session_pin_state_allows_pin(s, label, state);
}

bool session_pin_state_allows_pin(struct session *s, const char *label,
                                  enum p11_pin_state state)
{
	switch (state) {
	case P11_PIN_LOCKED:
		out_error("token '%s' is locked: it accepts no PIN until it is unblocked (with its "
		          "PUK or security officer PIN); nothing was sent",
		          label);
		session_end_error(s, EXIT_TOKEN_LOCKED);
		return false;
	case P11_PIN_FINAL_TRY:
		if (s->opts->batch) {
			out_error("token '%s' is on its final PIN try; not risking it in --batch", label);
			session_end_error(s, EXIT_TOKEN_LOCKED);
			return false;
		}
		if (!s->io->interactive(s->io->ctx)) {
			out_error("token '%s' is on its final PIN try and nobody can confirm", label);
			session_end_error(s, EXIT_TOKEN_LOCKED);
			return false;
		}
		return confirm_final_try(s, label);
	case P11_PIN_COUNT_LOW:
		out_warning("token '%s' saw a wrong PIN since the last good one: few tries are left.",
		           label);
		return true;
	default:
		return true;
	}
}
