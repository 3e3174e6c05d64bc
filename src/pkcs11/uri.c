/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RFC 7512 path attributes, percent-encoded where the RFC's pchar does not allow a byte. */
#include <stdio.h>
#include <string.h>

#include "pkcs11/uri.h"

struct out {
	char *buf;
	size_t size, len;
	int failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed || o->len + n >= o->size) {
		o->failed = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* RFC 7512 2.3: unreserved and a few sub-delims stand for themselves in a path value. */
static int plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("-._~:[]@!$'()*+,=&", c) != NULL;
}

static void put_value(struct out *o, const unsigned char *v, size_t n, int encode_all)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		char esc[3] = {'%', hex[v[i] >> 4], hex[v[i] & 15]};

		if (!encode_all && v[i] != '\0' && plain(v[i]))
			put(o, (const char *)&v[i], 1);
		else
			put(o, esc, 3);
	}
}

static void attribute(struct out *o, const char *name, const unsigned char *v, size_t n,
                      int encode_all)
{
	if (n == 0)
		return;
	if (o->len > strlen("pkcs11:"))
		put(o, ";", 1);
	put(o, name, strlen(name));
	put(o, "=", 1);
	put_value(o, v, n, encode_all);
}

int p11_uri_format(const struct p11_id_fields *f, char *out, size_t outsz)
{
	struct out o = {out, outsz, 0, 0};

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	put(&o, "pkcs11:", 7);
	attribute(&o, "model", f->model, f->model_len, 0);
	attribute(&o, "manufacturer", f->manufacturer, f->manufacturer_len, 0);
	attribute(&o, "serial", f->serial, f->serial_len, 0);
	attribute(&o, "token", f->label, f->label_len, 0);
	/* The CKA_ID is binary: every byte as %XX, as p11-kit writes it. */
	attribute(&o, "id", f->cka_id, f->cka_id_len, 1);
	if (o.failed) {
		out[0] = '\0';
		return -1;
	}
	return (int)o.len;
}
