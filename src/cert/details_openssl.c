/*
 * The display fields of a struct p11_cert, from its DER with OpenSSL.  Subject CN and serial
 * come from cert_info (the same text the session shows); the rest is read here.
 */
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert/cert_info.h"
#include "pkcs11/provider_libp11_internal.h"

/*
 * RFC 2253 with its escaping of control and non-ASCII bytes left on: the text stays plain
 * ASCII, so a name on the token can never reach the terminal as an escape sequence.
 */
static void name_line(const X509_NAME *name, char *dst, size_t dstsz)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;

	dst[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		if (len > 0 && data != NULL) {
			size_t n = (size_t)len < dstsz - 1 ? (size_t)len : dstsz - 1;

			memcpy(dst, data, n);
			dst[n] = '\0';
		}
	}
	BIO_free(bio);
}

/* "YYYY-MM-DD HH:MM:SS" UTC and seconds since the epoch; false when unreadable. */
static bool time_of(const ASN1_TIME *t, char *dst, size_t dstsz, long long *epoch)
{
	struct tm tm;
	ASN1_TIME *zero;
	int days = 0, secs = 0;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return false;
	/* ASN1_TIME_to_tm validated the fields; the modulos only bound them for the compiler. */
	snprintf(dst, dstsz, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	         (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
	/* Difference from 1970-01-01 by OpenSSL itself: no timegm(), which Windows lacks. */
	zero = ASN1_TIME_set(NULL, 0);
	if (zero == NULL || !ASN1_TIME_diff(&days, &secs, zero, t)) {
		ASN1_TIME_free(zero);
		return false;
	}
	ASN1_TIME_free(zero);
	*epoch = (long long)days * 86400 + secs;
	return true;
}

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

/* cert_info takes base64 (what OpenVPN's BLOB is); a certificate is a few KiB. */
static void describe_with_cert_info(struct p11_cert *c)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct cert_info ci;
	char *text = malloc((c->der_len + 2) / 3 * 4 + 1);
	size_t o = 0;

	if (text == NULL)
		return;
	for (size_t i = 0; i < c->der_len; i += 3) {
		unsigned long v = (unsigned long)c->der[i] << 16;
		size_t left = c->der_len - i;

		if (left > 1)
			v |= (unsigned long)c->der[i + 1] << 8;
		if (left > 2)
			v |= c->der[i + 2];
		text[o++] = b64[v >> 18 & 63];
		text[o++] = b64[v >> 12 & 63];
		text[o++] = left > 1 ? b64[v >> 6 & 63] : '=';
		text[o++] = left > 2 ? b64[v & 63] : '=';
	}
	text[o] = '\0';
	if (cert_info_from_base64(text, &ci) == 0) {
		snprintf(c->subject, sizeof c->subject, "%s", ci.subject);
		snprintf(c->subject_cn, sizeof c->subject_cn, "%s", ci.subject_cn);
		snprintf(c->serial_hex, sizeof c->serial_hex, "%s", ci.serial_hex);
	}
	free(text);
}

void p11_describe_cert(struct p11_cert *c)
{
	const unsigned char *p = c->der;
	X509 *x = d2i_X509(NULL, &p, (long)c->der_len);

	c->described = false;
	if (x == NULL)
		return;
	describe_with_cert_info(c);
	name_line(X509_get_issuer_name(x), c->issuer, sizeof c->issuer);
	key_type(x, c->key_type, sizeof c->key_type);
	c->described = time_of(X509_get0_notBefore(x), c->not_before, sizeof c->not_before,
	                       &c->not_before_epoch) &&
	               time_of(X509_get0_notAfter(x), c->not_after, sizeof c->not_after,
	                       &c->not_after_epoch);
	X509_free(x);
}

bool p11_cert_signed(const struct p11_cert *a, const struct p11_cert *b)
{
	const unsigned char *pa = a->der, *pb = b->der;
	X509 *xa = d2i_X509(NULL, &pa, (long)a->der_len);
	X509 *xb = d2i_X509(NULL, &pb, (long)b->der_len);
	EVP_PKEY *key = xa != NULL ? X509_get0_pubkey(xa) : NULL;
	bool signed_it = key != NULL && xb != NULL && X509_verify(xb, key) == 1;

	X509_free(xa);
	X509_free(xb);
	return signed_it;
}
