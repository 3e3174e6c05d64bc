/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enroll --import FILE: the CA's certificate onto the token beside its key, under the key's
 * CKA_ID and label (what pkcs11-helper pairs them by).  Refused when no key on the token holds
 * its public key (the message names the key it needs) or when it could not log in (the
 * project's certificate rule: not an issuer, client logins, in date).  --chain adds the issuer
 * the file carries; --remove-old then removes the older certificates of the same subject with
 * their keys (after a --renew).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exit_codes.h"
#include "cmd/enroll_rules.h"
#include "cmd/enroll_token.h"
#include "pkcs11/id_codec.h"
#include "pkcs11/uri.h"
#include "ui/output.h"
#include "ui/sanitize.h"

static bool same_der(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && an > 0 && memcmp(a, b, an) == 0;
}

/* Whether a certificate object with this DER is on the token already (its index, or -1). */
static long find_cert(const struct enroll_token *t, const struct csr_cert *c)
{
	for (size_t i = 0; i < t->nobjs; i++)
		if (t->objs[i].cls == P11_KG_CERT &&
		    same_der(t->objs[i].der, t->objs[i].der_len, c->der, c->der_len))
			return (long)i;
	return -1;
}

/* --chain: the issuer the file carries after the certificate, under an id of its own. */
static int store_issuer(const struct options *opts, struct enroll_token *t)
{
	struct csr_cert ca;
	unsigned char id[8];
	char err[512], label[65];
	int got = csr_cert_read(opts->import_file, 1, &ca, err, sizeof err);
	enum p11_kg_result r;

	if (got != 0) {
		if (got > 0)
			out_warning("--chain: %s carries no issuer certificate after the first",
			            opts->import_file);
		else
			out_error("--chain: %s", err);
		return got > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (find_cert(t, &ca) >= 0) {
		out_status("The issuer's certificate is on the token already.");
		csr_cert_free(&ca);
		return EXIT_OK;
	}
	do {
		if (p11_keygen_random(t->k, id, sizeof id) != 0) {
			csr_cert_free(&ca);
			out_error("no random id for the issuer's certificate");
			return EXIT_INTERNAL;
		}
	} while (enroll_id_in_use(t->objs, t->nobjs, id, sizeof id));
	snprintf(label, sizeof label, "%.64s",
	         ca.info.subject_cn[0] != '\0' ? ca.info.subject_cn : "CA");
	r = p11_keygen_store_cert(t->k, &ca, id, sizeof id, label, err, sizeof err);
	csr_cert_free(&ca);
	if (r != P11_KG_OK) {
		out_error("token '%s': the issuer's certificate: %s", t->token.label, err);
		return r == P11_KG_REFUSED ? EXIT_TOKEN_CANNOT : EXIT_INTERNAL;
	}
	out_status("The issuer's certificate '%s' is on the token too.", label);
	return EXIT_OK;
}

/* --remove-old: the other certificates of this subject and every object under their ids. */
static int remove_old(struct enroll_token *t, const struct csr_cert *c, const unsigned char *id,
                      size_t id_len)
{
	char err[256], hex[2 * 64 + 1];
	int removed = 0;

	for (size_t i = 0; i < t->nobjs; i++) {
		const struct p11_kg_object *o = &t->objs[i];
		struct csr_cert other;
		bool same_subject;

		if (o->cls != P11_KG_CERT || (o->id_len == id_len && memcmp(o->id, id, id_len) == 0) ||
		    csr_cert_from_der(o->der, o->der_len, &other, err, sizeof err) != 0)
			continue;
		same_subject = same_der(other.subject_der, other.subject_der_len, c->subject_der,
		                        c->subject_der_len) && !other.info.ca;
		csr_cert_free(&other);
		if (!same_subject)
			continue;
		enroll_id_hex(o->id, o->id_len, hex, sizeof hex);
		if (p11_keygen_remove(t->k, o->id, o->id_len, err, sizeof err) < 0) {
			out_error("token '%s': removing the old pair (id %s): %s", t->token.label, hex, err);
			return EXIT_INTERNAL;
		}
		out_status("Removed the old certificate and its keys (id %s).", hex);
		removed++;
	}
	if (removed == 0)
		out_status("No older certificate of that subject was on the token.");
	return EXIT_OK;
}

int enroll_import_preflight(const struct options *opts)
{
	struct csr_cert c;
	char err[1024], summary[600];
	const char *cannot_log_in;

	if (csr_cert_read(opts->import_file, 0, &c, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	cert_info_summary(&c.info, summary, sizeof summary);
	cannot_log_in = enroll_cert_refusal(&c.info, (long long)time(NULL));
	if (cannot_log_in != NULL)
		out_error("%s cannot log in (%s): not imported", summary, cannot_log_in);
	csr_cert_free(&c);
	return cannot_log_in != NULL ? EXIT_NO_CERTIFICATE : EXIT_OK;
}

int enroll_import(const struct options *opts, const struct ovpn_config_settings *cfg,
                  struct enroll_token *t)
{
	struct csr_cert c;
	struct p11_id_fields f;
	char err[1024], sid[P11_ID_MAX], uri[1024], label[65], hex[2 * 64 + 1], summary[600];
	const char *cannot_log_in;
	long key, have;
	int rc = EXIT_OK;

	if (csr_cert_read(opts->import_file, 0, &c, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	cert_info_summary(&c.info, summary, sizeof summary);
	cannot_log_in = enroll_cert_refusal(&c.info, (long long)time(NULL));
	if (cannot_log_in != NULL) {
		out_error("%s cannot log in (%s): not imported", summary, cannot_log_in);
		csr_cert_free(&c);
		return EXIT_NO_CERTIFICATE;
	}
	if ((rc = enroll_token_list_objects(t)) != EXIT_OK) {
		csr_cert_free(&c);
		return rc;
	}
	key = enroll_key_for(t->objs, t->nobjs, &c.pub, err, sizeof err);
	if (key < 0) {
		out_error("token '%s': %s; not imported", t->token.label, err);
		csr_cert_free(&c);
		return EXIT_NO_CERTIFICATE;
	}
	const struct p11_kg_object *k = &t->objs[key];
	unsigned char id[64];
	size_t id_len = k->id_len;

	memcpy(id, k->id, id_len);
	snprintf(label, sizeof label, "%s", k->label);
	enroll_id_hex(id, id_len, hex, sizeof hex);
	have = find_cert(t, &c);
	if (have >= 0) {
		out_status("%s is on token '%s' already (id %s).", summary, t->token.label, hex);
	} else {
		switch (p11_keygen_store_cert(t->k, &c, id, id_len, label, err, sizeof err)) {
		case P11_KG_OK:
			out_status("Imported %s onto token '%s' beside its key (id %s, label '%s').",
			           summary, t->token.label, hex, label);
			break;
		case P11_KG_REFUSED:
			out_error("token '%s': %s", t->token.label, err);
			csr_cert_free(&c);
			return EXIT_TOKEN_CANNOT;
		default:
			out_error("token '%s': %s", t->token.label, err);
			csr_cert_free(&c);
			return EXIT_INTERNAL;
		}
	}
	if (opts->chain)
		rc = store_issuer(opts, t);
	if (rc == EXIT_OK && opts->remove_old)
		rc = remove_old(t, &c, id, id_len);
	enroll_token_serialized_id(t, id, id_len, sid, sizeof sid);
	out_status("pkcs11-id '%s'", sid);
	if (p11_id_decode(sid, &f, err, sizeof err) == 0 && p11_uri_format(&f, uri, sizeof uri) > 0)
		out_status("PKCS#11 URI: %s", uri);
	if (cfg->pkcs11_id_value[0] != '\0' && !p11_id_equal(cfg->pkcs11_id_value, sid))
		out_warning("the config's pkcs11-id names another certificate: put the one above "
		            "there (or drop the line and let ovpn-token choose)");
	else if (rc == EXIT_OK)
		out_status("Ready: ovpn-token start %s", opts->target != NULL ? opts->target : "CONFIG");
	csr_cert_free(&c);
	return rc;
}
