/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The signer in a build without libp11 (the plain Windows build): --external-key cannot sign. */
#include <stdio.h>

#include "pkcs11/signer.h"

struct p11_signer *p11_signer_open(const char *provider_path, char *err, size_t errsz)
{
	(void)provider_path;
	snprintf(err, errsz, "signing on the token is not available in this build");
	return NULL;
}

void p11_signer_close(struct p11_signer *s)
{
	(void)s;
}

void p11_signer_leave(struct p11_signer *s)
{
	(void)s;
}

int p11_signer_reload(struct p11_signer *s, char *err, size_t errsz)
{
	(void)s;
	snprintf(err, errsz, "not available in this build");
	return -1;
}

enum p11_select_result p11_signer_select(struct p11_signer *s, const char *serialized_id,
                                         char *err, size_t errsz)
{
	(void)s;
	(void)serialized_id;
	snprintf(err, errsz, "not available in this build");
	return P11_SELECT_ERROR;
}

bool p11_signer_has_selected(const struct p11_signer *s, const char *serialized_id)
{
	(void)s;
	(void)serialized_id;
	return false;
}

int p11_signer_token(struct p11_signer *s, struct p11_token *out)
{
	(void)s;
	(void)out;
	return -1;
}

int p11_signer_cert_pem(struct p11_signer *s, char *out, size_t outsz)
{
	(void)s;
	(void)out;
	(void)outsz;
	return -1;
}

const char *p11_signer_key_type(struct p11_signer *s)
{
	(void)s;
	return "";
}

bool p11_signer_login_needed(struct p11_signer *s)
{
	(void)s;
	return false;
}

enum p11_login_result p11_signer_login(struct p11_signer *s, const char *pin,
                                       struct p11_login_report *report)
{
	(void)s;
	(void)pin;
	report->result = P11_LOGIN_ERROR;
	report->ckr = 0;
	report->pin_state = P11_PIN_UNKNOWN;
	snprintf(report->err, sizeof report->err, "not available in this build");
	return P11_LOGIN_ERROR;
}

enum p11_sign_result p11_signer_sign(struct p11_signer *s, const struct pk_alg *alg,
                                     const unsigned char *data, size_t len, unsigned char *sig,
                                     size_t sigsz, size_t *siglen, char *err, size_t errsz)
{
	(void)s;
	(void)alg;
	(void)data;
	(void)len;
	(void)sig;
	(void)sigsz;
	*siglen = 0;
	snprintf(err, errsz, "not available in this build");
	return P11_SIGN_UNSUPPORTED;
}

const char *p11_sign_result_name(enum p11_sign_result r)
{
	return r == P11_SIGN_OK ? "ok" : "unsupported";
}
