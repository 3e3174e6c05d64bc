/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token doctor [CONFIG]: checks everything a smartcard login needs, one line per check:
 *   "OK   ..."  fine
 *   "WARN ..."  works, but worth knowing (a PIN count low, a certificate expiring soon, ...)
 *   "FAIL ..."  `start` will not get through; a "-- hint:" says what to do
 * Exit: 0 when nothing FAILed (WARNs allowed), EXIT_CHECK_FAILED (11) when something did.
 *
 * For a tunnel that root's `serve` runs (doctor NAME, or every one in /run/ovpn-token when no
 * CONFIG is named) it checks what connect needs: serve running, the user in the tunnel's
 * group (in this login), its management socket there and reachable.
 *
 * PC/SC is only needed by smartcard providers (OpenSC): its lines are FAIL when the provider
 * found no token (PC/SC is then the likely cause) and WARN when a token was found anyway
 * (a software token such as SoftHSM2 needs no PC/SC).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/served_view.h"
#include "cert/cert_info.h"
#include "codec/utc.h"
#include "exit_codes.h"
#include "openvpn/probe.h"
#include "openvpn/config.h"
#include "openvpn/config_check.h"
#include "openvpn/signer_choice.h"
#include "pkcs11/id_codec.h"
#include "pcsc/check.h"
#include "pkcs11/provider.h"
#include "pkcs11/token_kind.h"
#include "pkcs11/provider_select.h"
#include "platform/platform.h"
#include "ui/output.h"
#include "ui/sanitize.h"

#define MAX_TOKENS 16

enum level { LEVEL_OK, LEVEL_WARN, LEVEL_FAIL };

struct doctor {
	int fails;
	int warns;
};

