/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token enroll [CONFIG]: a key pair made on the token (it never leaves it) and a PKCS#10
 * request for the CA, signed on the token; `--import FILE` puts the CA's answer back beside the
 * key (enroll_import.c); `--renew` does the first step again for the certificate in use, with its
 * subject, leaving the old pair until the new certificate is imported.
 *
 * Order: the mechanism list is asked before any PIN (a token that cannot make the key is refused
 * without a login), the PIN follows start's sources and lockout rules, the id is chosen among
 * those not in use, and the request is checked against the key before it is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exit_codes.h"
#include "cmd/cmd.h"
#include "cmd/enroll_rules.h"
#include "cmd/enroll_token.h"
#include "openvpn/config.h"
#include "pkcs11/id_codec.h"
#include "pkcs11/token_kind.h"
#include "ui/output.h"
#include "ui/sanitize.h"

/* What the new key will be. */
struct plan {
	enum csr_key_kind kind;
	const char *subject;             /* text, or NULL with subject_der (a renewal) */
	const unsigned char *subject_der;
	size_t subject_der_len;
	char label[65];
	unsigned char id[64];
	size_t id_len;
	bool id_given;
};

/* The combinations of options enroll refuses, before anything is loaded. */
static int check_options(const struct options *o)
{
	const char *bad = NULL;

	if (o->import_file != NULL) {
		if (o->subject != NULL || o->key_type != NULL || o->key_id != NULL ||
		    o->key_label != NULL || o->out_file != NULL || o->renew)
			bad = "--import takes no --subject, --key, --id, --label, --out or --renew: the "
			      "certificate goes under its key's id and label";
	} else if (o->chain || o->remove_old) {
		bad = "--chain and --remove-old go with --import";
	} else if (o->renew) {
		if (o->subject != NULL)
			bad = "--renew keeps the subject of the certificate in use: no --subject";
	} else if (o->subject == NULL) {
		bad = "enroll needs --subject \"/CN=NAME\" (or --import FILE, or --renew)";
	}
	if (!o->renew && o->cert_pattern != NULL)
		bad = "--cert goes with --renew (which certificate to renew)";
	if (bad != NULL) {
		out_error("%s", bad);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int read_config(const char *name, struct ovpn_config_settings *settings)
{
	static struct ovpn_config cfg; /* some 60 KiB: not for the stack */
	char err[1200];

	memset(settings, 0, sizeof *settings);
	if (name == NULL)
		return EXIT_OK;
	if (ovpn_config_load(name, &cfg, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	*settings = cfg.settings;
	return EXIT_OK;
}

/* The CN of "/CN=name/..." for the default label ("" when it has none). */
static void subject_cn(const char *subject, char *out, size_t outsz)
{
	const char *p = subject != NULL ? strstr(subject, "/CN=") : NULL;
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += 4;
	n = strcspn(p, "/");
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The new key's CKA_ID: --id when free, else random bytes no object has. */
static int choose_id(const struct options *opts, struct enroll_token *t, struct plan *p)
{
	char err[256], hex[2 * 64 + 1];

	if (opts->key_id != NULL) {
		if (enroll_parse_id(opts->key_id, p->id, &p->id_len, err, sizeof err) != 0) {
			out_error("%s", err);
			return EXIT_USAGE;
		}
		if (enroll_id_in_use(t->objs, t->nobjs, p->id, p->id_len)) {
			enroll_id_hex(p->id, p->id_len, hex, sizeof hex);
			out_error("id %s is in use on token '%s': choose another --id (or leave it out)",
			          hex, t->token.label);
			return EXIT_USAGE;
		}
		p->id_given = true;
		return EXIT_OK;
	}
	p->id_len = 8;
	for (int i = 0; i < 16; i++) {
		if (p11_keygen_random(t->k, p->id, p->id_len) != 0)
			break;
		if (!enroll_id_in_use(t->objs, t->nobjs, p->id, p->id_len))
			return EXIT_OK;
	}
	out_error("no free random id could be made");
	return EXIT_INTERNAL;
}

/* The login certificate --renew renews: the config's pkcs11-id, --cert, or the only one. */
static long cert_in_use(const struct options *opts, const struct ovpn_config_settings *cfg,
                        const struct enroll_token *t, struct csr_cert *out)
{
	struct p11_id_fields want;
	char err[256];
	long found = -1;
	int count = 0;
	bool by_id = cfg->pkcs11_id_value[0] != '\0' &&
	             p11_id_decode(cfg->pkcs11_id_value, &want, err, sizeof err) == 0;

	for (size_t i = 0; i < t->nobjs; i++) {
		const struct p11_kg_object *o = &t->objs[i];
		struct csr_cert c;
		char sid[P11_ID_MAX];

		if (o->cls != P11_KG_CERT || csr_cert_from_der(o->der, o->der_len, &c, err, sizeof err) != 0)
			continue;
		enroll_token_serialized_id(t, o->id, o->id_len, sid, sizeof sid);
		if (by_id ? (o->id_len == want.cka_id_len && memcmp(o->id, want.cka_id, o->id_len) == 0) :
		            (cert_info_purpose(&c.info) == CERT_FOR_LOGIN &&
		             cert_info_matches(&c.info, sid, opts->cert_pattern))) {
			if (count++ == 0) {
				*out = c;
				found = (long)i;
				continue;
			}
		}
		csr_cert_free(&c);
	}
	if (count == 1)
		return found;
	if (found >= 0)
		csr_cert_free(out);
	if (count == 0)
		out_error("no certificate to renew on token '%s'%s", t->token.label,
		          by_id ? " with the config's pkcs11-id" : "");
	else
		out_error("%d certificates on token '%s' could be the one to renew: choose with --cert "
		          "PATTERN", count, t->token.label);
	return -1;
}

static int write_request(const struct options *opts, const char *pem)
{
	FILE *f;

	if (opts->out_file == NULL) {
		fputs(pem, stdout);
		fflush(stdout);
		return EXIT_OK;
	}
	f = fopen(opts->out_file, "w");
	if (f == NULL || fputs(pem, f) == EOF || fclose(f) != 0) {
		out_error("cannot write %s", opts->out_file);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* Progress goes where the request does not: stderr when the request goes to stdout. */
#define SAY(opts, ...) \
	do { \
		if ((opts)->out_file != NULL) \
			out_status(__VA_ARGS__); \
		else \
			out_menu(__VA_ARGS__); \
	} while (0)

static int make_key_and_request(const struct options *opts, struct enroll_token *t,
                                struct plan *p)
{
	struct csr_pubkey pub;
	char err[1024], hex[2 * 64 + 1], sid[P11_ID_MAX], keytext[32];
	char *pem = NULL;
	int rc;

	enroll_id_hex(p->id, p->id_len, hex, sizeof hex);
	SAY(opts, "Generating a %s key on token '%s' (id %s, label '%s')...",
	    csr_key_kind_name(p->kind), t->token.label, hex, p->label);
	switch (p11_keygen_generate(t->k, p->kind, p->id, p->id_len, p->label, &pub, err,
	                            sizeof err)) {
	case P11_KG_OK:
		break;
	case P11_KG_REFUSED:
		out_error("token '%s': %s", t->token.label, err);
		return EXIT_TOKEN_CANNOT;
	default:
		out_error("token '%s': %s", t->token.label, err);
		return EXIT_INTERNAL;
	}
	if (csr_build(p->subject, p->subject_der, p->subject_der_len, &pub, p11_keygen_sign, t->k,
	              &pem, err, sizeof err) != 0) {
		out_error("the request: %s; the new key is removed again", err);
		p11_keygen_remove(t->k, p->id, p->id_len, err, sizeof err);
		return EXIT_INTERNAL;
	}
	rc = write_request(opts, pem);
	free(pem);
	if (rc != EXIT_OK)
		return rc;
	csr_pubkey_describe(&pub, keytext, sizeof keytext);
	enroll_token_serialized_id(t, p->id, p->id_len, sid, sizeof sid);
	SAY(opts, "The key (%s) is on the token; the request%s%s is signed by it.", keytext,
	    opts->out_file != NULL ? " in " : "", opts->out_file != NULL ? opts->out_file : "");
	SAY(opts, "Next: have your CA sign it (e.g. easyrsa import-req / sign-req client), then: "
	    "ovpn-token enroll --import CERT.pem%s%s", opts->target != NULL ? " " : "",
	    opts->target != NULL ? opts->target : "");
	SAY(opts, "The certificate will be: pkcs11-id '%s'", sid);
	return EXIT_OK;
}

static int plan_new(const struct options *opts, struct plan *p)
{
	char err[512];

	if (csr_subject_check(opts->subject, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	p->subject = opts->subject;
	if (opts->key_label != NULL)
		snprintf(p->label, sizeof p->label, "%s", opts->key_label);
	else
		subject_cn(opts->subject, p->label, sizeof p->label);
	return EXIT_OK;
}

/* The kind of an existing key, when it is one enroll makes (a renewal keeps it). */
static bool kind_of(const struct csr_pubkey *k, enum csr_key_kind *out)
{
	char text[32];

	csr_pubkey_describe(k, text, sizeof text);
	if (strcmp(text, "RSA 2048") == 0)
		*out = CSR_KEY_RSA2048;
	else if (strcmp(text, "RSA 3072") == 0)
		*out = CSR_KEY_RSA3072;
	else if (strcmp(text, "EC P-256") == 0)
		*out = CSR_KEY_EC_P256;
	else if (strcmp(text, "EC P-384") == 0)
		*out = CSR_KEY_EC_P384;
	else
		return false;
	return true;
}

/*
 * A PIV card lists no key generation through OpenSC's module (its piv driver makes keys only
 * with the card's management key, which PKCS#11 has no place for): the generic refusal would
 * send its user to "a token that can", so name the driver and the card's own tools instead.
 */
static void piv_cannot_generate(const struct p11_token *tok, const struct p11_kg_caps *caps,
                                char *err, size_t errsz)
{
	if (caps->rsa_gen || caps->ec_gen ||
	    token_kind_of(tok->manufacturer, tok->model) != TOKEN_KIND_PIV)
		return;
	snprintf(err, errsz, "the token cannot generate keys: it is a PIV card, and OpenSC's PIV "
	         "driver cannot generate keys on it through PKCS#11. Make the key and write its "
	         "certificate with the card's own tool and management key (yubico-piv-tool, or "
	         "OpenSC's piv-tool -G and -C), or, for a YubiKey, use Yubico's ykcs11 module");
}

int cmd_enroll(const struct options *opts)
{
	struct ovpn_config_settings cfg;
	struct enroll_token t;
	struct plan p;
	struct p11_kg_caps caps;
	struct csr_cert old;
	char err[1024], hex[2 * 64 + 1], shown[600];
	bool have_old = false;
	int rc;

	memset(&p, 0, sizeof p);
	memset(&old, 0, sizeof old);
	p.kind = CSR_KEY_RSA2048;
	if ((rc = check_options(opts)) != EXIT_OK || (rc = read_config(opts->target, &cfg)) != EXIT_OK)
		return rc;
	if (opts->key_type != NULL && csr_key_kind_parse(opts->key_type, &p.kind) != 0) {
		out_error("--key %s: not one of rsa:2048, rsa:3072, ec:P-256, ec:P-384", opts->key_type);
		return EXIT_USAGE;
	}
	if (opts->import_file == NULL && !opts->renew && (rc = plan_new(opts, &p)) != EXIT_OK)
		return rc;
	if (opts->import_file != NULL && (rc = enroll_import_preflight(opts)) != EXIT_OK)
		return rc;
	if ((rc = enroll_token_open(opts, &cfg, &t)) != EXIT_OK)
		goto done;
	if (opts->import_file != NULL) {
		if ((rc = enroll_token_login(opts, &t)) == EXIT_OK)
			rc = enroll_import(opts, &cfg, &t);
		goto done;
	}
	/*
	 * Before any PIN: a token that cannot make the key is refused without a login (a renewal's
	 * key type is known only after it: then only a token that makes no key at all).
	 */
	p11_keygen_caps(t.k, &caps);
	if ((!opts->renew || (caps.listed && !caps.rsa_gen && !caps.ec_gen)) &&
	    enroll_check_caps(&caps, p.kind, err, sizeof err) != 0) {
		piv_cannot_generate(&t.token, &caps, err, sizeof err);
		out_error("token '%s': %s", t.token.label, err);
		rc = EXIT_TOKEN_CANNOT;
		goto done;
	}
	if ((rc = enroll_token_login(opts, &t)) != EXIT_OK || (rc = enroll_token_list_objects(&t)) != EXIT_OK)
		goto done;
	if (opts->renew) {
		long i = cert_in_use(opts, &cfg, &t, &old);

		if (i < 0) {
			rc = EXIT_NO_CERTIFICATE;
			goto done;
		}
		have_old = true;
		if (opts->key_type == NULL && !kind_of(&old.pub, &p.kind))
			p.kind = CSR_KEY_RSA2048;
		if (enroll_check_caps(&caps, p.kind, err, sizeof err) != 0) {
			out_error("token '%s': %s", t.token.label, err);
			rc = EXIT_TOKEN_CANNOT;
			goto done;
		}
		p.subject_der = old.subject_der;
		p.subject_der_len = old.subject_der_len;
		snprintf(p.label, sizeof p.label, "%s",
		         opts->key_label != NULL ? opts->key_label : t.objs[i].label);
		enroll_id_hex(t.objs[i].id, t.objs[i].id_len, hex, sizeof hex);
		sanitize_str(shown, sizeof shown, old.info.subject);
		SAY(opts, "Renewing '%s' (id %s): the old key and certificate stay until the new "
		    "certificate is imported (--import FILE --remove-old then removes them).", shown,
		    hex);
	}
	if ((rc = choose_id(opts, &t, &p)) != EXIT_OK)
		goto done;
	rc = make_key_and_request(opts, &t, &p);
done:
	if (have_old)
		csr_cert_free(&old);
	enroll_token_close(&t);
	return rc;
}
