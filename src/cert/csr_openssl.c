/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cert/csr.h with OpenSSL.  The request is put together here and its to-be-signed part hashed
 * here; only the private-key operation goes to the token (the caller's csr_sign_fn: CKM_RSA_PKCS
 * on the DigestInfo, CKM_ECDSA on the hash), so no engine or provider has to reach the token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/csr.h"

static void ssl_error(char *err, size_t errsz, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[200];

	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof reason);
		snprintf(err, errsz, "%s: %s", what, reason);
	} else {
		snprintf(err, errsz, "%s failed", what);
	}
	ERR_clear_error();
}

/* "/CN=a/O=b" into name; a '/' inside a value is written "\/". */
static int parse_subject(const char *text, X509_NAME *name, char *err, size_t errsz)
{
	char field[64], value[256];
	const char *p = text;

	if (text == NULL || text[0] != '/') {
		snprintf(err, errsz, "the subject must look like \"/CN=name\" (got \"%s\")",
		         text != NULL ? text : "");
		return -1;
	}
	while (*p == '/') {
		size_t f = 0, v = 0;

		p++;
		while (*p != '\0' && *p != '=' && *p != '/' && f + 1 < sizeof field)
			field[f++] = *p++;
		field[f] = '\0';
		if (*p != '=' || f == 0) {
			snprintf(err, errsz, "subject: \"%s\" is not FIELD=VALUE", field);
			return -1;
		}
		p++;
		while (*p != '\0' && *p != '/' && v + 1 < sizeof value) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			value[v++] = *p++;
		}
		value[v] = '\0';
		if (v == 0) {
			snprintf(err, errsz, "subject: %s has no value", field);
			return -1;
		}
		if (*p != '\0' && *p != '/') {
			snprintf(err, errsz, "subject: the value of %s is too long", field);
			return -1;
		}
		if (OBJ_txt2nid(field) == NID_undef ||
		    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, (const unsigned char *)value,
		                               -1, -1, 0) != 1) {
			ERR_clear_error();
			snprintf(err, errsz, "subject: unknown field %s (CN, O, OU, C, L, ST, ...)", field);
			return -1;
		}
	}
	if (*p != '\0' || X509_NAME_entry_count(name) == 0) {
		snprintf(err, errsz, "the subject must look like \"/CN=name\"");
		return -1;
	}
	return 0;
}

int csr_subject_check(const char *subject, char *err, size_t errsz)
{
	X509_NAME *name = X509_NAME_new();
	int rc;

	if (name == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = parse_subject(subject, name, err, errsz);
	X509_NAME_free(name);
	return rc;
}

static EVP_PKEY *pkey_of(const struct csr_pubkey *pub, char *err, size_t errsz)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *e = NULL;
	ASN1_OBJECT *curve = NULL;
	const unsigned char *p = pub->ec_params;
	int ok = 0;

	if (bld == NULL)
		goto done;
	if (pub->ec) {
		if (d2i_ASN1_OBJECT(&curve, &p, (long)pub->ec_params_len) == NULL ||
		    OBJ_obj2nid(curve) == NID_undef) {
			snprintf(err, errsz, "the token's key is on a curve OpenSSL does not know");
			goto done;
		}
		ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
		                                     OBJ_nid2sn(OBJ_obj2nid(curve)), 0) &&
		     OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub->ec_point,
		                                      pub->ec_point_len);
	} else {
		n = BN_bin2bn(pub->modulus, (int)pub->modulus_len, NULL);
		e = BN_bin2bn(pub->exponent, (int)pub->exponent_len, NULL);
		ok = n != NULL && e != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
		     OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
	}
	if (!ok || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, pub->ec ? "EC" : "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		ssl_error(err, errsz, "the token's public key");
		pkey = NULL;
	}
done:
	if (pkey == NULL && err[0] == '\0')
		snprintf(err, errsz, "out of memory");
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ASN1_OBJECT_free(curve);
	return pkey;
}

/* What a VPN client certificate needs: signing in the TLS handshake, as a TLS client. */
static int add_extensions(X509_REQ *req)
{
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_EXTENSION *ku = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage, "critical,digitalSignature");
	X509_EXTENSION *eku = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, "clientAuth");
	int ok = exts != NULL && ku != NULL && eku != NULL && sk_X509_EXTENSION_push(exts, ku) > 0;

	if (ok)
		ku = NULL;
	ok = ok && sk_X509_EXTENSION_push(exts, eku) > 0;
	if (ok)
		eku = NULL;
	ok = ok && X509_REQ_add_extensions(req, exts) == 1;
	X509_EXTENSION_free(ku);
	X509_EXTENSION_free(eku);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return ok ? 0 : -1;
}

/* The DER prefix of a SHA-256 DigestInfo (RFC 8017, 9.2 note 1). */
static const unsigned char di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };

