/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pkcs11/id_codec.h"

#include <stdio.h>
#include <string.h>

static const char HEX_DIGITS[] = "0123456789ABCDEF";

/* Kept as they are by pkcs11-helper: printable ASCII minus space and its reserved set. */
static bool kept_raw(unsigned char c)
{
	static const char reserved[] = "\\/\"'%&#@!?$* <>{}[]()`|:;,.+-";

	/* C-locale isgraph(), written out so no locale can change the answer. */
	if (c < 0x21 || c > 0x7e)
		return false;
	return strchr(reserved, c) == NULL;
}

static void set_field(unsigned char *dst, size_t *dst_len, size_t cap, const char *src, size_t n)
{
	size_t len = 0;

	if (src != NULL) {
		while (len < n && len < cap && src[len] != '\0')
			len++;
	}
	while (len > 0 && src[len - 1] == ' ')
		len--;
	if (len > 0)
		memcpy(dst, src, len);
	*dst_len = len;
}

void p11_id_set_token(struct p11_id_fields *f, const char *manufacturer, size_t manufacturer_n,
                      const char *model, size_t model_n, const char *serial, size_t serial_n,
                      const char *label, size_t label_n)
{
	set_field(f->manufacturer, &f->manufacturer_len, P11_MANUFACTURER_LEN, manufacturer,
	          manufacturer_n);
	set_field(f->model, &f->model_len, P11_MODEL_LEN, model, model_n);
	set_field(f->serial, &f->serial_len, P11_SERIAL_LEN, serial, serial_n);
	set_field(f->label, &f->label_len, P11_LABEL_LEN, label, label_n);
}

int p11_id_set_cka_id(struct p11_id_fields *f, const unsigned char *id, size_t n)
{
	if (id == NULL || n == 0 || n > P11_CKA_ID_MAX)
		return -1;
	memcpy(f->cka_id, id, n);
	f->cka_id_len = n;
	return 0;
}

/* Appends to out at *pos; false (and nothing written past outsz) when it does not fit. */
static bool put_byte(char *out, size_t outsz, size_t *pos, char c)
{
	if (*pos + 1 >= outsz)
		return false;
	out[(*pos)++] = c;
	return true;
}

static bool put_escaped(char *out, size_t outsz, size_t *pos, const unsigned char *s, size_t n,
                        size_t cap)
{
	if (n > cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0')
			return false;
		if (kept_raw(s[i])) {
			if (!put_byte(out, outsz, pos, (char)s[i]))
				return false;
			continue;
		}
		if (!put_byte(out, outsz, pos, '\\') || !put_byte(out, outsz, pos, 'x') ||
		    !put_byte(out, outsz, pos, HEX_DIGITS[s[i] >> 4]) ||
		    !put_byte(out, outsz, pos, HEX_DIGITS[s[i] & 0x0f]))
			return false;
	}
	return true;
}

int p11_id_encode(const struct p11_id_fields *f, char *out, size_t outsz)
{
	size_t pos = 0;
	bool ok = outsz > 0 && f->cka_id_len > 0 && f->cka_id_len <= P11_CKA_ID_MAX;

	ok = ok && put_escaped(out, outsz, &pos, f->manufacturer, f->manufacturer_len,
	                       P11_MANUFACTURER_LEN) &&
	     put_byte(out, outsz, &pos, '/') &&
	     put_escaped(out, outsz, &pos, f->model, f->model_len, P11_MODEL_LEN) &&
	     put_byte(out, outsz, &pos, '/') &&
	     put_escaped(out, outsz, &pos, f->serial, f->serial_len, P11_SERIAL_LEN) &&
	     put_byte(out, outsz, &pos, '/') &&
	     put_escaped(out, outsz, &pos, f->label, f->label_len, P11_LABEL_LEN) &&
	     put_byte(out, outsz, &pos, '/');
	for (size_t i = 0; ok && i < f->cka_id_len; i++)
		ok = put_byte(out, outsz, &pos, HEX_DIGITS[f->cka_id[i] >> 4]) &&
		     put_byte(out, outsz, &pos, HEX_DIGITS[f->cka_id[i] & 0x0f]);
	if (!ok) {
		if (outsz > 0)
			out[0] = '\0';
		return -1;
	}
	out[pos] = '\0';
	return (int)pos;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescapes s[0..n) into dst; NULL on success, else why not. */
static const char *unescape_field(const char *s, size_t n, unsigned char *dst, size_t *dst_len,
                                  size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			int hi, lo;

			if (n - i < 4 || s[i + 1] != 'x')
				return "a backslash not followed by x and two hex digits";
			hi = hex_value(s[i + 2]);
			lo = hex_value(s[i + 3]);
			if (hi < 0 || lo < 0)
				return "a backslash not followed by x and two hex digits";
			c = (unsigned char)(hi << 4 | lo);
			if (c == 0)
				return "an escaped NUL byte";
			i += 3;
		} else if (c < 0x20 || c == 0x7f) {
			return "a control character";
		}
		if (len == cap)
			return "a token field longer than PKCS#11 allows";
		dst[len++] = c;
	}
	*dst_len = len;
	return NULL;
}

