/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pkcs11/keygen.h through the module's function list.  The header is pkcs11-helper's (self-
 * contained, with the 1-byte packing Windows modules use), which OpenVPN's own build needs too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <pkcs11-helper-1.0/pkcs11.h>

#include "pkcs11/keygen.h"
#include "platform/platform.h"

struct p11_keygen {
	struct plat_module *module;
	CK_FUNCTION_LIST_PTR f;
	bool initialized_here;      /* C_Finalize is ours to call */
	CK_SLOT_ID slot;
	bool have_slot;
	CK_SESSION_HANDLE session;
	bool have_session;
	CK_OBJECT_HANDLE new_private;
	bool have_new_private;
	bool new_is_ec;
};

bool p11_keygen_available(void)
{
	return true;
}

static const char *ckr_name(CK_RV rv)
{
	switch (rv) {
	case CKR_OK: return "CKR_OK";
	case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
	case CKR_FUNCTION_FAILED: return "CKR_FUNCTION_FAILED";
	case CKR_ARGUMENTS_BAD: return "CKR_ARGUMENTS_BAD";
	case CKR_ATTRIBUTE_VALUE_INVALID: return "CKR_ATTRIBUTE_VALUE_INVALID";
	case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR";
	case CKR_DEVICE_MEMORY: return "CKR_DEVICE_MEMORY";
	case CKR_DEVICE_REMOVED: return "CKR_DEVICE_REMOVED";
	case CKR_FUNCTION_NOT_SUPPORTED: return "CKR_FUNCTION_NOT_SUPPORTED";
	case CKR_KEY_SIZE_RANGE: return "CKR_KEY_SIZE_RANGE";
	case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID";
	case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
	case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
	case CKR_SESSION_READ_ONLY: return "CKR_SESSION_READ_ONLY";
	case CKR_TEMPLATE_INCOMPLETE: return "CKR_TEMPLATE_INCOMPLETE";
	case CKR_TEMPLATE_INCONSISTENT: return "CKR_TEMPLATE_INCONSISTENT";
	case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT";
	case CKR_TOKEN_WRITE_PROTECTED: return "CKR_TOKEN_WRITE_PROTECTED";
	case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
	case CKR_DOMAIN_PARAMS_INVALID: return "CKR_DOMAIN_PARAMS_INVALID";
	default: return NULL;
	}
}

static void say_ckr(char *err, size_t errsz, const char *what, CK_RV rv)
{
	const char *name = ckr_name(rv);

	if (name != NULL)
		snprintf(err, errsz, "%s: %s", what, name);
	else
		snprintf(err, errsz, "%s: CK_RV 0x%lx", what, (unsigned long)rv);
}

struct p11_keygen *p11_keygen_open(const char *provider_path, char *err, size_t errsz)
{
	struct p11_keygen *k;
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	if (provider_path == NULL || provider_path[0] == '\0') {
		snprintf(err, errsz, "no PKCS#11 provider given");
		return NULL;
	}
	k = calloc(1, sizeof *k);
	if (k == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	k->module = plat_module_open(provider_path, err, errsz);
	if (k->module == NULL) {
		free(k);
		return NULL;
	}
	get = (CK_C_GetFunctionList)plat_module_symbol(k->module, "C_GetFunctionList");
	if (get == NULL || get(&k->f) != CKR_OK || k->f == NULL) {
		snprintf(err, errsz, "%s is not a PKCS#11 module (no C_GetFunctionList)", provider_path);
		plat_module_close(k->module);
		free(k);
		return NULL;
	}
	memset(&args, 0, sizeof args);
	args.flags = CKF_OS_LOCKING_OK;
	rv = k->f->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		say_ckr(err, errsz, "C_Initialize", rv);
		plat_module_close(k->module);
		free(k);
		return NULL;
	}
	k->initialized_here = rv == CKR_OK;
	return k;
}

void p11_keygen_close(struct p11_keygen *k)
{
	if (k == NULL)
		return;
	if (k->have_session)
		k->f->C_CloseSession(k->session);
	if (k->initialized_here)
		k->f->C_Finalize(NULL);
	plat_module_close(k->module);
	free(k);
}

/* A blank-padded PKCS#11 string into a C string without the padding. */
static void unpad(char *dst, size_t dstsz, const unsigned char *src, size_t n)
{
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (dst[i] == '\0')
			dst[i] = '?';
}

