/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A buffer for one secret (PIN, password): locked memory, wiped on clear and on free. */
#ifndef OVPN_TOKEN_SECRET_H
#define OVPN_TOKEN_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* OpenVPN keeps a parameter in 256 bytes with its NUL (MGMT_PARAM_MAX): 255 bytes of secret. */
#define SECRET_MAX 255
/* What a reader may put into data: a longest secret, a "\r\n" still to be trimmed, the NUL. */
#define SECRET_BUF (SECRET_MAX + 3)
/* What secret_init allocates (one page, mlock works on pages): data may be read this far. */
#define SECRET_ALLOC 4096

struct secret {
	char *data; /* NUL-terminated, SECRET_BUF bytes of secure memory */
	size_t len;
};

int secret_init(struct secret *s);
void secret_clear(struct secret *s);
void secret_free(struct secret *s);
bool secret_empty(const struct secret *s);
/*
 * Puts n bytes of text (at most SECRET_MAX; text need not be NUL-terminated) into dst, which
 * must be initialized.  -1, dst untouched, when n is too long.
 */
int secret_set(struct secret *dst, const char *text, size_t n);
/* dst becomes a copy of src (both initialized). */
void secret_copy(struct secret *dst, const struct secret *src);
/* Drops one trailing "\n" or "\r\n" (files written with echo). */
void secret_trim_newline(struct secret *s);

#endif
