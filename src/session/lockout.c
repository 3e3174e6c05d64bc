/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "session/lockout.h"
#include "ui/output.h"

enum lockout_verdict lockout_judge(enum p11_pin_state state, const char *label, bool batch,
                                   bool interactive)
{
	switch (state) {
	case P11_PIN_LOCKED:
		out_error("token '%s' is locked: it accepts no PIN until it is unblocked (with its "
		          "PUK or security officer PIN, or by its administrator; a TPM after its "
		          "lockout time or by its owner; `ovpn-token doctor` says which); nothing "
		          "was sent",
		          label);
		return LOCKOUT_REFUSE;
	case P11_PIN_FINAL_TRY:
		if (batch) {
			out_error("token '%s' is on its final PIN try; not risking it in --batch", label);
			return LOCKOUT_REFUSE;
		}
		if (!interactive) {
			out_error("token '%s' is on its final PIN try and nobody can confirm", label);
			return LOCKOUT_REFUSE;
		}
		return LOCKOUT_CONFIRM;
	case P11_PIN_COUNT_LOW:
		out_warning("token '%s' saw a wrong PIN since the last good one: few tries are left.",
		            label);
		return LOCKOUT_GO;
	default:
		return LOCKOUT_GO;
	}
}

bool lockout_confirmed(const char *answer)
{
	return strcmp(answer, "y") == 0 || strcmp(answer, "yes") == 0;
}