static enum p11_pin_state pin_state_of(CK_FLAGS fl)
{
	if (fl & CKF_USER_PIN_LOCKED)
		return P11_PIN_LOCKED;
	if (fl & CKF_USER_PIN_FINAL_TRY)
		return P11_PIN_FINAL_TRY;
	if (fl & CKF_USER_PIN_COUNT_LOW)
		return P11_PIN_COUNT_LOW;
	return P11_PIN_OK;
}

static void token_of(CK_SLOT_ID slot, const CK_SLOT_INFO *si, const CK_TOKEN_INFO *ti,
                     struct p11_token *out)
{
	memset(out, 0, sizeof *out);
	out->slot_id = (unsigned long)slot;
	unpad(out->slot_description, sizeof out->slot_description, si->slotDescription,
	      sizeof si->slotDescription);
	unpad(out->label, sizeof out->label, ti->label, sizeof ti->label);
	unpad(out->manufacturer, sizeof out->manufacturer, ti->manufacturerID,
	      sizeof ti->manufacturerID);
	unpad(out->model, sizeof out->model, ti->model, sizeof ti->model);
	unpad(out->serial, sizeof out->serial, ti->serialNumber, sizeof ti->serialNumber);
	out->login_required = (ti->flags & CKF_LOGIN_REQUIRED) != 0;
	out->protected_auth_path = (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
	out->pin_state = pin_state_of(ti->flags);
}

int p11_keygen_tokens(struct p11_keygen *k, struct p11_token *out, size_t max, char *err,
                      size_t errsz)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = sizeof slots / sizeof slots[0];
	CK_RV rv = k->f->C_GetSlotList(CK_TRUE, slots, &n);
	size_t found = 0;

	if (rv != CKR_OK) {
		say_ckr(err, errsz, "C_GetSlotList", rv);
		return -1;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		CK_SLOT_INFO si;
		CK_TOKEN_INFO ti;

		if (k->f->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
		    k->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		if (found < max)
			token_of(slots[i], &si, &ti, &out[found]);
		found++;
	}
	return (int)found;
}

static CK_FLAGS token_flags(struct p11_keygen *k)
{
	CK_TOKEN_INFO ti;

	if (!k->have_slot || k->f->C_GetTokenInfo(k->slot, &ti) != CKR_OK)
		return 0;
	return ti.flags;
}

enum p11_kg_result p11_keygen_use(struct p11_keygen *k, unsigned long slot_id, char *err,
                                  size_t errsz)
{
	CK_RV rv;

	k->slot = (CK_SLOT_ID)slot_id;
	k->have_slot = true;
	if (token_flags(k) & CKF_WRITE_PROTECTED) {
		snprintf(err, errsz, "the token is write-protected (CKF_WRITE_PROTECTED): nothing can "
		         "be stored on it");
		return P11_KG_REFUSED;
	}
	rv = k->f->C_OpenSession(k->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                         &k->session);
	if (rv == CKR_TOKEN_WRITE_PROTECTED) {
		snprintf(err, errsz, "the token opens no read-write session (CKR_TOKEN_WRITE_PROTECTED): "
		         "the module offers it read-only");
		return P11_KG_REFUSED;
	}
	if (rv != CKR_OK) {
		say_ckr(err, errsz, "C_OpenSession", rv);
		return P11_KG_FAILED;
	}
	k->have_session = true;
	return P11_KG_OK;
}

static bool mech(struct p11_keygen *k, CK_MECHANISM_TYPE t, CK_FLAGS need, unsigned long *min,
                 unsigned long *max)
{
	CK_MECHANISM_INFO mi;

	if (k->f->C_GetMechanismInfo(k->slot, t, &mi) != CKR_OK || !(mi.flags & need))
		return false;
	if (min != NULL)
		*min = mi.ulMinKeySize;
	if (max != NULL)
		*max = mi.ulMaxKeySize;
	return true;
}

void p11_keygen_caps(struct p11_keygen *k, struct p11_kg_caps *out)
{
	CK_MECHANISM_TYPE list[512];
	CK_ULONG n = sizeof list / sizeof list[0];
	bool has_rsa_gen = false, has_ec_gen = false, has_rsa = false, has_ecdsa = false;

	memset(out, 0, sizeof *out);
	if (!k->have_slot || k->f->C_GetMechanismList(k->slot, list, &n) != CKR_OK)
		return;
	out->listed = true;
	for (CK_ULONG i = 0; i < n; i++) {
		has_rsa_gen |= list[i] == CKM_RSA_PKCS_KEY_PAIR_GEN;
		has_ec_gen |= list[i] == CKM_EC_KEY_PAIR_GEN;
		has_rsa |= list[i] == CKM_RSA_PKCS;
		has_ecdsa |= list[i] == CKM_ECDSA;
	}
	out->rsa_gen = has_rsa_gen && mech(k, CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR,
	                                   &out->rsa_min, &out->rsa_max);
	out->ec_gen = has_ec_gen && mech(k, CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, &out->ec_min,
	                                 &out->ec_max);
	out->rsa_sign = has_rsa && mech(k, CKM_RSA_PKCS, CKF_SIGN, NULL, NULL);
	out->ec_sign = has_ecdsa && mech(k, CKM_ECDSA, CKF_SIGN, NULL, NULL);
}

enum p11_pin_state p11_keygen_pin_state(struct p11_keygen *k)
{
	CK_TOKEN_INFO ti;

