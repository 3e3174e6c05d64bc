/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cert_backend_describe() on Windows without OpenSSL: the CryptoAPI (crypt32) parses the
 * certificate.  The base64, dates, summary and matching are cert/text.c's, shared with the
 * OpenSSL backend; the sanitising is ui/sanitize.c's.
 *
 * It must describe a certificate exactly as cert_openssl.c does with OpenSSL (same fields, same
 * text), so the subject line is formatted here the way OpenSSL's RFC 2253 printer does it.
 * Names are decoded with X509_UNICODE_NAME rather than read with CertGetNameStringW: that one
 * returns the *first* CN and stops at an embedded NUL, where the user needs the last CN and a
 * visible '?'.
 */
#include "cert/cert_info.h"
#include "cert/backend.h"
#include "ui/sanitize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wincrypt.h>

/* ---- a growing byte string ------------------------------------------------------------------ */

struct text {
	unsigned char *p;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const void *bytes, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n > t->cap) {
		size_t cap = (t->len + n) * 2 + 64;
		unsigned char *p = realloc(t->p, cap);

		if (p == NULL) {
			t->failed = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, bytes, n);
	t->len += n;
}

static void put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/*
 * UTF-16 -> UTF-8 by hand: a lone surrogate becomes the byte 0xFF (never valid UTF-8) so that
 * sanitize_text() shows it as '?', and an embedded NUL stays in the byte string for the
 * same reason.
 */
