/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token list [CONFIG]: every certificate a login can use (--all: every one, and why the
 * others cannot), with the serialized id OpenVPN's pkcs11-id takes, byte for byte what
 * `openvpn --show-pkcs11-ids` prints, and its SHA-256 fingerprint (for --cert sha256:...).  The provider:
 * --provider, else CONFIG's pkcs11-providers, else the usual places.
 *
 * Exit: 0 with at least one certificate that can log in; EXIT_NO_CERTIFICATE when none; EXIT_USAGE when no
 * provider could be loaded (a bad --provider, or none installed where we look); EXIT_INTERNAL
 * when the module failed while listing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cert/cert_info.h"
#include "codec/utc.h"
#include "exit_codes.h"
#include "openvpn/config.h"
#include "pkcs11/provider.h"
#include "pkcs11/token_kind.h"
#include "pkcs11/provider_select.h"
#include "pkcs11/uri.h"
#include "platform/platform.h"
#include "ui/json.h"
#include "ui/output.h"
#include "ui/sanitize.h"

static const char *validity_flag(enum cert_validity v)
{
	switch (v) {
	case CERT_NOT_YET_VALID:
		return "  NOT YET VALID";
	case CERT_EXPIRED:
		return "  EXPIRED";
	case CERT_EXPIRES_SOON:
		return "  EXPIRES SOON";
	case CERT_VALID:
		break;
	}
	return "";
}

/* Token strings are whatever the card holds: they go through ui/sanitize.h. */
static void put_field(const char *name, const char *value)
{
	char shown[1024];

	sanitize_str(shown, sizeof shown, value);
	printf("  %-15s%s\n", name, shown);
}

/* The same certificate as an RFC 7512 URI, for OpenVPN 2.7's `cert pkcs11:...` ("" if none). */
static void uri_of(const char *serialized_id, char *out, size_t outsz)
{
	struct p11_id_fields f;
	char err[128];

	if (p11_id_decode(serialized_id, &f, err, sizeof err) != 0 ||
	    p11_uri_format(&f, out, outsz) < 0)
		out[0] = '\0';
}

/* Whether list shows c: every certificate with --all, else those that can log in. */
static bool shown(const struct p11_cert *c, bool all)
{
	return all || p11_cert_cannot_log_in(c, false) == NULL;
}

static size_t count_shown(const struct p11_cert_list *list, bool all)
{
	size_t n = 0;

	for (size_t i = 0; i < list->count; i++)
		n += shown(&list->items[i], all);
	return n;
}

/* Whether list shows a certificate that expires soon or has expired: the renewal hint. */
static bool expiring_shown(const struct p11_cert_list *list, long long now, bool all)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct p11_cert *c = &list->items[i];
		enum cert_validity v = c->described ? cert_info_validity(&c->info, now) : CERT_VALID;

		if (shown(c, all) && (v == CERT_EXPIRES_SOON || v == CERT_EXPIRED))
			return true;
	}
	return false;
}

static void print_text(const struct p11_cert_list *list, long long now, bool all)
{
	size_t n = count_shown(list, all), k = 0;

	for (size_t i = 0; i < list->count; i++) {
		const struct p11_cert *c = &list->items[i];
		const struct cert_info *ci = &c->info;
		const char *cannot_log_in = p11_cert_cannot_log_in(c, false);
		const char *kind = token_kind_name(token_kind_of(c->token.manufacturer, c->token.model));
		char line[1024], from[20], to[20];

		if (!shown(c, all))
			continue;
		if (k++ > 0)
			putchar('\n');
		printf("Certificate %zu of %zu\n", k, n);
		if (cannot_log_in != NULL)
			put_field("Cannot log in:", cannot_log_in);
		put_field("Token:", c->token.label);
		if (kind != NULL)
			put_field("Kind:", kind);
		snprintf(line, sizeof line, "%s (slot %lu)", c->token.slot_description,
		         c->token.slot_id);
		put_field("Slot:", line);
		put_field("Subject:", c->described ? ci->subject : "(unreadable certificate)");
		if (c->described) {
			put_field("Issuer:", ci->issuer);
			put_field("Serial:", ci->serial_hex);
			utc_text(ci->not_before_epoch, UTC_DATE_TIME, from, sizeof from);
			utc_text(ci->not_after_epoch, UTC_DATE_TIME, to, sizeof to);
			snprintf(line, sizeof line, "%s to %s UTC%s", from, to,
			         validity_flag(cert_info_validity(ci, now)));
			put_field("Valid:", line);
			put_field("Key:", ci->key_type);
			put_field("SHA-256:", ci->sha256);
		}
		put_field("Serialized id:", c->serialized_id);
		uri_of(c->serialized_id, line, sizeof line);
		put_field("PKCS#11 URI:", line);
	}
}

