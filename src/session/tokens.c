/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token view (tokens.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "pkcs11/id_codec.h"
#include "session/tokens.h"
#include "ui/output.h"

static struct token_cert *next_slot(struct token_cert_list *l, const char *id)
{
	struct token_cert *c;

	if (l->count >= TOKENS_MAX_CERTS)
		return NULL;
	c = &l->items[l->count];
	c->id = strdup(id);
	if (c->id == NULL)
		return NULL;
	l->count++;
	return c;
}

/* What a certificate says of itself: an issuer, not for clients, an attestation. */
static void judge_purpose(struct token_cert *c)
{
	const char *why = c->described ? cert_purpose_text(cert_info_purpose(&c->info)) : NULL;

	snprintf(c->cannot_log_in, sizeof c->cannot_log_in, "%s", why != NULL ? why : "");
}

bool token_certs_add(struct token_cert_list *l, const struct io_cert *cert)
{
	struct token_cert *c = next_slot(l, cert->id);

	if (c == NULL)
		return false;
	c->described =
	    cert->der != NULL && cert_info_from_der(cert->der, cert->der_len, &c->info) == 0;
	judge_purpose(c);
	if (cert->cannot_log_in != NULL)
		snprintf(c->cannot_log_in, sizeof c->cannot_log_in, "%s", cert->cannot_log_in);
	snprintf(c->token, sizeof c->token, "%s", cert->token_label != NULL ? cert->token_label : "");
	snprintf(c->reader, sizeof c->reader, "%s", cert->reader != NULL ? cert->reader : "");
	return true;
}

bool token_certs_add_base64(struct token_cert_list *l, const char *id, const char *blob)
{
	struct token_cert *c = next_slot(l, id);

	if (c == NULL)
		return false;
	c->described = cert_info_from_base64(blob, &c->info) == 0;
	judge_purpose(c);
	c->token[0] = c->reader[0] = '\0';
	return true;
}

void token_certs_clear(struct token_cert_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].id);
	l->count = 0;
}

long token_certs_find(const struct token_cert_list *l, const char *id)
{
	/* Equal as pkcs11-helper reads them ("\x2f" is "\x2F"), or byte for byte when not ids. */
	for (size_t i = 0; id != NULL && i < l->count; i++)
		if (strcmp(l->items[i].id, id) == 0 || p11_id_equal(l->items[i].id, id))
			return (long)i;
	return -1;
}

bool tokens_can_see(const struct session_core *c)
{
	const struct io_tokens *t = c->world->tokens;

	return t->can_see(t->ctx);
}

enum p11_pin_state tokens_pin_state(const struct session_core *c, const char *label)
{
	const struct io_tokens *t = c->world->tokens;

	return tokens_can_see(c) ? t->pin_state(t->ctx, label) : P11_PIN_UNKNOWN;
}

int tokens_present(const struct session_core *c, const char *label)
{
	const struct io_tokens *t = c->world->tokens;

	return tokens_can_see(c) ? t->present(t->ctx, label) : -1;
}

int tokens_first(const struct session_core *c, char *label, size_t labelsz)
{
	const struct io_tokens *t = c->world->tokens;

	return tokens_can_see(c) && t->first_token != NULL ? t->first_token(t->ctx, label, labelsz)
	                                                   : -1;
}

bool tokens_trouble(const struct session_core *c, char *why, size_t whysz)
{
	const struct io_tokens *t = c->world->tokens;

	return tokens_can_see(c) && t->trouble(t->ctx, why, whysz) > 0;
}

int tokens_reader(const struct session_core *c, const char *label, char *out, size_t outsz,
                  bool *pinpad)
{
	const struct io_tokens *t = c->world->tokens;

	*pinpad = false;
	return tokens_can_see(c) ? t->reader(t->ctx, label, out, outsz, pinpad) : -1;
}

static void take_cert(void *arg, const struct io_cert *cert)
{
	token_certs_add(arg, cert);
}

int tokens_list_certs(const struct session_core *c, bool external_key,
                      struct token_cert_list *into)
{
	const struct io_tokens *t = c->world->tokens;

	token_certs_clear(into);
	into->external_key = external_key;
	if (t->each_cert(t->ctx, external_key, take_cert, into) < 0)
		return -1;
	return (int)into->count;
}

void tokens_judge(const struct session_core *c, struct token_cert_list *l)
{
	struct token_cert_list seen = {.count = 0};

	if (l->count == 0 || !tokens_can_see(c) || tokens_list_certs(c, false, &seen) < 0)
		return;
	for (size_t i = 0; i < l->count; i++) {
		long k = token_certs_find(&seen, l->items[i].id);

		if (k < 0)
			continue;
		if (seen.items[k].cannot_log_in[0] != '\0')
			memcpy(l->items[i].cannot_log_in, seen.items[k].cannot_log_in, sizeof l->items[i].cannot_log_in);
		memcpy(l->items[i].token, seen.items[k].token, sizeof l->items[i].token);
		memcpy(l->items[i].reader, seen.items[k].reader, sizeof l->items[i].reader);
	}
	token_certs_clear(&seen);
}

bool tokens_config_id_names_nothing(const struct session_core *c)
{
	struct token_cert_list seen = {.count = 0};
	bool nothing;

	if (c->config_id == NULL || !tokens_can_see(c) || tokens_list_certs(c, false, &seen) < 0)
		return false;
	/* The same listing `doctor` judges the config's pkcs11-id by. */
	nothing = token_certs_find(&seen, c->config_id) < 0;
	token_certs_clear(&seen);
	return nothing;
}

void tokens_blame_config_id(struct session_core *c)
{
	out_error("the config's pkcs11-id names no certificate on the tokens present -- copy an id "
	          "from `ovpn-token list`, or check the config with `ovpn-token doctor`");
	session_end_error(c, EXIT_NO_CERTIFICATE);
}

static bool certs_arrived(struct session_core *c, void *arg)
{
	struct token_cert_list *into = arg;

	return tokens_list_certs(c, into->external_key, into) > 0;
}

void tokens_watch_for_certs(struct session_watch *w, struct token_cert_list *into,
                            bool external_key)
{
	into->external_key = external_key;
	*w = (struct session_watch){TOKENS_POLL_MS, certs_arrived, into};
}

/*
 * Only a change from absent to present counts: a token we see but OpenVPN does not is the
 * person's to sort out (answering "ok" again would only make OpenVPN ask again at once).
 */
static bool token_inserted(struct session_core *c, void *arg)
{
	struct token_insertion *ins = arg;
	int present = tokens_present(c, ins->label);

	if (present == 0)
		ins->seen_absent = true;
	return present == 1 && ins->seen_absent;
}

void tokens_watch_for_insertion(struct session_watch *w, struct token_insertion *ins)
{
	*w = (struct session_watch){TOKENS_POLL_MS, token_inserted, ins};
}