static int fail(struct p11_id_fields *f, char *err, size_t errsz, const char *why)
{
	memset(f, 0, sizeof *f);
	if (errsz > 0)
		snprintf(err, errsz, "not a PKCS#11 id: %s", why);
	return -1;
}

int p11_id_decode(const char *id, struct p11_id_fields *f, char *err, size_t errsz)
{
	struct {
		unsigned char *dst;
		size_t *len;
		size_t cap;
	} fields[4] = {
		{f->manufacturer, &f->manufacturer_len, P11_MANUFACTURER_LEN},
		{f->model, &f->model_len, P11_MODEL_LEN},
		{f->serial, &f->serial_len, P11_SERIAL_LEN},
		{f->label, &f->label_len, P11_LABEL_LEN},
	};
	const char *start, *hex, *why;
	size_t hexlen;

	memset(f, 0, sizeof *f);
	if (id == NULL)
		return fail(f, err, errsz, "empty");
	hex = strrchr(id, '/');
	if (hex == NULL)
		return fail(f, err, errsz, "no '/'");
	hex++;
	hexlen = strlen(hex);
	if (hexlen == 0)
		return fail(f, err, errsz, "the CKA_ID after the last '/' is empty");
	if (hexlen % 2 != 0 || hexlen / 2 > P11_CKA_ID_MAX)
		return fail(f, err, errsz, "the CKA_ID is not whole bytes of hex or too long");
	for (size_t i = 0; i < hexlen; i += 2) {
		int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return fail(f, err, errsz, "the CKA_ID is not hex");
		f->cka_id[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	f->cka_id_len = hexlen / 2;

	start = id;
	for (size_t k = 0; k < 4; k++) {
		const char *slash = memchr(start, '/', (size_t)(hex - start));

		if (slash == NULL)
			return fail(f, err, errsz, "fewer than five '/'-separated parts");
		why = unescape_field(start, (size_t)(slash - start), fields[k].dst, fields[k].len,
		                     fields[k].cap);
		if (why != NULL)
			return fail(f, err, errsz, why);
		start = slash + 1;
	}
	if (start != hex)
		return fail(f, err, errsz, "more than five '/'-separated parts");
	return 0;
}

bool p11_id_equal(const char *a, const char *b)
{
	struct p11_id_fields fa, fb;

	if (p11_id_decode(a, &fa, NULL, 0) != 0 || p11_id_decode(b, &fb, NULL, 0) != 0)
		return false;
	return fa.manufacturer_len == fb.manufacturer_len &&
	       memcmp(fa.manufacturer, fb.manufacturer, fa.manufacturer_len) == 0 &&
	       fa.model_len == fb.model_len && memcmp(fa.model, fb.model, fa.model_len) == 0 &&
	       fa.serial_len == fb.serial_len && memcmp(fa.serial, fb.serial, fa.serial_len) == 0 &&
	       fa.label_len == fb.label_len && memcmp(fa.label, fb.label, fa.label_len) == 0 &&
	       fa.cka_id_len == fb.cka_id_len && memcmp(fa.cka_id, fb.cka_id, fa.cka_id_len) == 0;
}
