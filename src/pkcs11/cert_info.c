#include "pkcs11/cert_info.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

/*
 * OpenVPN hands us one management line, so a real BLOB is a few kilobytes; the cap keeps the
 * int that EVP_DecodeBlock takes far from overflowing.
 */
#define BLOB_MAX (1024 * 1024)

/*
 * Length of the UTF-8 sequence at s (1 for a byte that starts none); *ok tells whether it is a
 * character we are willing to send to a terminal.  Hand-written rather than left to the
 * locale so the answer is the same on every platform.
 */
static size_t utf8_char(const unsigned char *s, size_t avail, bool *ok)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	unsigned long cp;
	size_t n;

	*ok = false;
	if (c < 0x80) {
		*ok = c >= 0x20 && c != 0x7F;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return 1;
	}
	if (avail < n)
		return 1;
	for (size_t k = 1; k < n; k++) {
		unsigned char b = s[k];
		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
			return 1;
		cp = cp << 6 | (b & 0x3F);
	}
	/*
	 * C1 controls (U+009B is CSI for many terminals), line separators and the bidi
	 * controls that can make a name read differently from what it is.
	 */
	*ok = !(cp < 0xA0 || cp == 0x200E || cp == 0x200F || cp == 0x2028 || cp == 0x2029 ||
	        (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069));
	return n;
}

/*
 * Copies len bytes (which may hold NULs) as printable UTF-8, one '?' per rejected sequence,
 * and stops before a character that would not fit so the result is never a broken sequence.
 */
static void sanitize(char *dst, size_t dstsz, const unsigned char *src, size_t len)
{
	size_t o = 0;

	if (dstsz == 0)
		return;
	for (size_t i = 0; i < len;) {
		bool ok;
		size_t n = utf8_char(src + i, len - i, &ok);
		const unsigned char *from = ok ? src + i : (const unsigned char *)"?";
		size_t cnt = ok ? n : 1;

		if (cnt > dstsz - 1 - o)
			break;
		memcpy(dst + o, from, cnt);
		o += cnt;
		i += n;
	}
	dst[o] = '\0';
}

static bool is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/*
 * EVP_DecodeBlock alone is too forgiving (it skips surrounding whitespace) and counts padding
 * as zero bytes, which would leave trailing garbage after the DER; so the input is checked
 * strictly first and the padding subtracted afterwards.
 */
static unsigned char *b64_decode(const char *in, size_t *outlen)
{
	size_t len = strlen(in), pad = 0;
	unsigned char *buf;
	int n;

	if (len == 0 || len % 4 != 0 || len > BLOB_MAX)
		return NULL;
	if (in[len - 1] == '=') {
		pad++;
		if (in[len - 2] == '=')
			pad++;
	}
	for (size_t i = 0; i < len - pad; i++)
		if (!is_b64((unsigned char)in[i]))
			return NULL;
	buf = malloc(len / 4 * 3);
	if (!buf)
		return NULL;
	n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)len);
	if (n < 0 || (size_t)n != len / 4 * 3) {
		free(buf);
		return NULL;
	}
	*outlen = (size_t)n - pad;
	return buf;
}

/*
 * The last CN, because names list the most general part first.  ASN1_STRING_to_UTF8 rather
 * than X509_NAME_get_text_by_NID: the latter hands back BMPString/UniversalString bytes raw
 * and lets an embedded NUL hide the rest of the name.
 */
static void name_cn(const X509_NAME *name, char *dst, size_t dstsz)
{
	int idx = -1, last = -1, n;
	const ASN1_STRING *s;
	unsigned char *utf8 = NULL;

	dst[0] = '\0';
	while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0)
		last = idx;
	if (last < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
	if (!s)
		return;
	n = ASN1_STRING_to_UTF8(&utf8, s);
	if (n >= 0) {
		sanitize(dst, dstsz, utf8, (size_t)n);
		OPENSSL_free(utf8);
	} else {
		/* A malformed wide string still shows something the user may recognise. */
		sanitize(dst, dstsz, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	}
}

/*
 * Dropping ESC_MSB keeps non-ASCII names readable as UTF-8 instead of "\C3\BC"; sanitize()
 * then deals with what RFC 2253 escaping leaves alone (C1 controls, bidi overrides).
 */
static int name_oneline(const X509_NAME *name, char *dst, size_t dstsz)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	int rc = -1;

	dst[0] = '\0';
	if (!bio)
		return -1;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		if (len > 0 && data)
			sanitize(dst, dstsz, (const unsigned char *)data, (size_t)len);
		rc = 0;
	}
	BIO_free(bio);
	return rc;
}

