/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Where a secret can come from without a person: a file, an inherited descriptor, or a systemd
 * credential ($CREDENTIALS_DIRECTORY/NAME).  Never the command line or the environment.  A file
 * (a credential's too) is read only when private: the descriptor read is the one judged.
 */
#ifndef OVPN_TOKEN_SECRET_SOURCE_H
#define OVPN_TOKEN_SECRET_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "secret/secret.h"

struct secret_source {
	const char *what;       /* "PIN", "management password": for messages */
	const char *file;       /* NULL: none */
	int fd;                 /* -1: none; read once */
	bool fd_consumed;
	const char *credential; /* the credential's name, NULL: none */
	bool disabled;          /* it gave a secret that was rejected: never ask it again */
};

/*
 * What can be checked before anything is sent: a file and a descriptor both given, descriptor
 * 0 when it is the terminal (type at the prompt instead), a file others can read.  0, or -1
 * with the reason in err.
 */
int secret_source_check(const struct secret_source *src, char *err, size_t errsz);
/* A descriptor source is ours alone: kept from the programs we start (openvpn). */
void secret_source_keep(const struct secret_source *src);
/* 1: out holds the secret; 0: no source has one; -1: a source failed (err says why). */
int secret_source_read(struct secret_source *src, struct secret *out, char *err, size_t errsz);

/*
 * Two secrets from one source, like OpenVPN's auth-user-pass file: line 1 into first (the
 * username, must not be empty), line 2 into second (the password; "" when the file has one
 * line: 2.7's username-only logins).  Lines end in "\n" or "\r\n"; a third line is refused.
 * Return values as secret_source_read(); on anything but 1 both are wiped.
 */
int secret_source_read_pair(struct secret_source *src, struct secret *first,
                            struct secret *second, char *err, size_t errsz);

#endif
