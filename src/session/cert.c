/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Answering pkcs11-id-request: list the token's certificates through OpenVPN and choose one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/exit_codes.h"
#include "session/internal.h"
#include "ui/output.h"

void session_certs_free(struct cert_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].id);
	l->count = 0;
}

static void add_from_token(void *arg, const char *id, const unsigned char *der, size_t der_len)
{
	struct cert_list *l = arg;
	struct cert_entry *c;

	if (l->count >= SESSION_MAX_CERTS)
		return;
	c = &l->items[l->count];
	c->id = strdup(id);
	if (c->id == NULL)
		return;
	c->described = cert_info_from_der(der, der_len, &c->info) == 0;
	l->count++;
}

int session_certs_from_token(struct session *s)
{
	struct cert_list *l = &s->link.certs;

	session_certs_free(l);
	if (s->io->each_cert(s->io->ctx, add_from_token, l) < 0)
		return -1;
	return (int)l->count;
}

bool session_certs_listing(struct session *s)
{
	return s->link.certs.listing;
}

/* Expired or not yet valid: the server would refuse it, and reconnect for ever. */
static bool unusable(const struct cert_entry *c)
{
	enum cert_validity v;

	if (!c->described)
		return false;
	v = cert_info_validity(&c->info, (long long)time(NULL));
	return v == CERT_EXPIRED || v == CERT_NOT_YET_VALID;
}

static void describe(const struct cert_entry *c, char *buf, size_t bufsz)
{
	char summary[560];

	if (!c->described) {
		snprintf(buf, bufsz, "%s", c->id);
		return;
	}
	cert_info_summary(&c->info, summary, sizeof summary);
	switch (cert_info_validity(&c->info, (long long)time(NULL))) {
	case CERT_EXPIRED:
		snprintf(buf, bufsz, "%s [EXPIRED]", summary);
		break;
	case CERT_NOT_YET_VALID:
		snprintf(buf, bufsz, "%s [NOT YET VALID]", summary);
		break;
	default:
		snprintf(buf, bufsz, "%s", summary);
		break;
	}
}

/*
 * A certificate the server will refuse: said before it is used, and never used in --batch
 * (false, session ending), where nobody would see why the tunnel never comes up.
 */
static bool usable_or_warned(struct session *s, const struct cert_entry *c)
{
	char text[600];

	if (!unusable(c))
		return true;
	describe(c, text, sizeof text);
	if (s->opts->batch) {
		out_error("certificate %s cannot be used: the server will refuse it; not trying in "
		          "--batch", text);
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return false;
	}
	out_warning("certificate %s: the server will refuse it", text);
	return true;
}

