/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "codec/base64.h"
#include "mgmt/pk_sign.h"

#include <stdio.h>
#include <string.h>

/* OpenVPN reads at most this many bytes per input line, its line end included. */
#define PK_LINE_MAX 1024
#define PK_B64_COLUMNS 64
/* An ALG string is a handful of short words; anything longer is not one of OpenVPN's. */
#define PK_ALG_TEXT_MAX 128

static const struct { const char *name; enum pk_hash hash; size_t size; } hashes[] = {
	{ "MD5-SHA1", PK_HASH_MD5_SHA1, 36 },
	{ "SHA1", PK_HASH_SHA1, 20 },
	{ "SHA224", PK_HASH_SHA224, 28 },
	{ "SHA256", PK_HASH_SHA256, 32 },
	{ "SHA384", PK_HASH_SHA384, 48 },
	{ "SHA512", PK_HASH_SHA512, 64 },
};

const char *pk_hash_name(enum pk_hash h)
{
	size_t i;

	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
		if (hashes[i].hash == h)
			return hashes[i].name;
	return "";
}

size_t pk_hash_size(enum pk_hash h)
{
	size_t i;

	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
		if (hashes[i].hash == h)
			return hashes[i].size;
	return 0;
}

static bool hash_from_name(const char *s, size_t len, enum pk_hash *out)
{
	size_t i;

	for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		if (strlen(hashes[i].name) == len && memcmp(hashes[i].name, s, len) == 0) {
			*out = hashes[i].hash;
			return true;
		}
	}
	return false;
}

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

static bool padding_from_word(const char *s, size_t len, struct pk_alg *alg)
{
	if (word_is(s, len, "RSA_PKCS1_PADDING"))
		alg->padding = PK_PAD_PKCS1;
	else if (word_is(s, len, "RSA_NO_PADDING"))
		alg->padding = PK_PAD_NONE;
	else if (word_is(s, len, "RSA_PKCS1_PSS_PADDING"))
		alg->padding = PK_PAD_PSS;
	else if (word_is(s, len, "ECDSA"))
		alg->padding = PK_PAD_ECDSA;
	else if (word_is(s, len, "ED25519"))
		alg->padding = PK_PAD_EDDSA;
	else if (word_is(s, len, "ED448")) {
		alg->padding = PK_PAD_EDDSA;
		alg->ed448 = true;
	} else
		return false;
	return true;
}

/* One ",key=value" part.  Each key at most once. */
static bool apply_option(const char *s, size_t len, struct pk_alg *alg, unsigned *seen)
{
	const char *eq = memchr(s, '=', len);
	size_t klen, vlen;
	const char *v;

	if (eq == NULL)
		return false;
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = len - klen - 1;
	if (word_is(s, klen, "hashalg") && !(*seen & 1u)) {
		*seen |= 1u;
		return hash_from_name(v, vlen, &alg->hash);
	}
	if (word_is(s, klen, "saltlen") && !(*seen & 2u)) {
		*seen |= 2u;
		if (word_is(v, vlen, "digest"))
			alg->saltlen = PK_SALT_DIGEST;
		else if (word_is(v, vlen, "max"))
			alg->saltlen = PK_SALT_MAX;
		else
			return false;
		return true;
	}
	if (word_is(s, klen, "data") && !(*seen & 4u)) {
		*seen |= 4u;
		alg->message = word_is(v, vlen, "message");
		return alg->message;
	}
	return false;
}

/* The combinations a signer can act on without guessing. */
static bool consistent(const struct pk_alg *alg)
{
	switch (alg->padding) {
	case PK_PAD_PKCS1:
		/* MD5-SHA1 has no DigestInfo: only as the pre-built block of old TLS. */
		if (alg->hash == PK_HASH_MD5_SHA1)
			return false;
		return alg->saltlen == PK_SALT_NONE && (!alg->message || alg->hash != PK_HASH_NONE);
	case PK_PAD_NONE:
		return alg->saltlen == PK_SALT_NONE && alg->hash == PK_HASH_NONE && !alg->message;
	case PK_PAD_PSS:
		return alg->hash != PK_HASH_NONE && alg->hash != PK_HASH_MD5_SHA1 &&
		       alg->saltlen != PK_SALT_NONE;
	case PK_PAD_ECDSA:
		/* Without data=message the digest is given, whatever hashalg says. */
		return alg->saltlen == PK_SALT_NONE && alg->hash != PK_HASH_MD5_SHA1 &&
		       (!alg->message || alg->hash != PK_HASH_NONE);
	case PK_PAD_EDDSA:
		/* EdDSA signs the message itself; OpenVPN sends no hashalg for it. */
		return alg->saltlen == PK_SALT_NONE && alg->hash == PK_HASH_NONE;
	case PK_PAD_UNSUPPORTED:
		break;
	}
	return false;
}

