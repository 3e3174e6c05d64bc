/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The part of cert_info.h that needs no crypto library: base64, dates, the summary and the
 * matching (sanitising is ui/sanitize.c's, the one rule for everything shown; the serial's text
 * is serial_hex.c's).  Plain C11 so both backends (cert_openssl.c with OpenSSL, cert_wincrypt.c
 * with the CryptoAPI) link the very same code, and a certificate reads the same on every
 * platform.
 */
#include "cert/cert_info.h"
#include "cert/backend.h"
#include "codec/base64.h"
#include "codec/utc.h"
#include "ui/sanitize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- base64 --------------------------------------------------------------------------------- */

/*
 * OpenVPN sends the BLOB as one line with padding: the codec's strict decoding refuses
 * whitespace, missing padding or '=' in the middle, which the decoders of OpenSSL and crypt32
 * would skip.
 */
static unsigned char *blob_decode(const char *in, size_t *outlen)
{
	size_t len = strlen(in), size = len / 4 * 3 + 1;
	unsigned char *buf;

	if (len == 0 || len > CERT_TEXT_MAX)
		return NULL;
	buf = malloc(size);
	if (buf == NULL)
		return NULL;
	if (b64_decode(in, len, buf, size, outlen) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- dates and validity --------------------------------------------------------------------- */

enum cert_validity cert_info_validity(const struct cert_info *ci, long long now)
{
	if (now < ci->not_before_epoch)
		return CERT_NOT_YET_VALID;
	return cert_expiry(ci->not_after_epoch, now);
}

enum cert_validity cert_expiry(long long not_after, long long now)
{
	if (now > not_after)
		return CERT_EXPIRED;
	if (not_after - now < CERT_SOON_SECONDS)
		return CERT_EXPIRES_SOON;
	return CERT_VALID;
}

bool cert_expiry_warning(long long not_after, long long now, char *buf, size_t bufsz)
{
	enum cert_validity v = cert_expiry(not_after, now);
	char end[32];

	if (bufsz > 0)
		buf[0] = '\0';
	if (v != CERT_EXPIRED && v != CERT_EXPIRES_SOON)
		return false;
	utc_text(not_after, UTC_DATE_TIME, end, sizeof end);
	if (v == CERT_EXPIRED)
		snprintf(buf, bufsz, "EXPIRED on %s UTC -- hint: %s", end, CERT_RENEW_HINT);
	else
		snprintf(buf, bufsz, "EXPIRES SOON (%s UTC) -- hint: %s", end, CERT_RENEW_HINT);
	return true;
}

bool cert_info_in_date(const struct cert_info *ci, long long now)
{
	enum cert_validity v;

	if (ci == NULL)
		return true;
	v = cert_info_validity(ci, now);
	return v != CERT_EXPIRED && v != CERT_NOT_YET_VALID;
}

/* ---- cert_info.h ---------------------------------------------------------------------------- */

int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *out)
{
	int rc;

	if (!out)
		return -1;
	memset(out, 0, sizeof *out);
	if (!der || len == 0 || len > CERT_TEXT_MAX)
		return -1;
	rc = cert_backend_describe(der, len, out);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

int cert_info_from_base64(const char *blob, struct cert_info *out)
{
	unsigned char *der;
	size_t derlen = 0;
	int rc;

	if (!out)
		return -1;
	memset(out, 0, sizeof *out);
	if (!blob)
		return -1;
	der = blob_decode(blob, &derlen);
	if (!der)
		return -1;
	/* The backend checks the DER framing (trailing bytes included) and zeroes out on failure. */
	rc = cert_info_from_der(der, derlen, out);
	free(der);
	return rc;
}

/* Bounded by the array so a struct filled by hand without a NUL cannot be over-read. */
static size_t field_len(const char *s, size_t max)
{
	const char *nul = memchr(s, '\0', max);
	return nul ? (size_t)(nul - s) : max;
}

void cert_info_summary(const struct cert_info *ci, char *buf, size_t bufsz)
{
	char tmp[1024], date[11];
	const char *who;
	int wholen, isslen;

	if (!buf || bufsz == 0)
		return;
	if (!ci) {
		buf[0] = '\0';
		return;
	}
	if (ci->subject_cn[0]) {
		who = ci->subject_cn;
		wholen = (int)field_len(ci->subject_cn, sizeof ci->subject_cn);
	} else {
		who = ci->subject;
		wholen = (int)field_len(ci->subject, sizeof ci->subject);
	}
	if (wholen == 0) {
		who = "?";
		wholen = 1;
	}
	isslen = (int)field_len(ci->issuer_cn, sizeof ci->issuer_cn);
	utc_text(ci->not_after_epoch, UTC_DATE, date, sizeof date);
	if (isslen > 0)
		snprintf(tmp, sizeof tmp, "%.*s (issuer %.*s, expires %s)", wholen, who, isslen,
		         ci->issuer_cn, date);
	else
		snprintf(tmp, sizeof tmp, "%.*s (expires %s)", wholen, who, date);
	/* Again, so that a struct filled by hand cannot carry escapes to the terminal either. */
	sanitize_str(buf, bufsz, tmp);
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* strcasestr is a GNU/BSD extension (missing on mingw) and tolower() follows the locale. */
static bool contains_nocase(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;
		while (k < n && ascii_lower((unsigned char)hay[i + k]) == ascii_lower((unsigned char)needle[k]))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* "sha256:AB:CD..." against the fingerprint: at least 8 hex digits, case and colons free. */
static bool fingerprint_matches(const struct cert_info *ci, const char *hex)
{
	size_t have = 0;

	for (; *hex != '\0'; hex++) {
		int c = tolower((unsigned char)*hex);

		if (c == ':')
			continue;
		if (have >= sizeof ci->sha256 - 1 || ci->sha256[have] != c)
			return false;
		have++;
	}
	return have >= 8;
}

enum cert_purpose cert_info_purpose(const struct cert_info *ci)
{
	if (ci->ca)
		return CERT_AN_ISSUER;
	if (ci->not_for_clients)
		return CERT_NOT_FOR_CLIENTS;
	if (ci->attestation)
		return CERT_AN_ATTESTATION;
	return CERT_FOR_LOGIN;
}

const char *cert_purpose_text(enum cert_purpose p)
{
	switch (p) {
	case CERT_AN_ISSUER:
		return "a CA certificate";
	case CERT_NOT_FOR_CLIENTS:
		return "its extended key usage does not allow TLS client logins";
	case CERT_AN_ATTESTATION:
		return "an attestation certificate, not one to log in with";
	case CERT_FOR_LOGIN:
		break;
	}
	return NULL;
}

/* The hex digits after "sha256:" or openssl's "SHA256 Fingerprint=" (any case); NULL if none. */
static const char *fingerprint_part(const char *pattern)
{
	static const char *const prefixes[] = {"sha256:", "sha256 fingerprint="};

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);

		size_t k = 0;

		while (k < n && ascii_lower((unsigned char)pattern[k]) == (unsigned char)prefixes[i][k])
			k++;
		if (k == n)
			return pattern + n;
	}
	return NULL;
}

int cert_pattern_fingerprint_digits(const char *pattern)
{
	const char *hex = pattern != NULL ? fingerprint_part(pattern) : NULL;
	int digits = 0;

	if (hex == NULL)
		return -1;
	for (; *hex != '\0'; hex++) {
		if (*hex == ':')
			continue;
		if (!((*hex >= '0' && *hex <= '9') || (ascii_lower((unsigned char)*hex) >= 'a' &&
		                                         ascii_lower((unsigned char)*hex) <= 'f')))
			return -2;
		digits++;
	}
	return digits;
}

bool cert_info_matches(const struct cert_info *ci, const char *pkcs11_id, const char *pattern)
{
	const char *hex;

	if (!pattern || !pattern[0])
		return true;
	hex = fingerprint_part(pattern);
	if (hex != NULL)
		return ci != NULL && fingerprint_matches(ci, hex);
	if (pkcs11_id && contains_nocase(pkcs11_id, strlen(pkcs11_id), pattern))
		return true;
	if (!ci)
		return false;
	return contains_nocase(ci->subject_cn, field_len(ci->subject_cn, sizeof ci->subject_cn),
	                       pattern) ||
	       contains_nocase(ci->subject, field_len(ci->subject, sizeof ci->subject), pattern);
}
