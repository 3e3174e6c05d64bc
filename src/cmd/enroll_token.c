/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enroll's token and login (enroll_token.h). */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "cmd/enroll_rules.h"
#include "cmd/enroll_token.h"
#include "pkcs11/id_codec.h"
#include "platform/platform.h"
#include "secret/secret.h"
#include "secret/source.h"
#include "session/lockout.h"
#include "ui/output.h"
#include "ui/sanitize.h"

/* How many PINs a person may type in one run before enroll gives up (start asks as often). */
#define ENROLL_PIN_TRIES 3

static int pick_provider(const struct options *opts, const struct ovpn_config_settings *cfg,
                         struct enroll_token *t, char *err, size_t errsz)
{
	const char *const *defaults = plat_default_pkcs11_providers();
	const char *named = opts->provider != NULL && opts->provider[0] != '\0' ? opts->provider :
	                    cfg->pkcs11_providers[0] != '\0' ? cfg->pkcs11_providers : NULL;
	char why[512] = "";

	if (named != NULL) {
		snprintf(t->provider, sizeof t->provider, "%s", named);
		t->k = p11_keygen_open(named, err, errsz);
		return t->k != NULL ? 0 : -1;
	}
	for (size_t i = 0; defaults != NULL && defaults[i] != NULL; i++) {
		if (plat_check_pkcs11_module(defaults[i], why, sizeof why) != 0)
			continue;
		snprintf(t->provider, sizeof t->provider, "%s", defaults[i]);
		t->k = p11_keygen_open(defaults[i], err, errsz);
		if (t->k != NULL)
			return 0;
	}
	snprintf(err, errsz, "no PKCS#11 provider found: name it with --provider LIB, or give the "
	         "config that names it%s%s", why[0] != '\0' ? "; last: " : "", why);
	return -1;
}

/* The token the config's pkcs11-id names, into label ("" when it names none). */
static void config_token(const struct ovpn_config_settings *cfg, char *label, size_t labelsz)
{
	struct p11_id_fields f;
	char err[128];

	label[0] = '\0';
	if (cfg->pkcs11_id_value[0] == '\0' ||
	    p11_id_decode(cfg->pkcs11_id_value, &f, err, sizeof err) != 0)
		return;
	snprintf(label, labelsz, "%.*s", (int)f.label_len, (const char *)f.label);
}

int enroll_token_open(const struct options *opts, const struct ovpn_config_settings *cfg,
                      struct enroll_token *t)
{
	struct p11_token tokens[16];
	char err[1024], want[P11_LABEL_LEN + 1];
	size_t index = 0;
	int n;

	memset(t, 0, sizeof *t);
	if (!p11_keygen_available()) {
		p11_keygen_open(NULL, err, sizeof err);
		out_error("%s", err);
		return EXIT_PROVIDER;
	}
	if (pick_provider(opts, cfg, t, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_PROVIDER;
	}
	n = p11_keygen_tokens(t->k, tokens, sizeof tokens / sizeof tokens[0], err, sizeof err);
	if (n < 0) {
		out_error("%s", err);
		return EXIT_INTERNAL;
	}
	config_token(cfg, want, sizeof want);
	switch (enroll_pick_token(tokens, (size_t)n < 16 ? (size_t)n : 16,
	                          opts->token_label != NULL ? opts->token_label :
	                          want[0] != '\0' ? want : NULL,
	                          &index, err, sizeof err)) {
	case ENROLL_PICK_OK:
		break;
	case ENROLL_PICK_SEVERAL:
		out_error("%s", err);
		return EXIT_USAGE;
	default:
		out_error("%s", err);
		return EXIT_NO_CERTIFICATE;
	}
	t->token = tokens[index];
	switch (p11_keygen_use(t->k, t->token.slot_id, err, sizeof err)) {
	case P11_KG_OK:
		return EXIT_OK;
	case P11_KG_REFUSED:
		out_error("token '%s': %s", t->token.label, err);
		return EXIT_TOKEN_CANNOT;
	default:
		out_error("token '%s': %s", t->token.label, err);
		return EXIT_INTERNAL;
	}
}

/* One line from the person (the PIN without echo).  PLAT_READ_OK or why not. */
static enum plat_read_result ask(const char *prompt, bool echo, char *buf, size_t bufsz)
{
	struct plat_wait_set set = { .person = true, .deadline_ms = -1 };
	enum plat_read_result r = PLAT_READ_MORE;
	unsigned ready;

	if (plat_prompt_open(prompt, echo, buf, bufsz) != 0)
		return PLAT_READ_ERROR;
	while (r == PLAT_READ_MORE) {
		enum plat_wait_result w = plat_wait(&set, &ready);

		if (w == PLAT_WAIT_INTERRUPT) {
			plat_take_interrupt();
			r = PLAT_READ_INTERRUPT;
		} else if (w == PLAT_WAIT_ERROR) {
			r = PLAT_READ_ERROR;
		} else if (w == PLAT_WAIT_READY && (ready & PLAT_READY_PERSON)) {
			r = plat_prompt_feed();
		}
	}
	plat_prompt_close();
	return r;
}

/* The PIN: from a source (*from_source), else typed.  EXIT_OK or why not. */
static int get_pin(const struct options *opts, struct secret_source *src, const char *label,
                   struct secret *pin, bool *from_source)
{
	char err[700], prompt[160];
	int got = secret_source_read(src, pin, err, sizeof err);