	if (!k->have_slot || k->f->C_GetTokenInfo(k->slot, &ti) != CKR_OK)
		return P11_PIN_UNKNOWN;
	return pin_state_of(ti.flags);
}

bool p11_keygen_pin_pad(struct p11_keygen *k)
{
	return (token_flags(k) & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
}

bool p11_keygen_login_needed(struct p11_keygen *k)
{
	CK_SESSION_INFO si;

	if (!(token_flags(k) & CKF_LOGIN_REQUIRED))
		return false;
	if (!k->have_session || k->f->C_GetSessionInfo(k->session, &si) != CKR_OK)
		return true;
	return si.state != CKS_RW_USER_FUNCTIONS && si.state != CKS_RO_USER_FUNCTIONS;
}

enum p11_login_result p11_keygen_login(struct p11_keygen *k, const char *pin,
                                       struct p11_login_report *r)
{
	CK_RV rv;

	memset(r, 0, sizeof *r);
	if (!k->have_session) {
		snprintf(r->err, sizeof r->err, "no token in use");
		return r->result = P11_LOGIN_ERROR;
	}
	if ((pin == NULL || pin[0] == '\0') && !p11_keygen_pin_pad(k)) {
		snprintf(r->err, sizeof r->err, "an empty PIN is not sent");
		return r->result = P11_LOGIN_ERROR;
	}
	if (p11_keygen_pin_state(k) == P11_PIN_LOCKED) {
		r->pin_state = P11_PIN_LOCKED;
		snprintf(r->err, sizeof r->err, "the token's PIN is locked");
		return r->result = P11_LOGIN_PIN_LOCKED;
	}
	rv = k->f->C_Login(k->session, CKU_USER, (CK_UTF8CHAR_PTR)(pin != NULL && pin[0] != '\0' ? pin : NULL),
	                   pin != NULL ? (CK_ULONG)strlen(pin) : 0);
	r->ckr = (unsigned long)rv;
	r->pin_state = p11_keygen_pin_state(k);
	switch (rv) {
	case CKR_OK:
	case CKR_USER_ALREADY_LOGGED_IN:
		r->ckr = 0;
		return r->result = P11_LOGIN_OK;
	case CKR_PIN_INCORRECT:
		say_ckr(r->err, sizeof r->err, "C_Login", rv);
		return r->result = r->pin_state == P11_PIN_LOCKED ? P11_LOGIN_PIN_LOCKED :
		                                                    P11_LOGIN_PIN_INCORRECT;
	case CKR_PIN_LOCKED:
		say_ckr(r->err, sizeof r->err, "C_Login", rv);
		return r->result = P11_LOGIN_PIN_LOCKED;
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_DEVICE_REMOVED:
	case CKR_SESSION_CLOSED:
	case CKR_SESSION_HANDLE_INVALID:
		say_ckr(r->err, sizeof r->err, "C_Login", rv);
		return r->result = P11_LOGIN_TOKEN_ABSENT;
	default:
		say_ckr(r->err, sizeof r->err, "C_Login", rv);
		return r->result = P11_LOGIN_ERROR;
	}
}

/* ---------------------------------------------------------------- objects */

/* One attribute into buf; its length, or -1 when the object does not give it. */
static long attr(struct p11_keygen *k, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *buf,
                 size_t bufsz)
{
	CK_ATTRIBUTE a = { t, buf, (CK_ULONG)bufsz };

	if (k->f->C_GetAttributeValue(k->session, h, &a, 1) != CKR_OK ||
	    a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return -1;
	return (long)a.ulValueLen;
}

/* CKA_EC_POINT is a DER OCTET STRING by the standard; some modules give the bare point. */
static void ec_point_of(const unsigned char *p, size_t n, struct csr_pubkey *pub)
{
	bool bare = p[0] == 0x04 && (n == 65 || n == 97 || n == 133);

	if (!bare && n > 2 && p[0] == 0x04) {
		size_t hdr = 2, len = p[1];

		if (p[1] == 0x81 && n > 3) {
			hdr = 3;
			len = p[2];
		}
		if (hdr + len == n) {
			p += hdr;
			n = len;
		}
	}
	if (n <= sizeof pub->ec_point) {
		memcpy(pub->ec_point, p, n);
		pub->ec_point_len = n;
	}
}

static void read_key(struct p11_keygen *k, CK_OBJECT_HANDLE h, struct p11_kg_object *o)
{
	CK_KEY_TYPE kt = 0;
	unsigned char point[200];
	long n;

	if (attr(k, h, CKA_KEY_TYPE, &kt, sizeof kt) < 0)
		return;
	if (kt == CKK_RSA) {
		n = attr(k, h, CKA_MODULUS, o->pub.modulus, sizeof o->pub.modulus);
		o->pub.modulus_len = n > 0 ? (size_t)n : 0;
		n = attr(k, h, CKA_PUBLIC_EXPONENT, o->pub.exponent, sizeof o->pub.exponent);
		o->pub.exponent_len = n > 0 ? (size_t)n : 0;
		o->has_pub = o->pub.modulus_len > 0 && o->pub.exponent_len > 0;
	} else if (kt == CKK_EC) {
		o->pub.ec = true;
		n = attr(k, h, CKA_EC_PARAMS, o->pub.ec_params, sizeof o->pub.ec_params);
		o->pub.ec_params_len = n > 0 ? (size_t)n : 0;
		n = attr(k, h, CKA_EC_POINT, point, sizeof point);
		if (n > 0)
			ec_point_of(point, (size_t)n, &o->pub);
		o->has_pub = o->pub.ec_params_len > 0 && o->pub.ec_point_len > 0;
	}
}

static int find_class(struct p11_keygen *k, CK_OBJECT_CLASS cls, CK_OBJECT_HANDLE *out,
                      CK_ULONG max, CK_ULONG *n)
{
	CK_ATTRIBUTE t = { CKA_CLASS, &cls, sizeof cls };

	*n = 0;
	if (k->f->C_FindObjectsInit(k->session, &t, 1) != CKR_OK)
		return -1;
	if (k->f->C_FindObjects(k->session, out, max, n) != CKR_OK)
		*n = 0;
	k->f->C_FindObjectsFinal(k->session);
	return 0;
}

int p11_keygen_objects(struct p11_keygen *k, struct p11_kg_object **out, size_t *count,
                       char *err, size_t errsz)
{
	static const CK_OBJECT_CLASS classes[] = { CKO_CERTIFICATE, CKO_PUBLIC_KEY,
	                                           CKO_PRIVATE_KEY };
	static const enum p11_kg_class ours[] = { P11_KG_CERT, P11_KG_PUBLIC, P11_KG_PRIVATE };
	CK_OBJECT_HANDLE h[256];
	struct p11_kg_object *objs = NULL;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	if (!k->have_session) {
		snprintf(err, errsz, "no token in use");
		return -1;
	}
	for (size_t c = 0; c < 3; c++) {
		CK_ULONG found = 0;
		struct p11_kg_object *more;

		if (find_class(k, classes[c], h, sizeof h / sizeof h[0], &found) != 0)
			continue;
		more = realloc(objs, (n + found + 1) * sizeof *objs);
		if (more == NULL) {
			p11_keygen_objects_free(objs, n);
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		objs = more;
		for (CK_ULONG i = 0; i < found; i++) {
			struct p11_kg_object *o = &objs[n++];
			unsigned char label[256];
			long len;

			memset(o, 0, sizeof *o);
			o->cls = ours[c];
			len = attr(k, h[i], CKA_ID, o->id, sizeof o->id);
			o->id_len = len > 0 ? (size_t)len : 0;
			len = attr(k, h[i], CKA_LABEL, label, sizeof label);
			unpad(o->label, sizeof o->label, label, len > 0 ? (size_t)len : 0);
			if (o->cls == P11_KG_CERT) {
				len = attr(k, h[i], CKA_VALUE, NULL, 0);
				if (len > 0 && (o->der = malloc((size_t)len)) != NULL &&
				    attr(k, h[i], CKA_VALUE, o->der, (size_t)len) == len)
					o->der_len = (size_t)len;
			} else {
				read_key(k, h[i], o);
			}
		}
	}
	*out = objs;
	*count = n;
	return 0;
}

void p11_keygen_objects_free(struct p11_kg_object *objs, size_t n)
{
	for (size_t i = 0; objs != NULL && i < n; i++)
		free(objs[i].der);
	free(objs);
}

int p11_keygen_random(struct p11_keygen *k, unsigned char *out, size_t n)
{
	(void)k;
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

/* ---------------------------------------------------------------- making the key */

static const unsigned char oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const unsigned char oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };

static enum p11_kg_result refused_or_failed(CK_RV rv, const char *what, char *err, size_t errsz)
{
	switch (rv) {
	case CKR_DEVICE_MEMORY:
		snprintf(err, errsz, "%s: the token has no free space left (CKR_DEVICE_MEMORY): remove "
		         "an unused key or certificate first", what);
		return P11_KG_REFUSED;
	case CKR_TOKEN_WRITE_PROTECTED:
	case CKR_SESSION_READ_ONLY:
		snprintf(err, errsz, "%s: the token is read-only (%s)", what, ckr_name(rv));
		return P11_KG_REFUSED;
	case CKR_FUNCTION_NOT_SUPPORTED:
	case CKR_MECHANISM_INVALID:
	case CKR_KEY_SIZE_RANGE:
	case CKR_DOMAIN_PARAMS_INVALID:
	case CKR_TEMPLATE_INCONSISTENT:
	case CKR_ATTRIBUTE_VALUE_INVALID:
		snprintf(err, errsz, "%s: the token refused (%s)", what, ckr_name(rv));
		return P11_KG_REFUSED;
	default:
		say_ckr(err, errsz, what, rv);
		return P11_KG_FAILED;
	}
}

enum p11_kg_result p11_keygen_generate(struct p11_keygen *k, enum csr_key_kind kind,
                                       const unsigned char *id, size_t id_len, const char *label,
                                       struct csr_pubkey *pub, char *err, size_t errsz)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG bits = csr_key_kind_bits(kind);
	CK_BYTE exponent[] = { 0x01, 0x00, 0x01 };
	bool ec = csr_key_kind_is_ec(kind);
	CK_MECHANISM m = { ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	const unsigned char *curve = kind == CSR_KEY_EC_P384 ? oid_p384 : oid_p256;
	size_t curve_len = kind == CSR_KEY_EC_P384 ? sizeof oid_p384 : sizeof oid_p256;
	CK_ULONG label_len = (CK_ULONG)strlen(label);
	CK_ATTRIBUTE pub_t[] = {
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &no, sizeof no },
		{ CKA_VERIFY, &yes, sizeof yes },
		{ CKA_ID, (void *)id, (CK_ULONG)id_len },
		{ CKA_LABEL, (void *)label, label_len },
		/* the key's own: last, so the EC template is the RSA one cut short */
		{ ec ? CKA_EC_PARAMS : CKA_MODULUS_BITS, ec ? (void *)curve : (void *)&bits,
		  ec ? (CK_ULONG)curve_len : sizeof bits },
		{ CKA_PUBLIC_EXPONENT, exponent, sizeof exponent },
	};
	CK_ATTRIBUTE priv_t[] = {
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &yes, sizeof yes },
		{ CKA_SENSITIVE, &yes, sizeof yes },
		{ CKA_EXTRACTABLE, &no, sizeof no },
		{ CKA_SIGN, &yes, sizeof yes },
		{ CKA_ID, (void *)id, (CK_ULONG)id_len },
		{ CKA_LABEL, (void *)label, label_len },
	};
	CK_OBJECT_HANDLE hpub, hpriv;
	struct p11_kg_object o;
	CK_RV rv;

	memset(pub, 0, sizeof *pub);
	rv = k->f->C_GenerateKeyPair(k->session, &m, pub_t,
	                             sizeof pub_t / sizeof pub_t[0] - (ec ? 1 : 0), priv_t,
	                             sizeof priv_t / sizeof priv_t[0], &hpub, &hpriv);
	if (rv != CKR_OK)
		return refused_or_failed(rv, "C_GenerateKeyPair", err, errsz);
	memset(&o, 0, sizeof o);
	read_key(k, hpub, &o);
	if (!o.has_pub) {
		snprintf(err, errsz, "the token made the key but does not show its public half");
		return P11_KG_FAILED;
	}
	*pub = o.pub;
	k->new_private = hpriv;
	k->have_new_private = true;
	k->new_is_ec = ec;
	return P11_KG_OK;
}

int p11_keygen_sign(void *ctx, const unsigned char *in, size_t inlen, unsigned char *out,
                    size_t outsz, size_t *outlen, char *err, size_t errsz)
{
	struct p11_keygen *k = ctx;
	CK_MECHANISM m = { k->new_is_ec ? CKM_ECDSA : CKM_RSA_PKCS, NULL, 0 };
	CK_ULONG len = (CK_ULONG)outsz;
	CK_RV rv;

	if (!k->have_new_private) {
		snprintf(err, errsz, "no key to sign with");
		return -1;
	}
	rv = k->f->C_SignInit(k->session, &m, k->new_private);
	if (rv == CKR_OK)
		rv = k->f->C_Sign(k->session, (CK_BYTE_PTR)in, (CK_ULONG)inlen, out, &len);
	if (rv != CKR_OK) {
		say_ckr(err, errsz, "C_Sign", rv);
		return -1;
	}
	*outlen = (size_t)len;
	return 0;
}

enum p11_kg_result p11_keygen_store_cert(struct p11_keygen *k, const struct csr_cert *c,
                                         const unsigned char *id, size_t id_len,
                                         const char *label, char *err, size_t errsz)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE type = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_CERTIFICATE_TYPE, &type, sizeof type },
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &no, sizeof no },
		{ CKA_VALUE, c->der, (CK_ULONG)c->der_len },
		{ CKA_SUBJECT, c->subject_der, (CK_ULONG)c->subject_der_len },
		{ CKA_ISSUER, c->issuer_der, (CK_ULONG)c->issuer_der_len },
		{ CKA_SERIAL_NUMBER, c->serial_der, (CK_ULONG)c->serial_der_len },
		{ CKA_ID, (void *)id, (CK_ULONG)id_len },
		{ CKA_LABEL, (void *)label, (CK_ULONG)strlen(label) },
	};
	CK_OBJECT_HANDLE h;
	CK_RV rv = k->f->C_CreateObject(k->session, t, sizeof t / sizeof t[0], &h);

	if (rv != CKR_OK)
		return refused_or_failed(rv, "C_CreateObject (the certificate)", err, errsz);
	return P11_KG_OK;
}

int p11_keygen_remove(struct p11_keygen *k, const unsigned char *id, size_t id_len, char *err,
                      size_t errsz)
{
	CK_ATTRIBUTE t = { CKA_ID, (void *)id, (CK_ULONG)id_len };
	CK_OBJECT_HANDLE h[32];
	CK_ULONG n = 0;
	CK_RV rv;
	int removed = 0;

	rv = k->f->C_FindObjectsInit(k->session, &t, 1);
	if (rv == CKR_OK) {
		rv = k->f->C_FindObjects(k->session, h, sizeof h / sizeof h[0], &n);
		k->f->C_FindObjectsFinal(k->session);
	}
	if (rv != CKR_OK) {
		say_ckr(err, errsz, "C_FindObjects", rv);
		return -1;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		rv = k->f->C_DestroyObject(k->session, h[i]);
		if (rv != CKR_OK) {
			say_ckr(err, errsz, "C_DestroyObject", rv);
			return -1;
		}
		removed++;
	}
	return removed;
}