/* r || s from CKM_ECDSA into the DER ECDSA-Sig-Value of X.509 signatures. */
static int ecdsa_der(const unsigned char *raw, size_t len, unsigned char **der, int *derlen)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL);
	BIGNUM *s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);

	*der = NULL;
	if (sig == NULL || r == NULL || s == NULL || len == 0 || len % 2 != 0 ||
	    ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return -1;
	}
	*derlen = i2d_ECDSA_SIG(sig, der);
	ECDSA_SIG_free(sig);
	return *derlen > 0 ? 0 : -1;
}

/* Signs req's to-be-signed part through the token and puts algorithm and signature in. */
static int sign_request(X509_REQ *req, const struct csr_pubkey *pub, const EVP_MD *md,
                        csr_sign_fn sign, void *sign_ctx, char *err, size_t errsz)
{
	unsigned char *tbs = NULL, *der = NULL, in[128], raw[1024];
	unsigned int hlen = 0;
	size_t inlen = 0, rawlen = 0;
	int tbslen, derlen = 0, rc = -1, sig_nid;
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_BIT_STRING *bits = ASN1_BIT_STRING_new();

	sig_nid = !pub->ec ? NID_sha256WithRSAEncryption :
	          md == EVP_sha384() ? NID_ecdsa_with_SHA384 : NID_ecdsa_with_SHA256;
	if (alg == NULL || bits == NULL ||
	    X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid), pub->ec ? V_ASN1_UNDEF : V_ASN1_NULL,
	                    NULL) != 1) {
		snprintf(err, errsz, "out of memory");
		goto done;
	}
	/* The algorithm first: the to-be-signed part does not hold it, but the request must. */
	if (X509_REQ_set1_signature_algo(req, alg) != 1 ||
	    (tbslen = i2d_re_X509_REQ_tbs(req, &tbs)) <= 0) {
		ssl_error(err, errsz, "encoding the request");
		goto done;
	}
	if (!pub->ec) {
		memcpy(in, di_sha256, sizeof di_sha256);
		inlen = sizeof di_sha256;
	}
	if (EVP_Digest(tbs, (size_t)tbslen, in + inlen, &hlen, md, NULL) != 1) {
		ssl_error(err, errsz, "hashing the request");
		goto done;
	}
	inlen += hlen;
	if (sign(sign_ctx, in, inlen, raw, sizeof raw, &rawlen, err, errsz) != 0)
		goto done;
	if (pub->ec) {
		if (ecdsa_der(raw, rawlen, &der, &derlen) != 0) {
			snprintf(err, errsz, "the token's ECDSA signature is not r || s");
			goto done;
		}
		ASN1_BIT_STRING_set(bits, der, derlen);
	} else {
		ASN1_BIT_STRING_set(bits, raw, (int)rawlen);
	}
	/* No unused bits: a signature is whole bytes. */
	bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	X509_REQ_set0_signature(req, bits);
	bits = NULL;
	rc = 0;
done:
	OPENSSL_free(tbs);
	OPENSSL_free(der);
	X509_ALGOR_free(alg);
	ASN1_BIT_STRING_free(bits);
	return rc;
}

int csr_build(const char *subject, const unsigned char *subject_der, size_t subject_der_len,
              const struct csr_pubkey *pub, csr_sign_fn sign, void *sign_ctx, char **pem,
              char *err, size_t errsz)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	char *mem;
	long n;
	int rc = -1;
	const EVP_MD *md = EVP_sha256();

	*pem = NULL;
	err[0] = '\0';
	if (req == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (subject != NULL) {
		name = X509_NAME_new();
		if (name == NULL || parse_subject(subject, name, err, errsz) != 0)
			goto done;
	} else {
		const unsigned char *p = subject_der;

		if (subject_der == NULL ||
		    d2i_X509_NAME(&name, &p, (long)subject_der_len) == NULL) {
			snprintf(err, errsz, "the certificate's subject does not parse");
			goto done;
		}
	}
	if ((pkey = pkey_of(pub, err, errsz)) == NULL)
		goto done;
	if (pub->ec && EVP_PKEY_get_bits(pkey) >= 384)
		md = EVP_sha384();
	if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 || X509_REQ_set_pubkey(req, pkey) != 1 ||
	    add_extensions(req) != 0) {
		ssl_error(err, errsz, "building the request");
		goto done;
	}
	if (sign_request(req, pub, md, sign, sign_ctx, err, errsz) != 0)
		goto done;
	/* Our own check before anyone sees it: the token signed with the key it gave us. */
	if (X509_REQ_verify(req, pkey) != 1) {
		ssl_error(err, errsz, "the token's signature on the request does not verify");
		goto done;
	}
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_X509_REQ(bio, req) != 1 ||
	    (n = BIO_get_mem_data(bio, &mem)) <= 0 || (*pem = malloc((size_t)n + 1)) == NULL) {
		ssl_error(err, errsz, "writing the request");
		goto done;
	}
	memcpy(*pem, mem, (size_t)n);
	(*pem)[n] = '\0';
	rc = 0;
done:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	X509_NAME_free(name);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

/* ---------------------------------------------------------------- the certificate that comes back */

static int pubkey_of(EVP_PKEY *pk, struct csr_pubkey *out)
{
	BIGNUM *n = NULL, *e = NULL;
	char group[64];
	int nid, rc = -1;
	unsigned char *p;
	ASN1_OBJECT *obj;

	memset(out, 0, sizeof *out);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
		    (size_t)BN_num_bytes(n) > sizeof out->modulus ||
		    (size_t)BN_num_bytes(e) > sizeof out->exponent)
			break;
		out->modulus_len = (size_t)BN_bn2bin(n, out->modulus);
		out->exponent_len = (size_t)BN_bn2bin(e, out->exponent);
		rc = 0;
		break;
	case EVP_PKEY_EC:
		out->ec = true;
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
		                                   NULL) != 1 ||
		    (nid = OBJ_sn2nid(group)) == NID_undef || (obj = OBJ_nid2obj(nid)) == NULL ||
		    i2d_ASN1_OBJECT(obj, NULL) > (int)sizeof out->ec_params)
			break;
		p = out->ec_params;
		out->ec_params_len = (size_t)i2d_ASN1_OBJECT(obj, &p);
		if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, out->ec_point,
		                                    sizeof out->ec_point, &out->ec_point_len) != 1)
			break;
		rc = 0;
		break;
	default:
		break;
	}
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
	return rc;
}

static int dup_der(int len, unsigned char *der, unsigned char **out, size_t *outlen)
{
	if (len <= 0)
		return -1;
	*out = der;
	*outlen = (size_t)len;
	return 0;
}

static int fill(X509 *x, struct csr_cert *out, char *err, size_t errsz)
{
	unsigned char *der = NULL;
	int len;

	memset(out, 0, sizeof *out);
	len = i2d_X509(x, &der);
	if (dup_der(len, der, &out->der, &out->der_len) != 0)
		goto bad;
	der = NULL;
	len = i2d_X509_NAME(X509_get_subject_name(x), &der);
	if (dup_der(len, der, &out->subject_der, &out->subject_der_len) != 0)
		goto bad;
	der = NULL;
	len = i2d_X509_NAME(X509_get_issuer_name(x), &der);
	if (dup_der(len, der, &out->issuer_der, &out->issuer_der_len) != 0)
		goto bad;
	der = NULL;
	len = i2d_ASN1_INTEGER(X509_get_serialNumber(x), &der);
	if (dup_der(len, der, &out->serial_der, &out->serial_der_len) != 0)
		goto bad;
	if (X509_get0_pubkey(x) == NULL || pubkey_of(X509_get0_pubkey(x), &out->pub) != 0) {
		csr_cert_free(out);
		snprintf(err, errsz, "the certificate's key is neither RSA nor EC");
		return -1;
	}
	if (cert_info_from_der(out->der, out->der_len, &out->info) != 0) {
		csr_cert_free(out);
		snprintf(err, errsz, "the certificate's dates do not parse");
		return -1;
	}
	out->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
	return 0;
bad:
	csr_cert_free(out);
	ssl_error(err, errsz, "encoding the certificate");
	return -1;
}

int csr_cert_from_der(const unsigned char *der, size_t len, struct csr_cert *out, char *err,
                      size_t errsz)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int rc;

	memset(out, 0, sizeof *out);
	if (x == NULL || p != der + len) {
		X509_free(x);
		snprintf(err, errsz, "not one DER certificate");
		ERR_clear_error();
		return -1;
	}
	rc = fill(x, out, err, errsz);
	X509_free(x);
	return rc;
}

int csr_cert_read(const char *path, int index, struct csr_cert *out, char *err, size_t errsz)
{
	BIO *bio = BIO_new_file(path, "rb");
	X509 *x = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	if (bio == NULL) {
		snprintf(err, errsz, "cannot read %s", path);
		ERR_clear_error();
		return -1;
	}
	for (int i = 0; i <= index; i++) {
		X509_free(x);
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (x == NULL)
			break;
	}
	if (x == NULL && index == 0) {
		/* Not PEM: one DER certificate then. */
		ERR_clear_error();
		(void)BIO_reset(bio);
		x = d2i_X509_bio(bio, NULL);
	}
	BIO_free(bio);
	ERR_clear_error();
	if (x == NULL) {
		if (index > 0)
			return 1;
		snprintf(err, errsz, "%s holds no certificate (PEM or DER)", path);
		return -1;
	}
	rc = fill(x, out, err, errsz);
	X509_free(x);
	return rc;
}

void csr_cert_free(struct csr_cert *c)
{
	OPENSSL_free(c->der);
	OPENSSL_free(c->subject_der);
	OPENSSL_free(c->issuer_der);
	OPENSSL_free(c->serial_der);
	memset(c, 0, sizeof *c);
}