/* Token labels, reader names and DNs come from the card: each line goes through ui/sanitize.h. */
static void report(struct doctor *d, enum level lv, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void report(struct doctor *d, enum level lv, const char *fmt, ...)
{
	static const char *const tags[] = {"OK   ", "WARN ", "FAIL "};
	char line[2048], shown[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	sanitize_str(shown, sizeof shown, line);
	printf("%s%s\n", tags[lv], shown);
	fflush(stdout);
	if (lv == LEVEL_FAIL)
		d->fails++;
	else if (lv == LEVEL_WARN)
		d->warns++;
}

static void check_openvpn(struct doctor *d, const char *given)
{
	char program[512], err[512];
	struct openvpn_probe probe;

	if (given != NULL)
		snprintf(program, sizeof program, "%s", given);
	else if (plat_find_openvpn(program, sizeof program) != 0) {
		report(d, LEVEL_FAIL, "openvpn not found -- hint: install OpenVPN, or give --openvpn PATH");
		return;
	}
	if (openvpn_probe(program, &probe, err, sizeof err) != 0) {
		report(d, LEVEL_FAIL, "openvpn %s does not run: %s -- hint: give a working one with "
		       "--openvpn PATH", program, err);
		return;
	}
	report(d, LEVEL_OK, "openvpn %s: %s", program, probe.version);
	if (probe.pkcs11)
		report(d, LEVEL_OK, "openvpn is built with PKCS#11 support ([PKCS11])");
	else
		report(d, LEVEL_FAIL, "openvpn is built without PKCS#11 support (no [PKCS11] in "
		       "--version) -- hint: install an OpenVPN built with pkcs11-helper");
}

/* Each file the config names, as openvpn will open it: from its folder (or the config's "cd"). */
static void check_config_files(struct doctor *d, const struct ovpn_config *cfg)
{
	const struct ovpn_config_settings *settings = &cfg->settings;
	FILE *f;

	for (size_t i = 0; i < settings->nfiles; i++) {
		const struct ovpn_config_file *cf = &settings->files[i];

		f = fopen(cf->resolved, "rb");
		if (f != NULL) {
			fclose(f);
			report(d, LEVEL_OK, "line %d: %s %s is there", cf->line, cf->option, cf->resolved);
		} else {
			report(d, LEVEL_FAIL, "line %d: %s %s cannot be read: %s -- hint: openvpn runs in "
			       "%s, so a relative name is looked up there", cf->line, cf->option,
			       cf->resolved, strerror(errno), cfg->workdir);
		}
	}
}

/*
 * Who start would have sign (openvpn/signer_choice.h), said among the config's lines.  Judged
 * as if openvpn were our child: whether Windows' interactive service would start it is the
 * service's to tell.  The certificates are judged by the rule start offers them by: the wider
 * one only with --external-key (session/settings.h, openvpn_cert_rule).
 */
static bool check_signer(struct doctor *d, const struct options *opts,
                         const struct ovpn_config_settings *settings)
{
	enum signer_asked asked = signer_asked_by(opts->external_key, opts->no_external_key);
	struct signer_choice c = signer_choose(asked, settings, opts->provider, false);

	if (c.ovpn_token_signs && asked == SIGNER_ASKED_NOTHING)
		report(d, LEVEL_OK, "start signs on the token itself as openvpn's external key (%s; "
		       "--no-external-key lets openvpn do it)", c.why);
	return c.ovpn_token_signs;
}

/* The config's checks (skipped when it cannot be read). */
static void check_config(struct doctor *d, const struct options *opts,
                         struct ovpn_config_settings *settings)
{
	static const enum level levels[] = {LEVEL_OK, LEVEL_WARN, LEVEL_FAIL};
	static struct ovpn_config cfg; /* some 60 KiB: not for the stack */
	struct config_finding found[CONFIG_MAX_FINDINGS];
	char err[1200];
	bool external_key;
	size_t n;

	memset(settings, 0, sizeof *settings);
	if (ovpn_config_load(opts->target, &cfg, err, sizeof err) != 0) {
		report(d, LEVEL_FAIL, "config: %s", err);
		return;
	}
	*settings = cfg.settings;
	report(d, LEVEL_OK, "config %s read", cfg.path);
	if (settings->pkcs11_providers[0] != '\0')
		report(d, LEVEL_OK, "config names its PKCS#11 provider: %s", settings->pkcs11_providers);
	else
		report(d, LEVEL_FAIL, "config has no pkcs11-providers line -- hint: add "
		       "'pkcs11-providers %s' (or your token's provider)",
		       plat_default_pkcs11_providers()[0]);
	external_key = check_signer(d, opts, settings);
	n = config_check(settings,
	                 &(struct config_check_mode){opts->cert_pattern != NULL, external_key}, found,
	                 CONFIG_MAX_FINDINGS);
	for (size_t i = 0; i < n; i++) {
		if (found[i].line > 0)
			report(d, levels[found[i].severity], "config line %d: %s", found[i].line,
			       found[i].text);
		else
			report(d, levels[found[i].severity], "config: %s", found[i].text);
	}
	check_config_files(d, &cfg);
}

static const char *pin_words(enum p11_pin_state s)
{
	switch (s) {
	case P11_PIN_COUNT_LOW:
		return "a wrong PIN was entered since the last right one (PIN count low)";
	case P11_PIN_FINAL_TRY:
		return "one more wrong PIN locks it (final try)";
	case P11_PIN_LOCKED:
		return "its PIN is locked";
	default:
		return "PIN ok";
	}
}

/* tokens[0..n) as p11_list_tokens() gave them (n < 0: it failed with err). */
static void check_tokens(struct doctor *d, const struct p11_token *tokens, int n,
                         const char *err, const char *provider)
{
	if (n < 0) {
		report(d, LEVEL_FAIL, "%s", err);
		return;
	}
	if (n == 0) {
		report(d, LEVEL_FAIL, "no token found through %s -- hint: insert the card or token; "
		       "for a smartcard check the reader and pcscd lines", provider);
		return;
	}
	for (int i = 0; i < n && i < MAX_TOKENS; i++) {
		const struct p11_token *t = &tokens[i];
		enum token_kind kind = token_kind_of(t->manufacturer, t->model);
		const char *kind_name = token_kind_name(kind);
		enum level lv = t->pin_state == P11_PIN_LOCKED     ? LEVEL_FAIL
		                : t->pin_state == P11_PIN_COUNT_LOW ||
		                          t->pin_state == P11_PIN_FINAL_TRY
		                        ? LEVEL_WARN
		                        : LEVEL_OK;
		char kind_text[64] = "";

		if (kind_name != NULL)
			snprintf(kind_text, sizeof kind_text, " [%s]", kind_name);
		report(d, lv, "token '%s' in %s: %s%s%s%s", t->label, t->slot_description,
		       pin_words(t->pin_state), kind_text, lv != LEVEL_OK ? " -- hint: " : "",
		       lv == LEVEL_FAIL   ? token_kind_unblock_hint(kind)
		       : lv == LEVEL_WARN ? "take care typing the PIN"
		                          : "");
	}
}

/* Whether every token found is of a kind reached without PC/SC (a TPM). */
static bool tokens_without_pcsc(const struct p11_token *tokens, int n)
{
	if (n <= 0)
		return false;
	for (int i = 0; i < n && i < MAX_TOKENS; i++)
		if (!token_kind_without_pcsc(token_kind_of(tokens[i].manufacturer, tokens[i].model)))
			return false;
	return true;
}

static void check_pcsc(struct doctor *d, bool have_token)
{
	/*
	 * A smartcard module sees no token without pcscd and a reader: one that finds a token
	 * anyway (SoftHSM2, a USB token with its own driver) does not use them, and their absence
	 * is no fault of this setup.
	 */
	static const char not_needed[] = " (not needed: the provider finds its token without it)";
	enum level bad = have_token ? LEVEL_OK : LEVEL_FAIL;
	struct pcsc_status st;
	char names[1024] = "";

	pcsc_check(&st);
	if (!st.built_in) {
		report(d, have_token ? LEVEL_OK : LEVEL_WARN, "%s", st.error);
		return;
	}
	if (!st.service) {
		if (have_token)
			report(d, LEVEL_OK, "pcscd not running%s", not_needed);
		else
			report(d, bad, "pcscd not reachable (%s) -- hint: %s", st.error,
			       plat_pcsc_service_hint());
		return;
	}
	report(d, LEVEL_OK, "pcscd reachable");
	if (st.nreaders == 0) {
		if (have_token)
			report(d, LEVEL_OK, "no smartcard reader connected%s", not_needed);
		else
			report(d, bad, "no smartcard reader connected%s%s -- hint: plug in the reader",
			       st.error[0] != '\0' ? ": " : "", st.error);
		return;
	}
	for (size_t i = 0; i < st.nreaders && i < PCSC_MAX_READERS; i++) {
		size_t used = strlen(names);

		snprintf(names + used, sizeof names - used, "%s'%s'", i > 0 ? ", " : "",
		         st.readers[i].name);
	}
	report(d, LEVEL_OK, "%lu reader(s): %s", (unsigned long)st.nreaders, names);
	if (st.ncards == 0) {
		if (have_token)
			report(d, LEVEL_OK, "no card in any reader%s", not_needed);
		else
			report(d, bad, "no card in any reader -- hint: insert the card");
		return;
	}
	for (size_t i = 0; i < st.nreaders && i < PCSC_MAX_READERS; i++)
		if (st.readers[i].card_present)
			report(d, LEVEL_OK, "card present in '%s'", st.readers[i].name);
}

static void report_cert(struct doctor *d, const struct p11_cert *c, long long now, bool matters)
{
	const struct cert_info *ci = &c->info;
	const char *who = ci->subject_cn[0] != '\0' ? ci->subject_cn : ci->subject;
	char from[20], to[20], warning[160];

	/* Usable all the same (cert_info_in_date): ovpn-token cannot tell what the server says. */
	if (!c->described) {
		report(d, LEVEL_WARN, "certificate %s on token '%s' cannot be read by ovpn-token (its "
		       "dates are unknown); openvpn may still use it", c->serialized_id,
		       c->token.label);
		return;
	}
	utc_text(ci->not_before_epoch, UTC_DATE_TIME, from, sizeof from);
	utc_text(ci->not_after_epoch, UTC_DATE_TIME, to, sizeof to);
	cert_expiry_warning(ci->not_after_epoch, now, warning, sizeof warning);
	switch (cert_info_validity(ci, now)) {
	case CERT_EXPIRED:
		report(d, matters ? LEVEL_FAIL : LEVEL_WARN, "certificate '%s' on token '%s' %s", who,
		       c->token.label, warning);
		break;
	case CERT_NOT_YET_VALID:
		report(d, matters ? LEVEL_FAIL : LEVEL_WARN, "certificate '%s' on token '%s' is not "
		       "valid before %s UTC -- hint: check the computer's clock", who,
		       c->token.label, from);
		break;
	case CERT_EXPIRES_SOON:
		report(d, LEVEL_WARN, "certificate '%s' on token '%s' %s", who, c->token.label,
		       warning);
		break;
	case CERT_VALID:
		report(d, LEVEL_OK, "certificate '%s' on token '%s' valid until %s UTC", who,
		       c->token.label, to);
		break;
	}
}

/* What to do about a certificate that cannot log in. */
static const char *cannot_log_in_hint(const struct p11_cert *c)
{
	switch (c->key) {
	case P11_KEY_NONE:
		return "put its private key on the token under the certificate's CKA_ID, or remove "
		       "the certificate";
	case P11_KEY_OTHER_ID:
		return "give the key the certificate's CKA_ID (e.g. pkcs11-tool --login "
		       "--set-id ID --type privkey ...), or use --external-key";
	default:
		return "nothing to do: it is not one to log in with";
	}
}

/* A certificate that cannot log in, with why; false when it can. */
static bool report_cannot_log_in(struct doctor *d, const struct p11_cert *c, bool external_key,
                         bool matters)
{
	const char *why = p11_cert_cannot_log_in(c, external_key);
	const char *who = c->info.subject_cn[0] != '\0' ? c->info.subject_cn : c->serialized_id;

	if (why == NULL)
		return false;
	if (c->key == P11_KEY_OTHER_ID)
		report(d, matters ? LEVEL_FAIL : LEVEL_WARN, "certificate '%s' on token '%s' cannot "
		       "log in: %s (the key's CKA_ID is %s) -- hint: %s", who, c->token.label, why,
		       c->key_id_hex, cannot_log_in_hint(c));
	else
		report(d, matters ? LEVEL_FAIL : LEVEL_WARN, "certificate '%s' on token '%s' cannot "
		       "log in: %s -- hint: %s", who, c->token.label, why, cannot_log_in_hint(c));
	return true;
}

static void check_certs(struct doctor *d, struct p11_provider *p,
                        const struct ovpn_config_settings *settings, bool external_key)
{
	struct p11_cert_list list;
	struct p11_id_fields idf;
	long long now = (long long)time(NULL);
	const struct p11_cert *chosen = NULL;
	size_t nready = 0;
	char err[512];

	if (p11_list_certs(p, &list, err, sizeof err) != 0) {
		report(d, LEVEL_FAIL, "%s", err);
		return;
	}
	if (list.count == 0) {
		report(d, LEVEL_FAIL, "no certificate on the tokens%s%s -- hint: the token needs a "
		       "certificate with a CKA_ID beside its key", err[0] ? ": " : "", err);
		return;
	}
	if (settings->pkcs11_id) {
		for (size_t i = 0; i < list.count && chosen == NULL; i++)
			if (p11_id_equal(list.items[i].serialized_id, settings->pkcs11_id_value))
				chosen = &list.items[i];
	}
	for (size_t i = 0; i < list.count; i++)
		nready += p11_cert_cannot_log_in(&list.items[i], external_key) == NULL &&
		           cert_info_in_date(list.items[i].described ? &list.items[i].info : NULL, now);
	for (size_t i = 0; i < list.count; i++) {
		const struct p11_cert *c = &list.items[i];
		/* Only the configured certificate matters, or, without one, the last usable one. */
		bool matters = chosen != NULL ? c == chosen : nready == 0;

		if (!report_cannot_log_in(d, c, external_key, matters))
			report_cert(d, c, now, matters);
	}
	if (settings->pkcs11_id) {
		if (p11_id_decode(settings->pkcs11_id_value, &idf, err, sizeof err) != 0)
			report(d, LEVEL_FAIL, "config's pkcs11-id '%s' is malformed (%s) -- hint: copy an "
			       "id from `ovpn-token list`", settings->pkcs11_id_value, err);
		else if (chosen == NULL)
			report(d, LEVEL_FAIL, "config's pkcs11-id names no certificate on the tokens "
			       "present -- hint: insert that token, or copy an id from `ovpn-token list`");
		else
			report(d, LEVEL_OK, "config's pkcs11-id names certificate '%s' on token '%s'",
			       chosen->info.subject_cn, chosen->token.label);
	}
	p11_cert_list_free(&list);
}

/* What connect NAME needs of a served tunnel (cmd/served_view.h). */
static void check_served(struct doctor *d, const struct served_view *v)
{
	struct plat_file_facts sock;
	char me[64], err[600];

	plat_user_name(plat_user_id(), me, sizeof me);
	/* Outside the group one cannot read whether serve runs: the group comes first. */
	if (v->serve_pid == 0 && v->membership == PLAT_IN_GROUP) {
		report(d, LEVEL_FAIL, "tunnel %s: serve is not running -- hint: sudo systemctl start "
		       "ovpn-token-serve@%s", v->name, v->name);
		return;
	}
	if (v->serve_pid != 0)
		report(d, LEVEL_OK, "tunnel %s is served (serve pid %ld) to the group %s", v->name,
		       v->serve_pid, v->group);
	if (v->membership == PLAT_IN_GROUP_LATER) {
		report(d, LEVEL_FAIL, "you (%s) were added to the group %s after this login began -- "
		       "hint: log in again (or: newgrp %s)", me, v->group, v->group);
		return;
	}
	if (v->membership == PLAT_NOT_IN_GROUP) {
		report(d, LEVEL_FAIL, "you (%s) are not in the group %s -- hint: ask an administrator: "
		       "sudo adduser %s %s, then log in again", me, v->group, me, v->group);
		return;
	}
	report(d, LEVEL_OK, "you (%s) are in the group %s", me, v->group);
	if (plat_file_facts(v->paths.socket, &sock, err, sizeof err) != 0) {
		report(d, LEVEL_FAIL, "tunnel %s has no management socket (%s) -- hint: its openvpn is "
		       "(re)starting or failed: journalctl -u ovpn-token-serve@%s", v->name, err,
		       v->name);
		return;
	}
	if (!sock.is_socket || sock.uid != 0) {
		report(d, LEVEL_FAIL, "%s is not a socket of root's -- hint: restart "
		       "ovpn-token-serve@%s", v->paths.socket, v->name);
		return;
	}
	if (!plat_may_write(v->paths.socket)) {
		report(d, LEVEL_FAIL, "you may not connect to %s (mode %o) -- hint: restart "
		       "ovpn-token-serve@%s", v->paths.socket, (unsigned)sock.mode, v->name);
		return;
	}
	report(d, LEVEL_OK, "its management socket %s is there and yours to reach", v->paths.socket);
	if (v->holder_pid > 0)
		report(d, LEVEL_WARN, "tunnel %s is in use by %s%s%s: connect waits for them to "
		       "disconnect", v->name, v->holder_user, v->holder_since[0] ? " since " : "",
		       v->holder_since);
	else if (v->state[0] != '\0')
		report(d, LEVEL_OK, "tunnel %s is %s: ovpn-token connect %s", v->name,
		       strcmp(v->state, "HOLD") == 0 ? "free" : v->state, v->name);
}

static void check_each_served(void *arg, const char *name)
{
	struct served_view v;

	if (!served_name_ok(name))
		return;
	served_view_load(name, &v);
	if (v.exists)
		check_served(arg, &v);
}

int cmd_doctor(const struct options *opts)
{
	struct doctor d = {0, 0};
	struct ovpn_config_settings settings;
	struct served_view served = {.exists = false};
	struct p11_provider *p;
	enum p11_provider_source source;
	char used[512], err[768];
	int ntokens = 0;

	memset(&settings, 0, sizeof settings);
	if (opts->target != NULL && served_name_ok(opts->target))
		served_view_load(opts->target, &served);
	if (served.exists) {
		/* openvpn and its config are root's: what is the user's is the group and the token. */
		check_served(&d, &served);
		snprintf(settings.pkcs11_providers, sizeof settings.pkcs11_providers, "%s", served.provider);
	} else {
		check_openvpn(&d, opts->openvpn);
		if (opts->target != NULL)
			check_config(&d, opts, &settings);
		else if (plat_served_check(err, sizeof err) == 0)
			plat_list_dir(SERVED_BASE, check_each_served, &d, err, sizeof err);
	}
	p = p11_provider_select(opts->provider, settings.pkcs11_providers, used, sizeof used,
	                        &source, err, sizeof err);
	if (p == NULL) {
		report(&d, LEVEL_FAIL, "%s -- hint: install OpenSC (opensc-pkcs11) or name the "
		       "provider with --provider LIB", err);
		check_pcsc(&d, false);
	} else {
		struct p11_token tokens[MAX_TOKENS];

		report(&d, LEVEL_OK, "PKCS#11 provider %s loads (from %s)", used,
		       p11_provider_source_name(source));
		/* The PC/SC lines come first but their level depends on whether a token is there. */
		ntokens = p11_list_tokens(p, tokens, MAX_TOKENS, err, sizeof err);
		/* A TPM needs no pcscd: its state is nothing to warn of. */
		if (!tokens_without_pcsc(tokens, ntokens))
			check_pcsc(&d, ntokens > 0);
		check_tokens(&d, tokens, ntokens, err, used);
		if (ntokens > 0)
			check_certs(&d, p, &settings, opts->external_key);
		p11_provider_close(p);
	}
	printf("%d check(s) failed, %d warning(s)\n", d.fails, d.warns);
	return d.fails > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
}