static void put_utf16(struct text *t, const WCHAR *w, size_t units)
{
	for (size_t i = 0; i < units; i++) {
		unsigned long cp = w[i];
		unsigned char b[4];
		size_t n;

		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units && w[i + 1] >= 0xDC00 &&
		    w[i + 1] <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (w[i + 1] - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			put(t, "\xFF", 1);
			continue;
		}
		if (cp < 0x80) {
			b[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (unsigned char)(0xC0 | cp >> 6);
			b[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xE0 | cp >> 12);
			b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | cp >> 18);
			b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			b[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		put(t, b, n);
	}
}

/* ---- DER framing ---------------------------------------------------------------------------- */

/*
 * The DER item at p (avail bytes there) when it has this tag and fits: its header and body
 * lengths.  Definite lengths of up to 4 bytes only, which is all a certificate needs.
 */
static bool der_item(const unsigned char *p, size_t avail, unsigned char tag, size_t *hdr,
                     size_t *body)
{
	*hdr = 2;
	*body = 0;
	if (avail < 2 || p[0] != tag)
		return false;
	if (p[1] < 0x80) {
		*body = p[1];
	} else {
		size_t nlen = p[1] & 0x7F;

		if (nlen == 0 || nlen > 4 || avail < 2 + nlen)
			return false;
		for (size_t i = 0; i < nlen; i++)
			*body = *body << 8 | p[2 + i];
		*hdr += nlen;
	}
	return *body <= avail - *hdr;
}

/*
 * True when der is exactly one DER SEQUENCE: the CryptoAPI decodes a certificate and ignores
 * what follows it, but bytes after it mean the BLOB is not what OpenVPN would have sent.
 */
static bool one_sequence(const unsigned char *der, size_t len)
{
	size_t hdr, body;

	return der_item(der, len, 0x30, &hdr, &body) && hdr + body == len;
}

/* ---- names ---------------------------------------------------------------------------------- */

static CERT_NAME_INFO *decode_name(const CERT_NAME_BLOB *blob)
{
	CERT_NAME_INFO *info = NULL;
	DWORD size = 0;

	/* X509_UNICODE_NAME: every string type (UTF8, BMP, Printable, ...) arrives as UTF-16. */
	if (!CryptDecodeObjectEx(X509_ASN_ENCODING, X509_UNICODE_NAME, blob->pbData, blob->cbData,
	                         CRYPT_DECODE_ALLOC_FLAG, NULL, &info, &size))
		return NULL;
	return info;
}

static bool is_string_value(DWORD type)
{
	return type != CERT_RDN_ANY_TYPE && type != CERT_RDN_ENCODED_BLOB &&
	       type != CERT_RDN_OCTET_STRING;
}

/* An attribute's value as UTF-8 bytes (possibly with NULs, not yet sanitized). */
static void put_value(struct text *t, const CERT_RDN_ATTR *a)
{
	if (is_string_value(a->dwValueType)) {
		const WCHAR *w = (const WCHAR *)a->Value.pbData;
		size_t units = a->Value.cbData / sizeof(WCHAR);

		/* Some crypt32 versions count the terminating NUL in cbData; it is not the value's. */
		if (units > 0 && w[units - 1] == 0)
			units--;
		put_utf16(t, w, units);
	} else
		put(t, a->Value.pbData, a->Value.cbData);
}

/* The last CN, because names list the most general part first. */
static void name_cn(const CERT_NAME_INFO *name, char *dst, size_t dstsz)
{
	const CERT_RDN_ATTR *last = NULL;
	struct text t = {NULL, 0, 0, false};

	dst[0] = '\0';
	for (DWORD r = 0; name != NULL && r < name->cRDN; r++)
		for (DWORD i = 0; i < name->rgRDN[r].cRDNAttr; i++)
			if (strcmp(name->rgRDN[r].rgRDNAttr[i].pszObjId, szOID_COMMON_NAME) == 0)
				last = &name->rgRDN[r].rgRDNAttr[i];
	if (last == NULL)
		return;
	put_value(&t, last);
	if (!t.failed)
		sanitize_text(dst, dstsz, t.p, t.len);
	free(t.p);
}

/* OpenSSL's short names, which its RFC 2253 printer uses; other types print as dotted OIDs. */
static const char *short_name(const char *oid)
{
	static const struct {
		const char *oid, *name;
	} names[] = {
		{"2.5.4.3", "CN"},
		{"2.5.4.4", "SN"},
		{"2.5.4.5", "serialNumber"},
		{"2.5.4.6", "C"},
		{"2.5.4.7", "L"},
		{"2.5.4.8", "ST"},
		{"2.5.4.9", "street"},
		{"2.5.4.10", "O"},
		{"2.5.4.11", "OU"},
		{"2.5.4.12", "title"},
		{"2.5.4.13", "description"},
		{"2.5.4.17", "postalCode"},
		{"2.5.4.41", "name"},
		{"2.5.4.42", "GN"},
		{"2.5.4.43", "initials"},
		{"2.5.4.44", "generationQualifier"},
		{"2.5.4.46", "dnQualifier"},
		{"2.5.4.65", "pseudonym"},
		{"0.9.2342.19200300.100.1.1", "UID"},
		{"0.9.2342.19200300.100.1.25", "DC"},
		{"1.2.840.113549.1.9.1", "emailAddress"},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(oid, names[i].oid) == 0)
			return names[i].name;
	return oid;
}

/*
 * RFC 2253 escaping as OpenSSL does it with XN_FLAG_RFC2253 minus ASN1_STRFLGS_ESC_MSB:
 * the specials with a backslash, '#' first and ' ' first or last too, control bytes as \XX,
 * everything else (UTF-8 included) as it is.
 */
static void put_escaped(struct text *t, const unsigned char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = v[i];
		char esc[4];

		if (c < 0x20 || c == 0x7F) {
			snprintf(esc, sizeof esc, "\\%02X", c);
			put_str(t, esc);
			continue;
		}
		if (strchr(",+\"\\<>;", c) != NULL || (c == '#' && i == 0) ||
		    (c == ' ' && (i == 0 || i == len - 1)))
			put(t, "\\", 1);
		put(t, &c, 1);
	}
}

/* Last RDN first, ',' between RDNs and '+' inside a multi-valued one. */
static int name_oneline(const CERT_NAME_INFO *name, char *dst, size_t dstsz)
{
	struct text t = {NULL, 0, 0, false};

	dst[0] = '\0';
	for (DWORD r = name->cRDN; r-- > 0;) {
		const CERT_RDN *rdn = &name->rgRDN[r];

		if (r + 1 != name->cRDN)
			put(&t, ",", 1);
		for (DWORD i = 0; i < rdn->cRDNAttr; i++) {
			struct text v = {NULL, 0, 0, false};

			if (i > 0)
				put(&t, "+", 1);
			put_str(&t, short_name(rdn->rgRDNAttr[i].pszObjId));
			put(&t, "=", 1);
			put_value(&v, &rdn->rgRDNAttr[i]);
			t.failed |= v.failed;
			if (!v.failed && v.len > 0)
				put_escaped(&t, v.p, v.len);
			free(v.p);
		}
	}
	if (t.failed) {
		free(t.p);
		return -1;
	}
	if (t.len > 0)
		sanitize_text(dst, dstsz, t.p, t.len);
	free(t.p);
	return 0;
}

/* ---- serial and dates ------------------------------------------------------------------------ */

/*
 * The CryptoAPI stores the two's-complement integer little-endian; the shared printer wants
 * the big-endian magnitude without leading zero bytes and the sign apart.
 */
static void serial_hex(const CRYPT_INTEGER_BLOB *sn, char *dst, size_t dstsz)
{
	size_t n = sn->cbData, start;
	unsigned char *mag = malloc(n > 0 ? n : 1);
	bool negative = n > 0 && (sn->pbData[n - 1] & 0x80);
	unsigned carry = 1;

	dst[0] = '\0';
	if (mag == NULL)
		return;
	/* Big-endian magnitude: for a negative number, invert and add one. */
	for (size_t i = 0; i < n; i++) {
		unsigned char b = sn->pbData[i];

		if (negative) {
			unsigned v = (unsigned char)~b + carry;

			b = (unsigned char)v;
			carry = v >> 8;
		}
		mag[n - 1 - i] = b;
	}
	for (start = 0; start < n && mag[start] == 0; start++)
		;
	cert_text_serial_hex(mag + start, n - start, negative, dst, dstsz);
	free(mag);
}

/* Seconds since 1970-01-01 UTC; -1 outside the years 0 to 9999 (as cert_openssl.c). */
static int time_epoch(const FILETIME *ft, long long *epoch)
{
	/* 100 ns ticks from 1601-01-01 to 1970-01-01. */
	const long long epoch_ticks = 116444736000000000LL;
	long long ticks = (long long)((unsigned long long)ft->dwHighDateTime << 32 | ft->dwLowDateTime);
	SYSTEMTIME st;

	if (!FileTimeToSystemTime(ft, &st) || st.wYear > 9999)
		return -1;
	/* Floor division: 1969-12-31T23:59:59Z is -1, not 0. */
	ticks -= epoch_ticks;
	*epoch = ticks >= 0 ? ticks / 10000000 : -((-ticks + 9999999) / 10000000);
	return 0;
}

/* ---- the key ------------------------------------------------------------------------------ */

/* Bits of an RSA modulus from the RSAPublicKey DER (SEQUENCE { INTEGER n, INTEGER e }). */
static int rsa_bits(const CRYPT_BIT_BLOB *key)
{
	const unsigned char *p = key->pbData;
	size_t avail = key->cbData, hdr, body;
	int bits;

	if (!der_item(p, avail, 0x30, &hdr, &body))
		return 0;
	p += hdr;
	avail = body;
	if (!der_item(p, avail, 0x02, &hdr, &body) || body == 0)
		return 0;
	p += hdr;
	while (body > 1 && *p == 0) {
		p++;
		body--;
	}
	bits = (int)(body - 1) * 8;
	for (unsigned char top = *p; top != 0; top >>= 1)
		bits++;
	return bits;
}

/* The curve OID (the algorithm's parameters, DER) by the name OpenSSL prints for it. */
static const char *curve_name(const CRYPT_OBJID_BLOB *params)
{
	static const struct {
		unsigned char der[12];
		size_t len;
		const char *name;
	} curves[] = {
		{{0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07}, 10, "P-256"},
		{{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22}, 7, "P-384"},
		{{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23}, 7, "P-521"},
		{{0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A}, 7, "secp256k1"},
	};

	for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++)
		if (params->cbData == curves[i].len &&
		    memcmp(params->pbData, curves[i].der, curves[i].len) == 0)
			return curves[i].name;
	return "?";
}

