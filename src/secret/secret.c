/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "platform/platform.h"
#include "secret/secret.h"

int secret_init(struct secret *s)
{
	s->data = plat_secure_alloc(SECRET_ALLOC);
	s->len = 0;
	return s->data == NULL ? -1 : 0;
}

void secret_clear(struct secret *s)
{
	if (s->data != NULL)
		plat_wipe(s->data, SECRET_BUF);
	s->len = 0;
}

void secret_free(struct secret *s)
{
	plat_secure_free(s->data, SECRET_ALLOC);
	s->data = NULL;
	s->len = 0;
}

int secret_set(struct secret *dst, const char *text, size_t n)
{
	if (n > SECRET_MAX)
		return -1;
	/* Wiped first: no byte of an older, longer secret stays behind the NUL. */
	secret_clear(dst);
	memcpy(dst->data, text, n);
	dst->data[n] = '\0';
	dst->len = n;
	return 0;
}

void secret_copy(struct secret *dst, const struct secret *src)
{
	size_t n = src->len < SECRET_BUF ? src->len : SECRET_BUF - 1;

	if (dst == src)
		return;
	secret_clear(dst);
	memcpy(dst->data, src->data, n);
	dst->data[n] = '\0';
	dst->len = n;
}

bool secret_empty(const struct secret *s)
{
	return s->data == NULL || s->data[0] == '\0';
}

void secret_trim_newline(struct secret *s)
{
	s->len = strlen(s->data);
	if (s->len > 0 && s->data[s->len - 1] == '\n')
		s->data[--s->len] = '\0';
	if (s->len > 0 && s->data[s->len - 1] == '\r')
		s->data[--s->len] = '\0';
}
