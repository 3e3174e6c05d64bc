/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cert_backend_describe() with OpenSSL (the Linux build, and Windows with WITH_P11=1).  Only what
 * needs OpenSSL is here; the base64, summary and matching are cert/text.c's, the sanitising
 * ui/sanitize.c's.
 */
#include "cert/cert_info.h"
#include "cert/backend.h"
#include "codec/utc.h"
#include "ui/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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
		sanitize_text(dst, dstsz, utf8, (size_t)n);
		OPENSSL_free(utf8);
	} else {
		/* A malformed wide string still shows something the user may recognise. */
		sanitize_text(dst, dstsz, ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
	}
}

/*
 * Dropping ESC_MSB keeps non-ASCII names readable as UTF-8 instead of "\C3\BC"; sanitizing
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
			sanitize_text(dst, dstsz, data, (size_t)len);
		rc = 0;
	}
	BIO_free(bio);
	return rc;
}

/* OpenSSL keeps the magnitude big-endian and the sign in the type, as the printer wants it. */
static void serial_hex(const ASN1_INTEGER *sn, char *dst, size_t dstsz)
{
	int len = ASN1_STRING_length(sn);

	cert_text_serial_hex(ASN1_STRING_get0_data(sn), len > 0 ? (size_t)len : 0,
	                     ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER, dst, dstsz);
}

/* Seconds since 1970-01-01 UTC; -1 when unreadable or outside the years 0 to 9999. */
static int time_epoch(const ASN1_TIME *t, long long *epoch)
{
	struct tm tm;
	unsigned y, m, d;

	memset(&tm, 0, sizeof tm);
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	/* ASN1_TIME_to_tm has validated the fields; the checks keep the range both backends take. */
	if (tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31)
		return -1;
	y = (unsigned)(tm.tm_year + 1900);
	m = (unsigned)tm.tm_mon + 1;
	d = (unsigned)tm.tm_mday;
	*epoch = utc_epoch(y, m, d, (unsigned)tm.tm_hour, (unsigned)tm.tm_min, (unsigned)tm.tm_sec);
	return 0;
}

/* "RSA 2048", "EC P-256" (the NIST name where there is one), "Ed25519"; "?" without a key. */
static void key_type(X509 *x, char *dst, size_t dstsz)
{
	EVP_PKEY *key = X509_get0_pubkey(x);
	int bits;

	snprintf(dst, dstsz, "?");
	if (key == NULL)
		return;
	bits = EVP_PKEY_get_bits(key);
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		snprintf(dst, dstsz, "RSA %d", bits);
		break;
	case EVP_PKEY_EC: {
		char group[64] = "";
		size_t glen = 0;

		if (EVP_PKEY_get_group_name(key, group, sizeof group, &glen) == 1) {
			int nid = OBJ_sn2nid(group);
			const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;

			snprintf(dst, dstsz, "EC %.24s", nist != NULL ? nist : group);
		} else {
			snprintf(dst, dstsz, "EC %d", bits);
		}
		break;
	}
	case EVP_PKEY_ED25519:
		snprintf(dst, dstsz, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(dst, dstsz, "Ed448");
		break;
	default:
		snprintf(dst, dstsz, "%s %d", OBJ_nid2sn(EVP_PKEY_get_base_id(key)), bits);
		break;
	}
}

static void fingerprint(const unsigned char *der, size_t len, char *dst, size_t dstsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	dst[0] = '\0';
	if (EVP_Digest(der, len, md, &n, EVP_sha256(), NULL) != 1)
		return;
	for (unsigned int i = 0; i < n && 2 * i + 2 < dstsz; i++)
		snprintf(dst + 2 * i, 3, "%02x", md[i]);
}

/* YubiKey's PIV attestation extensions (1.3.6.1.4.1.41482.3.x) or "Attestation" in the subject. */
static bool attests(X509 *x, const char *subject_cn)
{
	char oid[80];

	for (int i = 0; i < X509_get_ext_count(x); i++) {
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(X509_get_ext(x, i));

		if (OBJ_obj2txt(oid, sizeof oid, obj, 1) > 0 &&
		    strncmp(oid, "1.3.6.1.4.1.41482.3.", 20) == 0)
			return true;
	}
	return strstr(subject_cn, "Attestation") != NULL;
}

/* The purpose fields: CA, client authentication allowed, attestation. */
static void purpose(X509 *x, struct cert_info *out)
{
	uint32_t xku;

	out->ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
	xku = X509_get_extended_key_usage(x);
	/* No EKU at all (UINT32_MAX) allows every use, and so does anyExtendedKeyUsage. */
	out->not_for_clients = xku != UINT32_MAX && (xku & (XKU_SSL_CLIENT | XKU_ANYEKU)) == 0;
	out->attestation = attests(x, out->subject_cn);
}

int cert_backend_describe(const unsigned char *der, size_t len, struct cert_info *out)
{
	const unsigned char *p = der;
	X509 *x = NULL;
	int rc = -1;

	/* len <= CERT_TEXT_MAX keeps the long that d2i_X509 takes from being truncated. */
	x = d2i_X509(NULL, &p, (long)len);
	/* Bytes after the certificate mean the BLOB is not what OpenVPN would have sent. */
	if (!x || p != der + len)
		goto done;

	name_cn(X509_get_subject_name(x), out->subject_cn, sizeof out->subject_cn);
	name_cn(X509_get_issuer_name(x), out->issuer_cn, sizeof out->issuer_cn);
	if (name_oneline(X509_get_subject_name(x), out->subject, sizeof out->subject) < 0 ||
	    name_oneline(X509_get_issuer_name(x), out->issuer, sizeof out->issuer) < 0)
		goto done;
	serial_hex(X509_get0_serialNumber(x), out->serial_hex, sizeof out->serial_hex);
	key_type(x, out->key_type, sizeof out->key_type);
	if (time_epoch(X509_get0_notBefore(x), &out->not_before_epoch) < 0 ||
	    time_epoch(X509_get0_notAfter(x), &out->not_after_epoch) < 0)
		goto done;
	fingerprint(der, len, out->sha256, sizeof out->sha256);
	purpose(x, out);
	rc = 0;
done:
	X509_free(x);
	return rc;
}

const char *cert_backend_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
