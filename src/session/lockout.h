/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lockout protection, as a plain judgment: before a PIN goes to a token, what the token says
 * about its PIN decides.  A locked token gets no attempt; the final try needs a person's yes,
 * and --batch never risks it.
 */
#ifndef OVPN_TOKEN_SESSION_LOCKOUT_H
#define OVPN_TOKEN_SESSION_LOCKOUT_H

#include <stdbool.h>

#include "pkcs11/provider.h"

enum lockout_verdict {
	LOCKOUT_GO,       /* send it (a low count was warned about) */
	LOCKOUT_CONFIRM,  /* the final try: only with a person's yes */
	LOCKOUT_REFUSE,   /* nothing may be sent (said why): the run ends with EXIT_TOKEN_LOCKED */
};

/* state as the token reports it for label; batch and interactive as the session runs. */
enum lockout_verdict lockout_judge(enum p11_pin_state state, const char *label, bool batch,
                                   bool interactive);

/* The question for LOCKOUT_CONFIRM, and whether an answer to it is a yes. */
#define LOCKOUT_QUESTION "Final try: one more wrong PIN locks token '%s'. Continue? [y/N] "
bool lockout_confirmed(const char *answer);

#endif