static void print_json(const char *provider, const struct p11_cert_list *list, long long now,
                       bool all)
{
	size_t k = 0;

	fputs("{\n  \"provider\": ", stdout);
	json_put_string(stdout, provider);
	fputs(",\n  \"certificates\": [", stdout);
	for (size_t i = 0; i < list->count; i++) {
		const struct p11_cert *c = &list->items[i];
		const struct cert_info *ci = &c->info;
		const char *cannot_log_in = p11_cert_cannot_log_in(c, false);
		const char *kind = token_kind_name(token_kind_of(c->token.manufacturer, c->token.model));
		/* An unreadable certificate is none of the three. */
		enum cert_validity v = c->described ? cert_info_validity(ci, now) : CERT_VALID;
		char from[20] = "", to[20] = "", uri[1024];
		struct json_fields o = {.f = stdout, .sep = ",\n      "};

		if (c->described) {
			utc_text(ci->not_before_epoch, UTC_DATE_TIME, from, sizeof from);
			utc_text(ci->not_after_epoch, UTC_DATE_TIME, to, sizeof to);
		}

		if (!shown(c, all))
			continue;
		fputs(k++ > 0 ? ",\n    {\n      " : "\n    {\n      ", stdout);
		json_string_field(&o, "token_label", c->token.label);
		json_string_field(&o, "token_kind", kind != NULL ? kind : "");
		json_string_field(&o, "slot_description", c->token.slot_description);
		json_ulong_field(&o, "slot_id", c->token.slot_id);
		json_string_field(&o, "pin_state", p11_pin_state_name(c->token.pin_state));
		json_string_field(&o, "object_label", c->object_label);
		json_string_field(&o, "subject", ci->subject);
		json_string_field(&o, "subject_cn", ci->subject_cn);
		json_string_field(&o, "issuer", ci->issuer);
		json_string_field(&o, "serial", ci->serial_hex);
		json_string_field(&o, "not_before", from);
		json_string_field(&o, "not_after", to);
		json_bool_field(&o, "expired", v == CERT_EXPIRED);
		json_bool_field(&o, "expires_soon", v == CERT_EXPIRES_SOON);
		json_bool_field(&o, "not_yet_valid", v == CERT_NOT_YET_VALID);
		json_string_field(&o, "key_type", ci->key_type);
		json_string_field(&o, "sha256", ci->sha256);
		json_bool_field(&o, "can_log_in", cannot_log_in == NULL);
		json_string_field(&o, "cannot_log_in", cannot_log_in != NULL ? cannot_log_in : "");
		uri_of(c->serialized_id, uri, sizeof uri);
		json_string_field(&o, "pkcs11_uri", uri);
		json_string_field(&o, "pkcs11_id", c->serialized_id);
		fputs("\n", stdout);
		fputs("    }", stdout);
	}
	fputs(k > 0 ? "\n  ]\n}\n" : "]\n}\n", stdout);
}

/* CONFIG's pkcs11-providers, resolved as openvpn loads it, into settings (zeroed without CONFIG). */
static int read_config_provider(const char *name, struct ovpn_config_settings *settings)
{
	static struct ovpn_config cfg; /* some 60 KiB: not for the stack */
	char err[1200];

	memset(settings, 0, sizeof *settings);
	if (name == NULL)
		return 0;
	if (ovpn_config_load(name, &cfg, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	*settings = cfg.settings;
	return 0;
}

int cmd_list(const struct options *opts)
{
	struct ovpn_config_settings settings;
	struct p11_provider *p;
	struct p11_cert_list list;
	enum p11_provider_source source;
	char used[512], err[768];
	long long now = (long long)time(NULL);
	size_t fit;
	int rc;

	if (read_config_provider(opts->target, &settings) != 0)
		return EXIT_USAGE;
	p = p11_provider_select(opts->provider, settings.pkcs11_providers, used, sizeof used, &source,
	                        err, sizeof err);
	if (p == NULL) {
		out_error("%s", err);
		/* A hint to name one only when nobody did. */
		if (p11_available() && opts->provider == NULL && settings.pkcs11_providers[0] == '\0')
			out_error("name the PKCS#11 provider with --provider LIB (e.g. %s), or give the "
			          "config that names it", plat_default_pkcs11_providers()[0]);
		return EXIT_USAGE;
	}
	if (p11_list_certs(p, &list, err, sizeof err) != 0) {
		out_error("%s", err);
		p11_provider_close(p);
		return EXIT_INTERNAL;
	}
	if (opts->json)
		print_json(used, &list, now, opts->all);
	else
		print_text(&list, now, opts->all);
	fit = count_shown(&list, false);
	if (list.count == 0 && !opts->json)
		out_error("no certificate found through %s%s%s", used, err[0] != '\0' ? ": " : "",
		          err);
	else if (fit == 0 && !opts->json)
		out_error("none of the %zu certificate(s) found through %s can log in%s", list.count,
		          used, opts->all ? "" : " (--all shows them and why)");
	else if (fit < list.count && !opts->all && !opts->json)
		out_menu("(%zu more cannot log in: --all shows them and why)", list.count - fit);
	if (!opts->json && expiring_shown(&list, now, opts->all))
		out_menu("(a certificate above expires within %lld days: `ovpn-token enroll --renew` "
		         "makes its successor's key and request)", CERT_SOON_SECONDS / 86400);
	rc = fit > 0 ? EXIT_OK : EXIT_NO_CERTIFICATE;
	fflush(stdout);
	p11_cert_list_free(&list);
	p11_provider_close(p);
	return rc;
}
