/* Answering pkcs11-id-request: list the token's certificates through OpenVPN and choose one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit_codes.h"
#include "platform/platform.h"
#include "session/internal.h"
#include "ui/output.h"
#include "ui/prompt.h"

void session_free_certs(struct session *s)
{
	for (size_t i = 0; i < s->ncerts; i++)
		free(s->certs[i].id);
	s->ncerts = 0;
}

static void describe(const struct cert_entry *c, char *buf, size_t bufsz)
{
	if (c->described)
		cert_info_summary(&c->info, buf, bufsz);
	else
		snprintf(buf, bufsz, "%s", c->id);
}

static void ask_count(struct session *s)
{
	session_free_certs(s);
	s->certs_expected = s->certs_received = 0;
	s->listing = true;
	session_send(s, REPLY_PKCS11ID_COUNT, TAG_ID_COUNT, "pkcs11-id-count", NULL);
}

void session_on_id_request(struct session *s)
{
	/* OpenVPN repeats pending requests (e.g. after the greeting): one listing at a time. */
	if (!s->listing)
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
		session_on_interrupt(s);
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

	if (!plat_interactive() || s->opts->batch) {
		if (watching) {
			wait_for_certificate(s);
			return;
		}
		out_error("OpenVPN finds no certificate on any token");
		session_finish(s, EXIT_NO_CERTIFICATE);
		return;
	}
	session_watch_for_certs(s, &watch);
	r = prompt_text_watched(s->conn->sock, watching ? &watch : NULL, answer, sizeof answer,
	                        "No certificate found. Insert the token%s (Enter: look again, "
	                        "Ctrl-C: quit): ",
	                        watching ? "; ovpn-token watches for it" : "");
	if (r == PLAT_READ_SETTLED)
		choose(s);
	else if (r == PLAT_READ_OK || r == PLAT_READ_TOO_LONG)
		ask_count(s);
	else
		session_prompt_failed(s, r, "the answer");
}

static void answer_with(struct session *s, size_t index)
{
	const char *args[] = {"pkcs11-id-request", s->certs[index].id, NULL};

	if (s->chosen_id == NULL || strcmp(s->chosen_id, s->certs[index].id) != 0) {
		free(s->chosen_id);
		s->chosen_id = strdup(s->certs[index].id);
	}
	session_send(s, REPLY_STATUS, TAG_PLAIN, "needstr", args);
}

static bool choose_remembered(struct session *s)
{
	if (s->opts->no_cache)
		return false;
	for (size_t i = 0; s->chosen_id != NULL && i < s->ncerts; i++)
		if (strcmp(s->certs[i].id, s->chosen_id) == 0) {
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

	for (size_t i = 0; i < s->ncerts; i++)
		if (cert_info_matches(&s->certs[i].info, s->certs[i].id, pattern) && found++ == 0)
			first = i;
	if (found == 1) {
		describe(&s->certs[first], text, sizeof text);
		out_status("Using certificate %s", text);
		answer_with(s, first);
		return;
	}
	if (found == 0)
		out_error("no certificate matches '%s'", pattern);
	else
		out_error("'%s' matches %zu certificates", pattern, found);
	for (size_t i = 0; i < s->ncerts; i++) {
		describe(&s->certs[i], text, sizeof text);
		if (found == 0 || cert_info_matches(&s->certs[i].info, s->certs[i].id, pattern)) {
			out_menu("  %s", text);
			out_menu("      %s", s->certs[i].id);
		}
	}
	session_finish(s, EXIT_NO_CERTIFICATE);
}

static void choose_from_menu(struct session *s)
{
	char text[600];
	int choice;
	enum plat_read_result r;

	if (!plat_interactive() || s->opts->batch) {
		out_error("the token holds %zu certificates: choose one with --cert", s->ncerts);
		session_finish(s, EXIT_NO_CERTIFICATE);
		return;
	}
	out_menu("Certificates on the token:");
	for (size_t i = 0; i < s->ncerts; i++) {
		describe(&s->certs[i], text, sizeof text);
		out_menu("  %zu) %s", i + 1, text);
	}
	r = prompt_number(s->conn->sock, (int)s->ncerts, &choice, "Choose a certificate [1-%zu]: ",
	                  s->ncerts);
	if (r != PLAT_READ_OK) {
		session_prompt_failed(s, r, "the choice");
		return;
	}
	answer_with(s, (size_t)choice - 1);
}

static void choose(struct session *s)
{
	char text[600];

	s->listing = false;
	if (s->ncerts == 0) {
		no_certificate(s);
	} else if (choose_remembered(s)) {
		out_verbose("Using the certificate chosen before");
	} else if (s->opts->cert_pattern != NULL) {
		choose_by_pattern(s);
	} else if (s->ncerts == 1) {
		describe(&s->certs[0], text, sizeof text);
		out_status("Using the only certificate: %s", text);
		answer_with(s, 0);
	} else {
		choose_from_menu(s);
	}
}

static void on_count(struct session *s, long count)
{
	if (count > SESSION_MAX_CERTS) {
		out_error("OpenVPN reports %ld certificates; looking at the first %d", count,
		          SESSION_MAX_CERTS);
		count = SESSION_MAX_CERTS;
	}
	s->certs_expected = count;
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
	struct cert_entry *c;

	s->certs_received++;
	if (ev->u.pkcs11id_entry.id[0] != '\0' && s->ncerts < SESSION_MAX_CERTS) {
		c = &s->certs[s->ncerts];
		c->id = strdup(ev->u.pkcs11id_entry.id);
		if (c->id != NULL) {
			c->described = cert_info_from_base64(ev->u.pkcs11id_entry.blob, &c->info) == 0;
			s->ncerts++;
		}
	}
	if (s->certs_received == s->certs_expected)
		choose(s);
}

void session_on_id_reply(struct session *s, const struct mgmt_event *ev, int tag)
{
	if (ev->type == MGMT_EV_ERROR) {
		out_error("OpenVPN cannot list certificates: %s", ev->u.text.text);
		s->listing = false;
		session_finish(s, EXIT_NO_CERTIFICATE);
		return;
	}
	if (tag == TAG_ID_COUNT)
		on_count(s, ev->u.pkcs11id_count.count);
	else
		on_entry(s, ev);
}
