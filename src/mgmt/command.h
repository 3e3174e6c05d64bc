/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Building management commands: OpenVPN's lexer quoting, one line each. */
#ifndef OVPN_TOKEN_COMMAND_H
#define OVPN_TOKEN_COMMAND_H

#include <stddef.h>

/* OpenVPN reads at most about 1024 bytes per line and 256 per parameter. */
#define MGMT_COMMAND_MAX 1024
#define MGMT_PARAM_MAX 256

enum mgmt_cmd_status {
	MGMT_CMD_OK,
	MGMT_CMD_NEWLINE,  /* an argument holds CR or LF: it cannot be sent */
	MGMT_CMD_TOO_LONG, /* an argument or the whole line is over OpenVPN's limits */
	MGMT_CMD_BAD_BYTE, /* an argument holds a NUL or another control byte OpenVPN would drop */
	/* mgmt_conn_send() only: */
	MGMT_CMD_QUEUE_FULL,   /* MGMT_REPLY_QUEUE_MAX commands already await their answers */
	MGMT_CMD_WRITE_FAILED, /* the connection failed: nothing more can be sent */
};

/*
 * Writes "VERB ARG1 ARG2 ...\n" into out (size outsz, NUL-terminated) with every argument in
 * double quotes and '\' and '"' escaped.  argv is NULL-terminated.  On any error out is wiped
 * and left "".  *outlen gets the length without the NUL.
 */
enum mgmt_cmd_status mgmt_command_build(char *out, size_t outsz, size_t *outlen,
                                       const char *verb, const char *const *argv);

/*
 * Parses one quoted parameter as OpenVPN does (the reading back of what mgmt_command_build
 * quoted; serve reads its members' lines with it): returns bytes read, -1 on error.
 */
int mgmt_unquote_param(const char *in, char *out, size_t outsz);

const char *mgmt_command_status_text(enum mgmt_cmd_status st);

#endif
