/*
 * ovpn-token list: every certificate a login can use, with the serialized id OpenVPN's
 * pkcs11-id takes, byte for byte what `openvpn --show-pkcs11-ids` prints.
 *
 * Exit: 0 with at least one certificate; EXIT_NO_CERTIFICATE when none; EXIT_USAGE when no
 * provider could be loaded (a bad --provider, or none installed where we look); EXIT_INTERNAL
 * when the module failed while listing.
 */
#include <stdio.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cli/exit_codes.h"
#include "pkcs11/provider.h"
#include "pkcs11/provider_select.h"
#include "platform/platform.h"
#include "ui/json.h"
#include "ui/output.h"
#include "ui/sanitize.h"

#define SOON_SECONDS (30LL * 24 * 3600)

enum validity { VALID, NOT_YET_VALID, EXPIRED, EXPIRES_SOON, VALIDITY_UNKNOWN };

static enum validity validity_of(const struct p11_cert *c, long long now)
{
	if (!c->described)
		return VALIDITY_UNKNOWN;
	if (now < c->not_before_epoch)
		return NOT_YET_VALID;
	if (now > c->not_after_epoch)
		return EXPIRED;
	if (c->not_after_epoch - now < SOON_SECONDS)
		return EXPIRES_SOON;
	return VALID;
}

static const char *validity_flag(enum validity v)
{
	switch (v) {
	case NOT_YET_VALID:
		return "  NOT YET VALID";
	case EXPIRED:
		return "  EXPIRED";
	case EXPIRES_SOON:
		return "  EXPIRES SOON";
	default:
		return "";
	}
}

/* Token strings are whatever the card holds: they go through ui/sanitize.h. */
static void put_field(const char *name, const char *value)
{
	char shown[1024];

	sanitize_str(shown, sizeof shown, value);
	printf("  %-15s%s\n", name, shown);
}

static void print_text(const struct p11_cert_list *list, long long now)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct p11_cert *c = &list->items[i];
		char line[512];

		if (i > 0)
			putchar('\n');
		printf("Certificate %zu of %zu\n", i + 1, list->count);
		put_field("Token:", c->token.label);
		snprintf(line, sizeof line, "%s (slot %lu)", c->token.slot_description,
		         c->token.slot_id);
		put_field("Slot:", line);
		put_field("Subject:", c->described ? c->subject : "(unreadable certificate)");
		if (c->described) {
			put_field("Issuer:", c->issuer);
			put_field("Serial:", c->serial_hex);
			snprintf(line, sizeof line, "%s to %s UTC%s", c->not_before, c->not_after,
			         validity_flag(validity_of(c, now)));
			put_field("Valid:", line);
			put_field("Key:", c->key_type);
		}
		put_field("Serialized id:", c->serialized_id);
	}
}

static void json_field(const char *name, const char *value, bool last)
{
	printf("      \"%s\": ", name);
	json_put_string(stdout, value);
	fputs(last ? "\n" : ",\n", stdout);
}

static void print_json(const char *provider, const struct p11_cert_list *list, long long now)
{
	fputs("{\n  \"provider\": ", stdout);
	json_put_string(stdout, provider);
	fputs(",\n  \"certificates\": [", stdout);
	for (size_t i = 0; i < list->count; i++) {
		const struct p11_cert *c = &list->items[i];
		enum validity v = validity_of(c, now);

		fputs(i > 0 ? ",\n    {\n" : "\n    {\n", stdout);
		json_field("token_label", c->token.label, false);
		json_field("slot_description", c->token.slot_description, false);
		printf("      \"slot_id\": %lu,\n", c->token.slot_id);
		json_field("pin_state", p11_pin_state_name(c->token.pin_state), false);
		json_field("object_label", c->object_label, false);
		json_field("subject", c->subject, false);
		json_field("subject_cn", c->subject_cn, false);
		json_field("issuer", c->issuer, false);
		json_field("serial", c->serial_hex, false);
		json_field("not_before", c->not_before, false);
		json_field("not_after", c->not_after, false);
		printf("      \"expired\": %s,\n", v == EXPIRED ? "true" : "false");
		printf("      \"expires_soon\": %s,\n", v == EXPIRES_SOON ? "true" : "false");
		printf("      \"not_yet_valid\": %s,\n", v == NOT_YET_VALID ? "true" : "false");
		json_field("key_type", c->key_type, false);
		json_field("pkcs11_id", c->serialized_id, true);
		fputs("    }", stdout);
	}
	fputs(list->count > 0 ? "\n  ]\n}\n" : "]\n}\n", stdout);
}

int cmd_list(const struct options *opts)
{
	struct p11_provider *p;
	struct p11_cert_list list;
	enum p11_provider_source source;
	char used[512], err[768];
	long long now = (long long)time(NULL);
	int rc;

	p = p11_provider_select(opts->provider, NULL, used, sizeof used, &source, err,
	                        sizeof err);
	if (p == NULL) {
		out_error("%s", err);
		if (p11_available())
			out_error("name the PKCS#11 provider with --provider LIB (e.g. %s)",
			          plat_default_pkcs11_providers()[0]);
		return EXIT_USAGE;
	}
	if (p11_list_certs(p, &list, err, sizeof err) != 0) {
		out_error("%s", err);
		p11_provider_close(p);
		return EXIT_INTERNAL;
	}
	if (opts->json)
		print_json(used, &list, now);
	else if (list.count > 0)
		print_text(&list, now);
	if (list.count == 0 && !opts->json)
		out_error("no certificate found through %s%s%s", used, err[0] != '\0' ? ": " : "",
		          err);
	rc = list.count > 0 ? EXIT_OK : EXIT_NO_CERTIFICATE;
	fflush(stdout);
	p11_cert_list_free(&list);
	p11_provider_close(p);
	return rc;
}
