/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Why a connection failed, in the words of OpenVPN's log: >STATE says only "RECONNECTING,
 * connection-failed"; the cause (refused, unresolvable, TLS, AUTH_FAILED) is in a >LOG line.
 */
#ifndef OVPN_TOKEN_SESSION_REASON_H
#define OVPN_TOKEN_SESSION_REASON_H

#include <stdbool.h>
#include <stddef.h>

/* A short cause from one log line's text into out; false when the line names none. */
bool reason_from_log(const char *text, char *out, size_t outsz);

#endif