bool pk_alg_parse(const char *text, struct pk_alg *alg)
{
	const char *p, *end, *comma;
	unsigned seen = 0;
	bool ok;

	memset(alg, 0, sizeof *alg);
	if (text == NULL || *text == '\0') {
		alg->padding = PK_PAD_PKCS1;
		return true;
	}
	if (strlen(text) > PK_ALG_TEXT_MAX)
		goto unsupported;
	end = text + strlen(text);
	comma = memchr(text, ',', (size_t)(end - text));
	if (comma == NULL)
		comma = end;
	if (!padding_from_word(text, (size_t)(comma - text), alg))
		goto unsupported;
	for (p = comma; p < end; p = comma) {
		p++; /* the comma */
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (!apply_option(p, (size_t)(comma - p), alg, &seen))
			goto unsupported;
	}
	/* EdDSA always signs the message; OpenVPN may say so or not. */
	if (alg->padding == PK_PAD_EDDSA)
		alg->message = true;
	ok = consistent(alg);
	if (ok)
		return true;
unsupported:
	memset(alg, 0, sizeof *alg);
	alg->padding = PK_PAD_UNSUPPORTED;
	return false;
}

void pk_alg_describe(const struct pk_alg *alg, char *out, size_t outsz)
{
	const char *base = "unsupported";
	const char *h = pk_hash_name(alg->hash);

	switch (alg->padding) {
	case PK_PAD_PKCS1: base = "RSA PKCS#1"; break;
	case PK_PAD_NONE: base = "RSA raw"; break;
	case PK_PAD_PSS: base = "RSA PSS"; break;
	case PK_PAD_ECDSA: base = "ECDSA"; break;
	case PK_PAD_EDDSA: base = alg->ed448 ? "ED448" : "ED25519"; break;
	case PK_PAD_UNSUPPORTED: break;
	}
	snprintf(out, outsz, "%s%s%s%s%s", base, *h ? " " : "", h,
	         alg->saltlen == PK_SALT_DIGEST ? " saltlen=digest" :
	         alg->saltlen == PK_SALT_MAX ? " saltlen=max" : "",
	         alg->message && alg->padding != PK_PAD_EDDSA ? " (message)" : "");
}

/* ---------------------------------------------------------------- requests */

void pk_request_parse_notification(const char *name, const char *text, struct pk_request *req)
{
	const char *comma;
	size_t b64len, got;
	long n;

	req->type = PK_REQ_NONE;
	req->legacy_rsa = false;
	req->hint = "";
	req->alg_text = "";
	memset(&req->alg, 0, sizeof req->alg);
	req->data_len = 0;

	if (strcmp(name, "NEED-CERTIFICATE") == 0) {
		req->type = PK_REQ_NEED_CERTIFICATE;
		req->hint = text;
		return;
	}
	if (strcmp(name, "RSA_SIGN") == 0)
		req->legacy_rsa = true;
	else if (strcmp(name, "PK_SIGN") != 0)
		return;
	req->type = PK_REQ_MALFORMED;
	comma = strchr(text, ',');
	b64len = comma != NULL ? (size_t)(comma - text) : strlen(text);
	if (b64len == 0 || (req->legacy_rsa && comma != NULL))
		return;
	n = b64_decode(text, b64len, req->data, sizeof req->data, &got) == 0 ? (long)got : -1;
	if (n <= 0)
		return;
	req->data_len = (size_t)n;
	req->type = PK_REQ_SIGN;
	req->alg_text = comma != NULL ? comma + 1 : "";
	/*
	 * Raw RSA is a decryption with the token's key for whoever asks: no TLS handshake needs it
	 * (start never offers it: openvpn/argv.c), so a peer that asks is refused.
	 */
	if (pk_alg_parse(req->alg_text, &req->alg) && req->alg.padding == PK_PAD_NONE)
		req->alg.padding = PK_PAD_UNSUPPORTED;
}