	*from_source = got > 0;
	if (got < 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	if (got > 0)
		return EXIT_OK;
	if (opts->batch || !plat_interactive()) {
		out_error("the token '%s' needs its PIN and %s: give it with --pin-file FILE, "
		          "--pin-fd N or the credential 'pin'", label,
		          opts->batch ? "--batch asks nobody" : "there is no terminal to ask at");
		return EXIT_NEEDS_INPUT;
	}
	snprintf(prompt, sizeof prompt, "PIN for token '%s': ", label);
	switch (ask(prompt, false, pin->data, SECRET_BUF)) {
	case PLAT_READ_OK:
		pin->len = strlen(pin->data);
		return EXIT_OK;
	case PLAT_READ_TOO_LONG:
		secret_clear(pin);
		out_error("the PIN is too long");
		return EXIT_USAGE;
	default:
		secret_clear(pin);
		out_status("Cancelled: no PIN sent.");
		return EXIT_CANCELLED;
	}
}

/* Start's lockout rules before each PIN.  EXIT_OK: send it. */
static int may_send(const struct options *opts, struct enroll_token *t)
{
	char answer[16];

	switch (lockout_judge(p11_keygen_pin_state(t->k), t->token.label, opts->batch,
	                      plat_interactive())) {
	case LOCKOUT_REFUSE:
		return EXIT_TOKEN_LOCKED;
	case LOCKOUT_CONFIRM: {
		char question[200];

		snprintf(question, sizeof question, LOCKOUT_QUESTION, t->token.label);
		if (ask(question, true, answer, sizeof answer) == PLAT_READ_OK &&
		    lockout_confirmed(answer))
			return EXIT_OK;
		out_status("Cancelled: no PIN sent.");
		return EXIT_CANCELLED;
	}
	case LOCKOUT_GO:
		break;
	}
	return EXIT_OK;
}

static int login_with(const struct options *opts, struct enroll_token *t, struct secret *pin)
{
	struct secret_source src = { .what = "PIN", .file = opts->pin_file, .fd = opts->pin_fd,
	                             .credential = "pin" };
	struct p11_login_report r;
	char err[700];
	bool from_source = false;
	int rc;

	if (secret_source_check(&src, err, sizeof err) != 0) {
		out_error("%s", err);
		return EXIT_USAGE;
	}
	for (int tries = 0; tries < ENROLL_PIN_TRIES; tries++) {
		if ((rc = may_send(opts, t)) != EXIT_OK)
			return rc;
		if (p11_keygen_pin_pad(t->k)) {
			out_status("Enter the PIN on the reader's PIN pad (token '%s')", t->token.label);
			secret_clear(pin);
		} else if ((rc = get_pin(opts, &src, t->token.label, pin, &from_source)) != EXIT_OK) {
			return rc;
		}
		p11_keygen_login(t->k, pin->data, &r);
		secret_clear(pin);
		switch (r.result) {
		case P11_LOGIN_OK:
			return EXIT_OK;
		case P11_LOGIN_PIN_LOCKED:
			out_error("token '%s' refused the PIN and is now locked: unblock it with its PUK "
			          "or security officer PIN", t->token.label);
			return EXIT_TOKEN_LOCKED;
		case P11_LOGIN_PIN_INCORRECT:
			out_error("token '%s' refused the PIN (wrong PIN)%s", t->token.label,
			          r.pin_state == P11_PIN_FINAL_TRY ? ": one more wrong PIN locks it" : "");
			if (from_source || opts->batch || !plat_interactive())
				return EXIT_PIN_REJECTED;
			src.disabled = true;
			continue;
		case P11_LOGIN_TOKEN_ABSENT:
			out_error("token '%s' went away: %s", t->token.label, r.err);
			return EXIT_NO_CERTIFICATE;
		default:
			out_error("token '%s': %s", t->token.label, r.err);
			return EXIT_INTERNAL;
		}
	}
	return EXIT_PIN_REJECTED;
}

int enroll_token_login(const struct options *opts, struct enroll_token *t)
{
	struct secret pin;
	int rc;

	if (!p11_keygen_login_needed(t->k))
		return EXIT_OK;
	if (secret_init(&pin) != 0) {
		out_error("cannot lock memory for the PIN");
		return EXIT_INTERNAL;
	}
	rc = login_with(opts, t, &pin);
	secret_free(&pin);
	return rc;
}

int enroll_token_list_objects(struct enroll_token *t)
{
	char err[256];

	p11_keygen_objects_free(t->objs, t->nobjs);
	t->objs = NULL;
	t->nobjs = 0;
	if (p11_keygen_objects(t->k, &t->objs, &t->nobjs, err, sizeof err) != 0) {
		out_error("token '%s': %s", t->token.label, err);
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

void enroll_token_serialized_id(const struct enroll_token *t, const unsigned char *id,
                                size_t id_len, char *out, size_t outsz)
{
	struct p11_id_fields f;

	memset(&f, 0, sizeof f);
	p11_id_set_token(&f, t->token.manufacturer, P11_MANUFACTURER_LEN, t->token.model,
	                 P11_MODEL_LEN, t->token.serial, P11_SERIAL_LEN, t->token.label,
	                 P11_LABEL_LEN);
	if (p11_id_set_cka_id(&f, id, id_len) != 0 || p11_id_encode(&f, out, outsz) < 0)
		out[0] = '\0';
}

void enroll_token_close(struct enroll_token *t)
{
	p11_keygen_objects_free(t->objs, t->nobjs);
	t->objs = NULL;
	t->nobjs = 0;
	p11_keygen_close(t->k);
	t->k = NULL;
}
