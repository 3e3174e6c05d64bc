/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Why a connection failed, in the words of OpenVPN's log: >STATE says only "RECONNECTING,
 * connection-failed"; the cause (refused, unresolvable, TLS, AUTH_FAILED) is in a >LOG line.
 */
#ifndef OVPN_TOKEN_SESSION_REASON_H
#define OVPN_TOKEN_SESSION_REASON_H

#include <stdbool.h>
#include <stddef.h>

enum reason_kind {
	REASON_NONE,        /* the line names no cause: out untouched */
	REASON_BEFORE_KEY,  /* the connection failed before the key was used (refused, no name,
	                       no network, no answer to TLS at all): no PIN was put to the test */
	REASON_OTHER,       /* anything else: the TLS handshake, the server's verdict, ... */
};

/* A short cause from one log line's text into out, and what kind of cause it is. */
enum reason_kind reason_from_log(const char *text, char *out, size_t outsz);

#endif