/* As cert_openssl.c's key_type(); key types it names by OpenSSL's short name show as "?". */
static void key_type(const CERT_PUBLIC_KEY_INFO *pk, char *dst, size_t dstsz)
{
	const char *oid = pk->Algorithm.pszObjId != NULL ? pk->Algorithm.pszObjId : "";

	if (strcmp(oid, szOID_RSA_RSA) == 0 || strcmp(oid, "1.2.840.113549.1.1.10") == 0)
		snprintf(dst, dstsz, "RSA %d", rsa_bits(&pk->PublicKey));
	else if (strcmp(oid, szOID_ECC_PUBLIC_KEY) == 0)
		snprintf(dst, dstsz, "EC %s", curve_name(&pk->Algorithm.Parameters));
	else if (strcmp(oid, "1.3.101.112") == 0)
		snprintf(dst, dstsz, "Ed25519");
	else if (strcmp(oid, "1.3.101.113") == 0)
		snprintf(dst, dstsz, "Ed448");
	else
		snprintf(dst, dstsz, "?");
}

/* ---- cert_info.h ----------------------------------------------------------------------------- */

static void fingerprint(PCCERT_CONTEXT cert, char *dst, size_t dstsz)
{
	BYTE hash[32];
	DWORD n = sizeof hash;

	dst[0] = '\0';
	if (!CertGetCertificateContextProperty(cert, CERT_SHA256_HASH_PROP_ID, hash, &n))
		return;
	for (DWORD i = 0; i < n && 2 * i + 2 < dstsz; i++)
		snprintf(dst + 2 * i, 3, "%02x", hash[i]);
}

