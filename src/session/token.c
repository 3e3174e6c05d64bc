/*
 * Looking at the token ourselves, through the PKCS#11 provider, for what OpenVPN cannot tell:
 * a token that arrives after OpenVPN loaded the provider (it lists no certificate then) and the
 * moment a token asked for with NEED-OK is inserted.
 *
 * Every look loads the provider afresh: modules such as SoftHSM2 only see the tokens present
 * when they were loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs11/provider.h"
#include "session/internal.h"
#include "ui/output.h"
#include "ui/prompt.h"

/* How often a waiting prompt looks at the token. */
#define TOKEN_LOOK_MS 1000

bool session_can_see_tokens(const struct session *s)
{
	return s->provider[0] != '\0' && p11_available();
}

/* The certificates the provider sees now, as the session's list.  Their number, or -1. */
static int look_for_certs(struct session *s)
{
	struct p11_cert_list list = {NULL, 0};
	char err[300];

	if (p11_look_certs(s->provider, &list, err, sizeof err) != 0)
		return -1;
	session_free_certs(s);
	for (size_t i = 0; i < list.count && s->ncerts < SESSION_MAX_CERTS; i++) {
		struct cert_entry *c = &s->certs[s->ncerts];

		c->id = strdup(list.items[i].serialized_id);
		if (c->id == NULL)
			break;
		c->described = cert_info_from_der(list.items[i].der, list.items[i].der_len,
		                                  &c->info) == 0;
		s->ncerts++;
	}
	p11_cert_list_free(&list);
	return (int)s->ncerts;
}

static bool certs_arrived(void *arg)
{
	return look_for_certs(arg) > 0;
}

void session_watch_for_certs(struct session *s, struct plat_prompt_watch *watch)
{
	*watch = (struct plat_prompt_watch){TOKEN_LOOK_MS, certs_arrived, s};
}

/* 1 present, 0 absent, -1 cannot tell. */
static int token_present(const struct session *s, const char *label)
{
	return p11_look_token_present(s->provider, label);
}

struct insertion_watch {
	const struct session *s;
	const char *label;
	bool seen_absent;
};

/* Only a change from absent to present counts: a token we see but OpenVPN does not is the
 * person's to sort out (answering "ok" again would only make OpenVPN ask again at once). */
static bool token_inserted(void *arg)
{
	struct insertion_watch *w = arg;
	int present = token_present(w->s, w->label);

	if (present == 0)
		w->seen_absent = true;
	return present == 1 && w->seen_absent;
}

enum wait_outcome session_wait_quietly(struct session *s, const struct plat_prompt_watch *watch)
{
	char err[256];

	while (!watch->settled(watch->arg)) {
		enum plat_wait_result w = plat_wait(s->conn->sock, watch->interval_ms);

		if (w == PLAT_WAIT_INTERRUPT) {
			plat_take_interrupt();
			return WAIT_INTERRUPTED;
		}
		/* Buffer what arrives meanwhile; a closed connection is the main loop's to report. */
		if (w == PLAT_WAIT_READABLE && mgmt_conn_fill(s->conn, err, sizeof err) <= 0)
			return WAIT_CLOSED;
	}
	return WAIT_SETTLED;
}

enum plat_read_result session_ask_insertion(struct session *s, const char *msg, char *answer,
                                            size_t answersz)
{
	char label[SECRET_MAX + 1];
	struct insertion_watch w = {s, label, false};
	struct plat_prompt_watch watch = {TOKEN_LOOK_MS, token_inserted, &w};
	bool watching = session_can_see_tokens(s) && session_token_label(msg, "Please insert ", label, sizeof label);
	enum plat_read_result r;

	if (s->opts->batch) {
		/* Nobody to press Enter: the token arriving is the only answer there can be. */
		if (!watching) {
			session_may_ask(s, "a confirmation"); /* ends the session: --batch */
			return PLAT_READ_ERROR;
		}
		out_status("%s; waiting for it (Ctrl-C to quit)...", msg);
		switch (session_wait_quietly(s, &watch)) {
		case WAIT_SETTLED:
			out_status("Token '%s' is there now.", label);
			return PLAT_READ_SETTLED;
		case WAIT_CLOSED:
			return PLAT_READ_PEER_GONE;
		default:
			/* A signal while nobody is asked anything: stop, as in the main loop. */
			session_on_interrupt(s);
			return PLAT_READ_INTERRUPT;
		}
	}

	if (watching && token_present(s, label) == 1)
		out_status("ovpn-token sees token '%s', but OpenVPN does not: take it out and put it "
		           "back, then press Enter.", label);
	r = prompt_text_watched(s->conn->sock, watching ? &watch : NULL, answer, answersz,
	                        "%s. Press Enter to continue, Ctrl-C to cancel: ", msg);
	if (r == PLAT_READ_SETTLED)
		out_status("Token '%s' is there now.", label);
	return r;
}
