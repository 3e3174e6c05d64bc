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