static bool is_ca(PCCERT_CONTEXT cert)
{
	PCERT_EXTENSION ext = CertFindExtension(szOID_BASIC_CONSTRAINTS2,
	                                        cert->pCertInfo->cExtension,
	                                        cert->pCertInfo->rgExtension);
	CERT_BASIC_CONSTRAINTS2_INFO info;
	DWORD n = sizeof info;

	return ext != NULL &&
	       CryptDecodeObject(X509_ASN_ENCODING, X509_BASIC_CONSTRAINTS2, ext->Value.pbData,
	                         ext->Value.cbData, 0, &info, &n) &&
	       info.fCA;
}

/* An extended key usage that names neither clientAuth nor anyExtendedKeyUsage. */
static bool not_for_clients(PCCERT_CONTEXT cert)
{
	DWORD n = 0;
	CERT_ENHKEY_USAGE *usage;
	bool client = false;

	if (!CertGetEnhancedKeyUsage(cert, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG, NULL, &n))
		return false; /* no extension: every use */
	usage = malloc(n);
	if (usage == NULL ||
	    !CertGetEnhancedKeyUsage(cert, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG, usage, &n)) {
		free(usage);
		return false;
	}
	for (DWORD i = 0; i < usage->cUsageIdentifier; i++)
		client = client || strcmp(usage->rgpszUsageIdentifier[i], szOID_PKIX_KP_CLIENT_AUTH) == 0 ||
		         strcmp(usage->rgpszUsageIdentifier[i], "2.5.29.37.0") == 0;
	free(usage);
	return !client;
}

/* YubiKey's PIV attestation extensions (1.3.6.1.4.1.41482.3.x) or "Attestation" in the subject. */
static bool attests(PCCERT_CONTEXT cert, const char *subject_cn)
{
	for (DWORD i = 0; i < cert->pCertInfo->cExtension; i++)
		if (strncmp(cert->pCertInfo->rgExtension[i].pszObjId, "1.3.6.1.4.1.41482.3.", 20) == 0)
			return true;
	return strstr(subject_cn, "Attestation") != NULL;
}

int cert_backend_describe(const unsigned char *der, size_t len, struct cert_info *out)
{
	PCCERT_CONTEXT cert = NULL;
	CERT_NAME_INFO *subject = NULL, *issuer = NULL;
	int rc = -1;

	/* len <= CERT_TEXT_MAX keeps the DWORD CertCreateCertificateContext takes from truncating. */
	if (!one_sequence(der, len))
		return -1;
	cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, (DWORD)len);
	if (!cert)
		goto done;
	subject = decode_name(&cert->pCertInfo->Subject);
	issuer = decode_name(&cert->pCertInfo->Issuer);
	if (!subject)
		goto done;
	name_cn(subject, out->subject_cn, sizeof out->subject_cn);
	name_cn(issuer, out->issuer_cn, sizeof out->issuer_cn);
	if (name_oneline(subject, out->subject, sizeof out->subject) < 0 ||
	    (issuer != NULL && name_oneline(issuer, out->issuer, sizeof out->issuer) < 0))
		goto done;
	serial_hex(&cert->pCertInfo->SerialNumber, out->serial_hex, sizeof out->serial_hex);
	key_type(&cert->pCertInfo->SubjectPublicKeyInfo, out->key_type, sizeof out->key_type);
	if (time_epoch(&cert->pCertInfo->NotBefore, &out->not_before_epoch) < 0 ||
	    time_epoch(&cert->pCertInfo->NotAfter, &out->not_after_epoch) < 0)
		goto done;
	fingerprint(cert, out->sha256, sizeof out->sha256);
	out->ca = is_ca(cert);
	out->not_for_clients = not_for_clients(cert);
	out->attestation = attests(cert, out->subject_cn);
	rc = 0;
done:
	LocalFree(subject);
	LocalFree(issuer);
	if (cert)
		CertFreeCertificateContext(cert);
	return rc;
}

const char *cert_backend_version(void)
{
	return "Windows CryptoAPI";
}
