/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the external-key requests and replies (src/mgmt/pk_sign.c).
 *
 * The input is one management line from a hostile peer.  It is parsed as a request and the
 * result is checked: the type agrees with the prefix, decoded data encodes back to exactly the
 * base64 that was sent, an algorithm is either refused as a whole (UNSUPPORTED, nothing else
 * set) or parses the same way again.  The same bytes then go through both reply builders as a
 * PEM and as a signature: every reply ends in END, has no control byte but its line ends, and
 * no body line that is END itself or longer than OpenVPN reads; the signature's lines decode
 * back to the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/base64.h"
#include "mgmt/pk_sign.h"

#include "fuzz_common.h"
#include "../lib/mgmt_probe.h"

/* The codec's strict decoder, as a length (-1 on refusal). */
static long decode(const char *in, size_t n, unsigned char *out, size_t outsz)
{
	size_t got;

	return b64_decode(in, n, out, outsz, &got) == 0 ? (long)got : -1;
}

static struct pk_request req;
static char reply[64 * 1024];
static char enc[(PK_SIGN_DATA_MAX / 3 + 2) * 4 + 1];
static unsigned char back[8192 + 3]; /* the decoder wants room for a whole group and its NUL */

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void check_request(const char *line)
{
	struct pk_alg again;

	pk_request_parse(line, &req);
	if (!starts(line, ">NEED-CERTIFICATE:") && !starts(line, ">PK_SIGN:") &&
	    !starts(line, ">RSA_SIGN:")) {
		CHECK(req.type == PK_REQ_NONE);
		return;
	}
	if (starts(line, ">NEED-CERTIFICATE:")) {
		CHECK(req.type == PK_REQ_NEED_CERTIFICATE);
		CHECK(strcmp(req.hint, line + 18) == 0);
		return;
	}
	CHECK(req.type == PK_REQ_SIGN || req.type == PK_REQ_MALFORMED);
	if (req.type != PK_REQ_SIGN)
		return;
	{
		const char *b64 = strchr(line, ':') + 1;
		long n = b64_encode(req.data, req.data_len, enc, sizeof enc);

		CHECK(req.data_len > 0 && req.data_len <= PK_SIGN_DATA_MAX);
		CHECK(n > 0 && strncmp(b64, enc, (size_t)n) == 0);
		CHECK(b64[n] == '\0' || b64[n] == ',');
		CHECK(strcmp(req.alg_text, b64[n] == ',' ? b64 + n + 1 : "") == 0);
	}
	if (pk_alg_parse(req.alg_text, &again) && again.padding == PK_PAD_NONE) {
		/* Raw RSA: the string is understood, the request refused (a decryption oracle). */
		CHECK(req.alg.padding == PK_PAD_UNSUPPORTED);
	} else {
		CHECK((again.padding != PK_PAD_UNSUPPORTED) == (req.alg.padding != PK_PAD_UNSUPPORTED));
		CHECK(memcmp(&again, &req.alg, sizeof again) == 0);
	}
	if (req.alg.padding == PK_PAD_UNSUPPORTED) {
		CHECK(req.alg.hash == PK_HASH_NONE && req.alg.saltlen == PK_SALT_NONE &&
		      !req.alg.message && !req.alg.ed448);
	} else {
		CHECK((req.alg.padding == PK_PAD_PSS) == (req.alg.saltlen != PK_SALT_NONE));
	}
}

/* Lines separated by "\n", the last one "END", no other control byte, none over 1023. */
static void check_reply_shape(const char *out, size_t len, const char *verb)
{
	size_t i, start = 0, lines = 0;

	CHECK(strlen(out) == len);
	CHECK(len >= strlen(verb) + 5);
	CHECK(starts(out, verb) && out[strlen(verb)] == '\n');
	CHECK(strcmp(out + len - 4, "END\n") == 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c == '\n') {
			size_t n = i - start;

			CHECK(n < 1024);
			/* Only the last line may be END. */
			if (n == 3 && memcmp(out + start, "END", 3) == 0)
				CHECK(i + 1 == len);
			start = i + 1;
			lines++;
		} else {
			CHECK(c >= 0x20 && c != 0x7f);
		}
	}
	CHECK(lines >= 2 && start == len);
}

static void check_replies(const unsigned char *data, size_t size, const char *text)
{
	size_t len, total = 0;
	enum pk_reply_status st = pk_reply_certificate(text, reply, sizeof reply, &len);
	char *p, *nl;

	if (st == PK_REPLY_OK)
		check_reply_shape(reply, len, "certificate");
	else
		CHECK(len == 0 && reply[0] == '\0');

	if (size > sizeof back - 3)
		size = sizeof back - 3;
	st = pk_reply_signature(data, size, reply, sizeof reply, &len);
	CHECK(st == PK_REPLY_OK);
	check_reply_shape(reply, len, "pk-sig");
	for (p = reply + 7; (nl = strchr(p, '\n')) != NULL && strncmp(p, "END\n", 4) != 0; p = nl + 1) {
		long n = decode(p, (size_t)(nl - p), back + total, sizeof back - total);

		CHECK(n > 0 && nl - p <= 64);
		total += (size_t)n;
	}
	CHECK(total == size && memcmp(back, data, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);

	CHECK(line != NULL);
	memcpy(line, data, size);
	line[size] = '\0';
	check_request(line);
	check_replies(data, size, line);
	free(line);
	return 0;
}
