/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handler: the certificate choice (certs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "session/certs.h"
#include "ui/output.h"

void certs_new_run(struct certs *k)
{
	token_certs_clear(&k->run.list);
	k->run.listing = false;
	k->run.from_view = false;
	k->run.expected = k->run.received = 0;
	k->run.then = NULL;
	k->run.arg = NULL;
}

void certs_free(struct certs *k)
{
	token_certs_clear(&k->run.list);
	free(k->chosen_id);
	k->chosen_id = NULL;
}

/*
 * Which rule judges the token view's certificates: a certificate request (>NEED-CERTIFICATE) is
 * the external key's, whatever command runs the session (attach and connect too); OpenVPN's own
 * listing (pkcs11-id-count) is for its PKCS#11 support.  An external key start chose by itself
 * offers what openvpn's own login would have (settings.h: openvpn_cert_rule).
 */
static bool for_external_key(const struct session_core *c, const struct certs *k)
{
	return k->run.then != NULL && !c->settings->openvpn_cert_rule;
}

const char *certs_chosen(const struct certs *k)
{
	return k->chosen_id;
}

bool certs_listing(const struct certs *k)
{
	return k->run.listing;
}

void certs_on_pin_while_listing(struct session_core *c, struct certs *k)
{
	/*
	 * Its certificates are private objects: listing them needs a login.  Any command we sent
	 * now would make OpenVPN run pkcs11-id-count again inside the first one, and hang (seen
	 * on 2.6.14 and 2.7.6, doc/protocol.md): nothing is sent.
	 */
	out_error("OpenVPN asks the token's PIN to list its certificates (pkcs11-cert-private), "
	          "and cannot take a PIN while it lists");
	out_error("put the certificate's id in the config as pkcs11-id (openvpn "
	          "--show-pkcs11-ids PROVIDER shows it), or remove pkcs11-cert-private");
	k->run.listing = false;
	session_end_error(c, EXIT_NO_CERTIFICATE);
}

/* Expired or not yet valid: the server would refuse it, and reconnect for ever. */
static bool out_of_date(const struct session_core *c, const struct token_cert *t)
{
	return !cert_info_in_date(t->described ? &t->info : NULL, session_wall_time(c));
}

/* Whether the certificate can log in, as far as anyone can tell. */
static bool can_log_in(const struct token_cert *t)
{
	return t->cannot_log_in[0] == '\0';
}

static void describe(const struct session_core *c, const struct token_cert *t, char *buf,
                     size_t bufsz)
{
	char summary[560], where[200] = "";
	const char *flag = "";

	if (t->token[0] != '\0' && t->reader[0] != '\0')
		snprintf(where, sizeof where, " on token '%s' in '%s'", t->token, t->reader);
	else if (t->token[0] != '\0')
		snprintf(where, sizeof where, " on token '%s'", t->token);
	if (!t->described) {
		snprintf(buf, bufsz, "%s%s", t->id, where);
		return;
	}
	cert_info_summary(&t->info, summary, sizeof summary);
	switch (cert_info_validity(&t->info, session_wall_time(c))) {
	case CERT_EXPIRED:
		flag = " [EXPIRED]";
		break;
	case CERT_NOT_YET_VALID:
		flag = " [NOT YET VALID]";
		break;
	default:
		break;
	}
	snprintf(buf, bufsz, "%s%s%s", summary, flag, where);
}

/*
 * A certificate the server will refuse: said before it is used, and never used in --batch
 * (false, the run ending), where nobody would see why the tunnel never comes up.
 */
static bool in_date_or_warned(struct session_core *c, const struct token_cert *t)
{
	char text[600];

	if (!out_of_date(c, t))
		return true;
	describe(c, t, text, sizeof text);
	if (c->settings->batch) {
		out_error("certificate %s cannot be used: the server will refuse it; not trying in "
		          "--batch", text);
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return false;
	}
	out_warning("certificate %s: the server will refuse it", text);
	return true;
}

/* The one certificate that can be used when all others cannot; -1 when there is none or more. */
static long only_in_date(const struct session_core *c, const struct token_cert_list *l)
{
	long found = -1;

	for (size_t i = 0; i < l->count; i++) {
		if (!can_log_in(&l->items[i]) || out_of_date(c, &l->items[i]))
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

static void answer_with(struct session_core *c, struct certs *k, size_t index)
{
	const struct token_cert *t = &k->run.list.items[index];
	const char *id = t->id;
	const char *args[] = {"pkcs11-id-request", id, NULL};
	certs_chosen_fn *then = k->run.then;

	/* What the status file names from now on (status warns when it expires soon). */
	status_cert_of(&c->status_cert, t->described ? &t->info : NULL, t->token, id);
	if (k->chosen_id == NULL || strcmp(k->chosen_id, id) != 0) {
		free(k->chosen_id);
		k->chosen_id = strdup(id);
	}
	if (then != NULL) {
		k->run.then = NULL;
		then(c, k->run.arg, k->chosen_id);
		return;
	}
	session_send(c, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

static void ask_count(struct session_core *c, struct certs *k)
{
	token_certs_clear(&k->run.list);
	k->run.expected = k->run.received = 0;
	k->run.listing = true;
	k->run.from_view = false;
	session_send(c, REPLY_PKCS11ID_COUNT, TAG_ID_COUNT, "pkcs11-id-count", NULL);
}

void certs_on_id_request(struct session_core *c, struct certs *k)
{
	/* OpenVPN repeats pending requests (e.g. after the greeting): one listing at a time. */
	if (!k->run.listing)
		ask_count(c, k);
}

static void choose(struct session_core *c, struct certs *k);

static void on_certs_arrived(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct certs *k = arg;

	switch (a->result) {
	case PLAT_READ_SETTLED:
		k->run.from_view = true;
		choose(c, k);
		return;
	case PLAT_READ_PEER_GONE:
		return;
	case PLAT_READ_OK:
	case PLAT_READ_TOO_LONG:
		/* Enter: look again, the way the certificates came the first time. */
		if (k->run.then != NULL)
			certs_on_certificate_request(c, k, k->run.then, k->run.arg);
		else
			ask_count(c, k);
		return;
	case PLAT_READ_INTERRUPT:
		if (session_stop_if_nobody_asked(c))
			return;
		break;
	default:
		break;
	}
	session_answer_failed(c, a->result, "the answer");
}

/*
 * A token is inserted and the provider lists no certificate on any token (a key without its
 * certificate): the token is there, "insert the token" would be wrong.  label: the token's.
 */
static bool token_without_certificate(struct session_core *c, struct token_cert_list *scratch,
                                      char *label, size_t labelsz)
{
	int listed;

	/* A look at the certificates only when a token is there to hold them. */
	if (tokens_first(c, label, labelsz) != 1)
		return false;
	listed = tokens_list_certs(c, scratch->external_key, scratch); /* its rule kept */
	token_certs_clear(scratch);
	return listed == 0;
}

static void no_certificate(struct session_core *c, struct certs *k)
{
	struct session_watch watch;
	bool watching = tokens_can_see(c);
	char why[600], label[P11_LABEL_LEN + 1];

	tokens_watch_for_certs(&watch, &k->run.list, for_external_key(c, k));
	/* No reader can be seen at all: the token cannot be the cause, pcscd is. */
	bool no_service = tokens_trouble(c, why, sizeof why);

	if (no_service)
		out_error("%s", why);
	else if (watching && token_without_certificate(c, &k->run.list, label, sizeof label)) {
		if (!session_interactive(c) || c->settings->batch) {
			out_error("token '%s' holds no certificate: put the certificate on it, or insert "
			          "the token that holds it", label);
			session_end_error(c, EXIT_NO_CERTIFICATE);
			return;
		}
		session_ask(c, ASK_TEXT, &watch, 0, on_certs_arrived, k,
		            "Token '%s' holds no certificate. Insert the token that holds it "
		            "(Enter: look again, Ctrl-C: quit): ", label);
		return;
	}
	if (!session_interactive(c) || c->settings->batch) {
		if (!watching) {
			out_error("OpenVPN finds no certificate on any token");
			session_end_error(c, EXIT_NO_CERTIFICATE);
			return;
		}
		/* Nobody to ask: wait for the provider to show a certificate. */
		out_status("No certificate found; waiting for %s (Ctrl-C to quit)...",
		           no_service ? "pcscd and a token" : "a token");
		session_wait_for(c, &watch, on_certs_arrived, k);
		return;
	}
	if (no_service)
		session_ask(c, ASK_TEXT, &watch, 0, on_certs_arrived, k,
		            "No certificate found. Start pcscd (Enter: look again, Ctrl-C: quit): ");
	else
		session_ask(c, ASK_TEXT, watching ? &watch : NULL, 0, on_certs_arrived, k,
		            "No certificate found. Insert the token%s (Enter: look again, Ctrl-C: "
		            "quit): ",
		            watching ? "; ovpn-token watches for it" : "");
}

static bool choose_remembered(struct session_core *c, struct certs *k)
{
	long found;

	if (c->settings->no_cache)
		return false;
	found = token_certs_find(&k->run.list, k->chosen_id);
	if (found < 0 || !can_log_in(&k->run.list.items[found]))
		return false;
	out_verbose("Using the certificate chosen before");
	answer_with(c, k, (size_t)found);
	return true;
}

/* A person chose t (or t renewed their choice): told on, to be used by itself on the next run. */
static void note_choice(struct certs *k, const struct token_cert *t)
{
	struct cert_memory m;

	if (k->on_choice == NULL || !t->described || t->info.sha256[0] == '\0')
		return;
	cert_memory_of(&m, &t->info, t->id);
	k->on_choice(k->on_choice_arg, &m);
	k->remembered = m;
}

/*
 * The certificate chosen on an earlier run of this config, when it is here and can log in: on
 * the token it was chosen on, else on the only token that holds it, else its only renewal.
 * Where the fingerprint alone cannot tell two tokens apart, or it is gone, that is said and
 * the choice goes on without it (the menu, or in --batch the list to choose from).
 */
static bool choose_from_memory(struct session_core *c, struct certs *k)
{
	const struct token_cert_list *l = &k->run.list;
	const struct cert_memory *m = &k->remembered;
	long here = -1, same = -1, renewal = -1, pick;
	size_t nsame = 0, nrenewal = 0;
	char text[600], was[800];

	if (m->sha256[0] == '\0' || c->settings->cert_pattern != NULL)
		return false;
	for (size_t i = 0; i < l->count; i++) {
		const struct token_cert *t = &l->items[i];

		if (!can_log_in(t))
			continue;
		switch (cert_memory_kinship(m, t->described ? &t->info : NULL, t->id)) {
		case CERT_SAME_HERE:
			here = (long)i;
			break;
		case CERT_SAME:
			same = (long)i;
			nsame++;
			break;
		case CERT_RENEWAL:
			renewal = (long)i;
			nrenewal++;
			break;
		case CERT_STRANGER:
			break;
		}
	}
	cert_memory_describe(m, was, sizeof was);
	if (here >= 0 || nsame == 1) {
		pick = here >= 0 ? here : same;
		if (out_of_date(c, &l->items[pick]))
			return false;
		describe(c, &l->items[pick], text, sizeof text);
		out_status("Using the certificate chosen before: %s", text);
		answer_with(c, k, (size_t)pick);
		return true;
	}
	if (nsame > 1) {
		out_warning("the certificate chosen before, %s, is on %zu tokens, none of them the one "
		            "it was chosen on: choose one", was, nsame);
		return false;
	}
	if (nrenewal == 1 && !out_of_date(c, &l->items[renewal])) {
		describe(c, &l->items[renewal], text, sizeof text);
		out_status("The certificate chosen before was renewed on the token; using the new one: "
		           "%s", text);
		note_choice(k, &l->items[renewal]);
		answer_with(c, k, (size_t)renewal);
		return true;
	}
	out_warning("the certificate chosen before, %s, is no longer on the token%s", was,
	            nrenewal > 1 ? " (several could be its renewal)" : "");
	return false;
}

static bool matches(const struct token_cert *t, const char *pattern)
{
	return can_log_in(t) && cert_info_matches(t->described ? &t->info : NULL, t->id, pattern);
}

static void choose_by_pattern(struct session_core *c, struct certs *k)
{
	const struct token_cert_list *l = &k->run.list;
	const char *pattern = c->settings->cert_pattern;
	size_t found = 0, first = 0, in_date = 0, first_in_date = 0;
	char text[600];

	for (size_t i = 0; i < l->count; i++) {
		if (!matches(&l->items[i], pattern))
			continue;
		if (found++ == 0)
			first = i;
		if (!out_of_date(c, &l->items[i]) && in_date++ == 0)
			first_in_date = i;
	}
	/* An expired twin (the old certificate beside its renewal) does not make a match ambiguous. */
	if (found > 1 && in_date == 1) {
		found = 1;
		first = first_in_date;
	}
	if (found == 1) {
		if (!in_date_or_warned(c, &l->items[first]))
			return;
		describe(c, &l->items[first], text, sizeof text);
		out_status("Using certificate %s", text);
		note_choice(k, &l->items[first]);
		answer_with(c, k, first);
		return;
	}
	if (found == 0)
		out_error("no certificate matches '%s'", pattern);
	else
		out_error("'%s' matches %zu certificates", pattern, found);
	for (size_t i = 0; i < l->count; i++) {
		if (!can_log_in(&l->items[i]) || (found > 0 && !matches(&l->items[i], pattern)))
			continue;
		describe(c, &l->items[i], text, sizeof text);
		out_menu("  %s", text);
		out_menu("      %s", l->items[i].id);
	}
	session_end_error(c, EXIT_NO_CERTIFICATE);
}

/* The index of the n-th (from 1) certificate that can log in. */
static size_t nth_can_log_in(const struct token_cert_list *l, int n)
{
	for (size_t i = 0; i < l->count; i++)
		if (can_log_in(&l->items[i]) && --n == 0)
			return i;
	return 0;
}

static size_t count_can_log_in(const struct token_cert_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		n += can_log_in(&l->items[i]);
	return n;
}

static void on_menu_choice(struct session_core *c, void *arg, const struct session_answer *a)
{
	struct certs *k = arg;
	size_t i;

	if (a->result != PLAT_READ_OK) {
		session_answer_failed(c, a->result, "the choice");
		return;
	}
	i = nth_can_log_in(&k->run.list, a->number);
	if (!in_date_or_warned(c, &k->run.list.items[i]))
		return;
	note_choice(k, &k->run.list.items[i]);
	answer_with(c, k, i);
}

/* Whether the certificates that can log in are on more than one token (or reader). */
static bool on_several_tokens(const struct token_cert_list *l)
{
	const struct token_cert *first = NULL;

	for (size_t i = 0; i < l->count; i++) {
		const struct token_cert *t = &l->items[i];

		if (!can_log_in(t))
			continue;
		if (first == NULL)
			first = t;
		else if (strcmp(t->token, first->token) != 0 || strcmp(t->reader, first->reader) != 0)
			return true;
	}
	return false;
}

static void choose_from_menu(struct session_core *c, struct certs *k)
{
	const struct token_cert_list *l = &k->run.list;
	size_t n = count_can_log_in(l), shown = 0;
	char text[600];
	bool several = on_several_tokens(l);

	if (!session_interactive(c) || c->settings->batch) {
		/* Named so that --cert can take a part of one: its subject, id or fingerprint. */
		out_error("%s %zu certificates: choose one with --cert (a part of its subject or id, or "
		          "sha256:FINGERPRINT):", several ? "the tokens hold" : "the token holds", n);
		for (size_t i = 0; i < l->count; i++) {
			if (!can_log_in(&l->items[i]))
				continue;
			describe(c, &l->items[i], text, sizeof text);
			out_menu("  %s", text);
			out_menu("      %s", l->items[i].id);
			if (l->items[i].described)
				out_menu("      sha256:%s", l->items[i].info.sha256);
		}
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return;
	}
	out_menu("Certificates on %s:", several ? "the tokens" : "the token");
	for (size_t i = 0; i < l->count; i++) {
		if (!can_log_in(&l->items[i]))
			continue;
		describe(c, &l->items[i], text, sizeof text);
		out_menu("  %zu) %s", ++shown, text);
	}
	session_ask(c, ASK_NUMBER, NULL, (int)n, on_menu_choice, k, "Choose a certificate [1-%zu]: ",
	            n);
}

/* Certificates there are, but none can log in: say each one's reason. */
static void none_can_log_in(struct session_core *c, const struct token_cert_list *l)
{
	char text[600];

	out_error("no certificate on the token can log in:");
	for (size_t i = 0; i < l->count; i++) {
		describe(c, &l->items[i], text, sizeof text);
		out_menu("  %s: %s", text, l->items[i].cannot_log_in);
	}
	session_end_error(c, EXIT_NO_CERTIFICATE);
}

static void choose(struct session_core *c, struct certs *k)
{
	struct token_cert_list *l = &k->run.list;
	char text[600];
	long in_date;

	k->run.listing = false;
	if (l->count == 0) {
		no_certificate(c, k);
		return;
	}
	if (choose_remembered(c, k))
		return;
	/* OpenVPN's list says nothing of keys: the token view does, where it can look. */
	if (!k->run.from_view)
		tokens_judge(c, l);
	if (choose_from_memory(c, k))
		return;
	if (count_can_log_in(l) == 0) {
		none_can_log_in(c, l);
	} else if (c->settings->cert_pattern != NULL) {
		choose_by_pattern(c, k);
	} else if (count_can_log_in(l) == 1) {
		size_t only = nth_can_log_in(l, 1);

		if (!in_date_or_warned(c, &l->items[only]))
			return;
		describe(c, &l->items[only], text, sizeof text);
		out_status("Using the only certificate%s: %s",
		           l->count > 1 ? " that can log in" : "", text);
		answer_with(c, k, only);
	} else if ((in_date = only_in_date(c, l)) >= 0) {
		/* Never the menu for a choice that is no choice: the others would be refused. */
		describe(c, &l->items[in_date], text, sizeof text);
		out_status("Using the only valid certificate: %s", text);
		answer_with(c, k, (size_t)in_date);
	} else {
		choose_from_menu(c, k);
	}
}

void certs_on_certificate_request(struct session_core *c, struct certs *k,
                                  certs_chosen_fn *then, void *arg)
{
	k->run.then = then;
	k->run.arg = arg;
	k->run.from_view = true;
	if (tokens_list_certs(c, for_external_key(c, k), &k->run.list) < 0 && !tokens_can_see(c)) {
		/* attach and connect take no config: only --provider names the module there. */
		out_error("OpenVPN asks for the certificate (the external key), and ovpn-token has no "
		          "PKCS#11 module to list the token's certificates with: name it with "
		          "--provider%s", c->owns_openvpn ? ", or pkcs11-providers in the config" : "");
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return;
	}
	choose(c, k);
}

/* One pkcs11-id-get at a time: the reply queue never holds more than the listing needs. */
static void ask_entry(struct session_core *c, struct certs *k)
{
	char index[24];
	const char *args[] = {index, NULL};

	snprintf(index, sizeof index, "%ld", k->run.received);
	session_send(c, REPLY_PKCS11ID_ENTRY, TAG_ID_GET, "pkcs11-id-get", args);
}

static void on_count(struct session_core *c, struct certs *k, long count)
{
	if (count > TOKENS_MAX_CERTS) {
		out_error("OpenVPN reports %ld certificates; looking at the first %d", count,
		          TOKENS_MAX_CERTS);
		count = TOKENS_MAX_CERTS;
	}
	k->run.expected = count < 0 ? 0 : count;
	k->run.received = 0;
	if (k->run.expected == 0)
		choose(c, k);
	else
		ask_entry(c, k);
}

static void on_entry(struct session_core *c, struct certs *k, const struct mgmt_event *ev)
{
	/* An empty index (the token changed meanwhile) is answered all the same. */
	if (ev->u.pkcs11id_entry.id[0] != '\0')
		token_certs_add_base64(&k->run.list, ev->u.pkcs11id_entry.id,
		                       ev->u.pkcs11id_entry.blob);
	if (++k->run.received >= k->run.expected)
		choose(c, k);
	else
		ask_entry(c, k);
}

void certs_on_reply(struct session_core *c, struct certs *k, const struct mgmt_event *ev,
                    enum reply_tag tag)
{
	if (ev->type == MGMT_EV_ERROR) {
		out_error("OpenVPN cannot list certificates: %s", ev->u.text.text);
		k->run.listing = false;
		session_end_error(c, EXIT_NO_CERTIFICATE);
		return;
	}
	if (tag == TAG_ID_COUNT)
		on_count(c, k, ev->u.pkcs11id_count.count);
	else
		on_entry(c, k, ev);
}
