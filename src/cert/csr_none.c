/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert/csr.h in a build without OpenSSL: enroll is not available. */
#include <stdio.h>
#include <string.h>

#include "cert/csr.h"

#define NOT_HERE "enroll is not available in this build (it needs OpenSSL)"

int csr_subject_check(const char *subject, char *err, size_t errsz)
{
	(void)subject;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int csr_build(const char *subject, const unsigned char *subject_der, size_t subject_der_len,
              const struct csr_pubkey *pub, csr_sign_fn sign, void *sign_ctx, char **pem,
              char *err, size_t errsz)
{
	(void)subject, (void)subject_der, (void)subject_der_len, (void)pub, (void)sign;
	(void)sign_ctx;
	*pem = NULL;
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int csr_cert_read(const char *path, int index, struct csr_cert *out, char *err, size_t errsz)
{
	(void)path, (void)index;
	memset(out, 0, sizeof *out);
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

int csr_cert_from_der(const unsigned char *der, size_t len, struct csr_cert *out, char *err,
                      size_t errsz)
{
	(void)der, (void)len;
	memset(out, 0, sizeof *out);
	snprintf(err, errsz, NOT_HERE);
	return -1;
}

void csr_cert_free(struct csr_cert *c)
{
	memset(c, 0, sizeof *c);
}