/* ---------------------------------------------------------------- replies */

struct out_buf {
	char *p;
	size_t cap, len;
	bool full;
};

static void out_line(struct out_buf *o, const char *s, size_t n)
{
	if (o->full || o->len + n + 2 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len++] = '\n';
	o->p[o->len] = '\0';
}

static enum pk_reply_status check_body_line(const char *s, size_t n)
{
	size_t i;

	if (n + 1 > PK_LINE_MAX)
		return PK_REPLY_TOO_LONG;
	if (n == 3 && memcmp(s, "END", 3) == 0)
		return PK_REPLY_BAD_LINE;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return PK_REPLY_BAD_LINE;
	}
	return PK_REPLY_OK;
}

static enum pk_reply_status finish(struct out_buf *o, enum pk_reply_status st, size_t *outlen)
{
	out_line(o, "END", 3);
	if (st == PK_REPLY_OK && o->full)
		st = PK_REPLY_TOO_LONG;
	if (st != PK_REPLY_OK) {
		if (o->cap > 0)
			memset(o->p, 0, o->cap);
		*outlen = 0;
		return st;
	}
	*outlen = o->len;
	return PK_REPLY_OK;
}

enum pk_reply_status pk_reply_certificate(const char *pem, char *out, size_t outsz,
                                          size_t *outlen)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	struct out_buf o = { out, outsz, 0, false };
	enum pk_reply_status st = PK_REPLY_OK;
	const char *p = pem;
	int stage = 0; /* 0 before BEGIN, 1 inside, 2 after END */

	if (outsz > 0)
		out[0] = '\0';
	out_line(&o, "certificate", 11);
	while (*p != '\0' && st == PK_REPLY_OK) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		size_t shown = n > 0 && p[n - 1] == '\r' ? n - 1 : n;

		if (stage == 0 && shown == sizeof begin - 1 && memcmp(p, begin, shown) == 0)
			stage = 1;
		if (stage == 1) {
			st = check_body_line(p, shown);
			out_line(&o, p, shown);
			if (shown == sizeof end - 1 && memcmp(p, end, shown) == 0)
				stage = 2;
		} else if (stage == 2 && shown > 0) {
			/* One certificate only: a chain would need OpenVPN to take it, and 2.6 does not. */
			if (shown >= 10 && memcmp(p, "-----BEGIN", 10) == 0)
				st = PK_REPLY_BAD_PEM;
		}
		p += n + (nl != NULL ? 1 : 0);
	}
	if (st == PK_REPLY_OK && stage != 2)
		st = PK_REPLY_BAD_PEM;
	return finish(&o, st, outlen);
}

enum pk_reply_status pk_reply_signature(const unsigned char *sig, size_t sig_len, char *out,
                                        size_t outsz, size_t *outlen)
{
	struct out_buf o = { out, outsz, 0, false };
	char chunk[PK_B64_COLUMNS + 1];
	size_t i;

	if (outsz > 0)
		out[0] = '\0';
	out_line(&o, "pk-sig", 6);
	/* 48 bytes give 64 base64 characters: whole lines need no padding in the middle. */
	for (i = 0; i < sig_len; i += 48) {
		size_t n = sig_len - i < 48 ? sig_len - i : 48;
		long len = b64_encode(sig + i, n, chunk, sizeof chunk);

		out_line(&o, chunk, (size_t)len);
	}
	return finish(&o, PK_REPLY_OK, outlen);
}

const char *pk_reply_status_text(enum pk_reply_status st)
{
	switch (st) {
	case PK_REPLY_OK: return "ok";
	case PK_REPLY_BAD_LINE: return "a line holds a control byte or is END";
	case PK_REPLY_TOO_LONG: return "a line or the reply is too long";
	case PK_REPLY_BAD_PEM: return "not one PEM certificate";
	}
	return "?";
}