/* The one certificate that can be used when all others cannot; -1 when there is none or more. */
static long only_usable(const struct cert_list *l)
{
	long found = -1;

	for (size_t i = 0; i < l->count; i++) {
		if (unusable(&l->items[i]))
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

static void ask_count(struct session *s)
{
	struct cert_list *l = &s->link.certs;

	session_certs_free(l);
	l->expected = l->received = 0;
	l->listing = true;
	session_send(s, REPLY_PKCS11ID_COUNT, TAG_ID_COUNT, "pkcs11-id-count", NULL);
}

void session_on_id_request(struct session *s)
{
	/* OpenVPN repeats pending requests (e.g. after the greeting): one listing at a time. */
	if (!s->link.certs.listing)
		ask_count(s);
}

static void choose(struct session *s);

/* Nobody to ask: wait for the provider to show a certificate, still noticing Ctrl-C. */
static void wait_for_certificate(struct session *s)
{
	struct plat_prompt_watch watch;

	session_watch_for_certs(s, &watch);
	out_status("No certificate found; waiting for a token (Ctrl-C to quit)...");
	switch (session_wait_quietly(s, &watch)) {
	case WAIT_SETTLED:
		choose(s);
		break;
	case WAIT_INTERRUPTED:
		session_end_stop(s);
		break;
	case WAIT_CLOSED:
		break;
	}
}

static void no_certificate(struct session *s)
{
	struct plat_prompt_watch watch;
	bool watching = session_can_see_tokens(s);
	char answer[64];
	enum plat_read_result r;

	if (!s->io->interactive(s->io->ctx) || s->opts->batch) {
		if (watching) {
			wait_for_certificate(s);
			return;
		}
		out_error("OpenVPN finds no certificate on any token");
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	session_watch_for_certs(s, &watch);
	r = session_ask_text(s, watching ? &watch : NULL, answer, sizeof answer,
	                     "No certificate found. Insert the token%s (Enter: look again, "
	                     "Ctrl-C: quit): ",
	                     watching ? "; ovpn-token watches for it" : "");
	if (r == PLAT_READ_SETTLED)
		choose(s);
	else if ((r == PLAT_READ_OK || r == PLAT_READ_TOO_LONG) && s->link.xkey.cert_wanted)
		session_on_certificate_request(s);
	else if (r == PLAT_READ_OK || r == PLAT_READ_TOO_LONG)
		ask_count(s);
	else
		session_prompt_failed(s, r, "the answer");
}

static void answer_with(struct session *s, size_t index)
{
	const char *id = s->link.certs.items[index].id;
	const char *args[] = {"pkcs11-id-request", id, NULL};

	if (s->kept.chosen_id == NULL || strcmp(s->kept.chosen_id, id) != 0) {
		free(s->kept.chosen_id);
		s->kept.chosen_id = strdup(id);
	}
	if (s->link.xkey.cert_wanted) {
		s->link.xkey.cert_wanted = false;
		session_xkey_answer_certificate(s, id);
		return;
	}
	session_send(s, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

static bool choose_remembered(struct session *s)
{
	if (s->opts->no_cache)
		return false;
	for (size_t i = 0; s->kept.chosen_id != NULL && i < s->link.certs.count; i++)
		if (strcmp(s->link.certs.items[i].id, s->kept.chosen_id) == 0) {
			answer_with(s, i);
			return true;
		}
	return false;
}

static void choose_by_pattern(struct session *s)
{
	const char *pattern = s->opts->cert_pattern;
	size_t found = 0, first = 0;
	char text[600];

	for (size_t i = 0; i < s->link.certs.count; i++)
		if (cert_info_matches(&s->link.certs.items[i].info, s->link.certs.items[i].id, pattern) && found++ == 0)
			first = i;
	/* An expired twin (the old certificate beside its renewal) does not make a match ambiguous. */
	if (found > 1) {
		size_t usable = 0, which = 0;

		for (size_t i = 0; i < s->link.certs.count; i++)
			if (cert_info_matches(&s->link.certs.items[i].info, s->link.certs.items[i].id,
			                      pattern) &&
			    !unusable(&s->link.certs.items[i]) && usable++ == 0)
				which = i;
		if (usable == 1) {
			found = 1;
			first = which;
		}
	}
	if (found == 1) {
		if (!usable_or_warned(s, &s->link.certs.items[first]))
			return;
		describe(&s->link.certs.items[first], text, sizeof text);
		out_status("Using certificate %s", text);
		answer_with(s, first);
		return;
	}
	if (found == 0)
		out_error("no certificate matches '%s'", pattern);
	else
		out_error("'%s' matches %zu certificates", pattern, found);
	for (size_t i = 0; i < s->link.certs.count; i++) {
		describe(&s->link.certs.items[i], text, sizeof text);
		if (found == 0 || cert_info_matches(&s->link.certs.items[i].info, s->link.certs.items[i].id, pattern)) {
			out_menu("  %s", text);
			out_menu("      %s", s->link.certs.items[i].id);
		}
	}
	session_end_error(s, EXIT_NO_CERTIFICATE);
}

static void choose_from_menu(struct session *s)
{
	char text[600];
	int choice;
	enum plat_read_result r;

	if (!s->io->interactive(s->io->ctx) || s->opts->batch) {
		out_error("the token holds %zu certificates: choose one with --cert", s->link.certs.count);
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	out_menu("Certificates on the token:");
	for (size_t i = 0; i < s->link.certs.count; i++) {
		describe(&s->link.certs.items[i], text, sizeof text);
		out_menu("  %zu) %s", i + 1, text);
	}
	snprintf(text, sizeof text, "Choose a certificate [1-%zu]: ", s->link.certs.count);
	r = s->io->ask_number(s->io->ctx, (int)s->link.certs.count, &choice, text);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the choice");
		return;
	}
	if (usable_or_warned(s, &s->link.certs.items[choice - 1]))
		answer_with(s, (size_t)choice - 1);
}

static void choose(struct session *s)
{
	char text[600];
	long usable;

	s->link.certs.listing = false;
	if (s->link.certs.count == 0) {
		no_certificate(s);
	} else if (choose_remembered(s)) {
		out_verbose("Using the certificate chosen before");
	} else if (s->opts->cert_pattern != NULL) {
		choose_by_pattern(s);
	} else if (s->link.certs.count == 1) {
		if (!usable_or_warned(s, &s->link.certs.items[0]))
			return;
		describe(&s->link.certs.items[0], text, sizeof text);
		out_status("Using the only certificate: %s", text);
		answer_with(s, 0);
	} else if ((usable = only_usable(&s->link.certs)) >= 0) {
		/* Never the menu for a choice that is no choice: the others would be refused. */
		describe(&s->link.certs.items[usable], text, sizeof text);
		out_status("Using the only valid certificate: %s", text);
		answer_with(s, (size_t)usable);
	} else {
		choose_from_menu(s);
	}
}

void session_on_certificate_request(struct session *s)
{
	s->link.xkey.cert_wanted = true;
	if (session_certs_from_token(s) < 0 && !session_can_see_tokens(s)) {
		out_error("ovpn-token cannot list the token's certificates: --external-key needs the "
		          "PKCS#11 provider (--provider, or pkcs11-providers in the config)");
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	choose(s);
}

static void on_count(struct session *s, long count)
{
	if (count > SESSION_MAX_CERTS) {
		out_error("OpenVPN reports %ld certificates; looking at the first %d", count,
		          SESSION_MAX_CERTS);
		count = SESSION_MAX_CERTS;
	}
	s->link.certs.expected = count;
	if (count == 0) {
		choose(s);
		return;
	}
	for (long i = 0; i < count; i++) {
		char index[24];
		const char *args[] = {index, NULL};

		snprintf(index, sizeof index, "%ld", i);
		if (!session_send(s, REPLY_PKCS11ID_ENTRY, TAG_ID_GET, "pkcs11-id-get", args))
			return;
	}
}

static void on_entry(struct session *s, const struct mgmt_event *ev)
{
	struct cert_list *l = &s->link.certs;
	struct cert_entry *c;

	l->received++;
	if (ev->u.pkcs11id_entry.id[0] != '\0' && s->link.certs.count < SESSION_MAX_CERTS) {
		c = &s->link.certs.items[s->link.certs.count];
		c->id = strdup(ev->u.pkcs11id_entry.id);
		if (c->id != NULL) {
			c->described = cert_info_from_base64(ev->u.pkcs11id_entry.blob, &c->info) == 0;
			s->link.certs.count++;
		}
	}
	if (l->received == l->expected)
		choose(s);
}

void session_on_id_reply(struct session *s, const struct mgmt_event *ev, int tag)
{
	if (ev->type == MGMT_EV_ERROR) {
		out_error("OpenVPN cannot list certificates: %s", ev->u.text.text);
		s->link.certs.listing = false;
		session_end_error(s, EXIT_NO_CERTIFICATE);
		return;
	}
	if (tag == TAG_ID_COUNT)
		on_count(s, ev->u.pkcs11id_count.count);
	else
		on_entry(s, ev);
}