/* Same text as `openssl x509 -serial`, so users can compare the two. */
static void serial_hex(const ASN1_INTEGER *sn, char *dst, size_t dstsz)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *d = ASN1_STRING_get0_data(sn);
	int len = ASN1_STRING_length(sn);
	size_t o = 0;

	if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER && dstsz - o > 1)
		dst[o++] = '-';
	if (len <= 0 && dstsz - o > 2) {
		dst[o++] = '0';
		dst[o++] = '0';
	}
	for (int i = 0; i < len && dstsz - o > 2; i++) {
		dst[o++] = hex[d[i] >> 4];
		dst[o++] = hex[d[i] & 0x0F];
	}
	dst[o] = '\0';
}

/*
 * Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm):
 * timegm() is not in C11 and mingw spells it differently, and mktime() would apply the
 * local time zone.
 */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int not_after(const ASN1_TIME *t, struct cert_info *out)
{
	struct tm tm;
	unsigned y, m, d;

	memset(&tm, 0, sizeof tm);
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	/* ASN1_TIME_to_tm has validated the fields; the checks bound them for the formatting. */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	y = (unsigned)(tm.tm_year + 1900);
	m = (unsigned)tm.tm_mon + 1;
	d = (unsigned)tm.tm_mday;
	out->not_after[0] = (char)('0' + y / 1000);
	out->not_after[1] = (char)('0' + y / 100 % 10);
	out->not_after[2] = (char)('0' + y / 10 % 10);
	out->not_after[3] = (char)('0' + y % 10);
	out->not_after[4] = '-';
	out->not_after[5] = (char)('0' + m / 10);
	out->not_after[6] = (char)('0' + m % 10);
	out->not_after[7] = '-';
	out->not_after[8] = (char)('0' + d / 10);
	out->not_after[9] = (char)('0' + d % 10);
	out->not_after[10] = '\0';
	out->not_after_epoch = days_from_civil(y, m, d) * 86400LL + tm.tm_hour * 3600LL +
	                       tm.tm_min * 60LL + tm.tm_sec;
	return 0;
}

int cert_info_from_base64(const char *blob, struct cert_info *out)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t derlen = 0;
	X509 *x = NULL;
	int rc = -1;

	if (!out)
		return -1;
	memset(out, 0, sizeof *out);
	if (!blob)
		return -1;
	der = b64_decode(blob, &derlen);
	if (!der || derlen == 0 || derlen > BLOB_MAX)
		goto done;
	p = der;
	x = d2i_X509(NULL, &p, (long)derlen);
	/* Bytes after the certificate mean the BLOB is not what OpenVPN would have sent. */
	if (!x || p != der + derlen)
		goto done;

	name_cn(X509_get_subject_name(x), out->subject_cn, sizeof out->subject_cn);
	name_cn(X509_get_issuer_name(x), out->issuer_cn, sizeof out->issuer_cn);
	if (name_oneline(X509_get_subject_name(x), out->subject, sizeof out->subject) < 0)
		goto done;
	serial_hex(X509_get0_serialNumber(x), out->serial_hex, sizeof out->serial_hex);
	if (not_after(X509_get0_notAfter(x), out) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		memset(out, 0, sizeof *out);
	X509_free(x);
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
	char tmp[1024];
	const char *who;
	int wholen, isslen, datelen;

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
	datelen = (int)field_len(ci->not_after, sizeof ci->not_after);
	if (isslen > 0)
		snprintf(tmp, sizeof tmp, "%.*s (issuer %.*s, expires %.*s)", wholen, who, isslen,
		         ci->issuer_cn, datelen, ci->not_after);
	else
		snprintf(tmp, sizeof tmp, "%.*s (expires %.*s)", wholen, who, datelen, ci->not_after);
	sanitize(buf, bufsz, (const unsigned char *)tmp, strlen(tmp));
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

bool cert_info_matches(const struct cert_info *ci, const char *pkcs11_id, const char *pattern)
{
	if (!pattern || !pattern[0])
		return true;
	if (pkcs11_id && contains_nocase(pkcs11_id, strlen(pkcs11_id), pattern))
		return true;
	if (!ci)
		return false;
	return contains_nocase(ci->subject_cn, field_len(ci->subject_cn, sizeof ci->subject_cn),
	                       pattern) ||
	       contains_nocase(ci->subject, field_len(ci->subject, sizeof ci->subject), pattern);
}
