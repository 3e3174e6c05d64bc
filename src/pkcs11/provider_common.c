/* The parts of provider.h that need no PKCS#11 library: names, freeing, waiting. */
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "pkcs11/provider.h"

/* Between two looks at the tokens: a user inserting a card sees it taken within a second. */
#define POLL_MS 1000

const char *p11_pin_state_name(enum p11_pin_state s)
{
	switch (s) {
	case P11_PIN_OK:
		return "ok";
	case P11_PIN_COUNT_LOW:
		return "count_low";
	case P11_PIN_FINAL_TRY:
		return "final_try";
	case P11_PIN_LOCKED:
		return "locked";
	case P11_PIN_UNKNOWN:
		break;
	}
	return "unknown";
}

void p11_cert_list_free(struct p11_cert_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].der);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* 1: condition met, 0: not yet, -1: the module failed. */
typedef int (*look_fn)(struct p11_provider *p, void *state);

/*
 * Looks, then sleeps until the next look; the sleep is plat_wait_until(), which a Ctrl-C ends at
 * once.  The module is reloaded before every look but the first, for modules that only see
 * tokens present at C_Initialize.
 */
static enum p11_wait_result poll_until(struct p11_provider *p, int timeout_ms, look_fn look,
                                       void *state, p11_interrupted_fn interrupted, void *arg)
{
	long long deadline = timeout_ms >= 0 ? plat_now_ms() + timeout_ms : -1;
	char err[256];

	for (bool first = true;; first = false) {
		int r;
		long long left;
		int nap;

		if (!first && p11_provider_reload(p, err, sizeof err) != 0)
			return P11_WAIT_ERROR;
		r = look(p, state);
		if (r != 0)
			return r > 0 ? P11_WAIT_OK : P11_WAIT_ERROR;
		if (interrupted != NULL && interrupted(arg))
			return P11_WAIT_INTERRUPTED;
		left = deadline < 0 ? POLL_MS : deadline - plat_now_ms();
		if (left <= 0)
			return P11_WAIT_TIMEOUT;
		nap = left < POLL_MS ? (int)left : POLL_MS;
		if (plat_wait_until(NULL, plat_now_ms() + nap) == PLAT_WAIT_INTERRUPT) {
			plat_take_interrupt();
			return P11_WAIT_INTERRUPTED;
		}
		if (interrupted != NULL && interrupted(arg))
			return P11_WAIT_INTERRUPTED;
	}
}

struct token_look {
	const char *label;
	bool present;
};

static int look_token(struct p11_provider *p, void *state)
{
	const struct token_look *t = state;
	int found;

	if (t->label != NULL) {
		found = p11_token_present(p, t->label);
	} else {
		struct p11_token tok;
		char err[256];

		found = p11_list_tokens(p, &tok, 1, err, sizeof err);
		if (found > 0)
			found = 1;
	}
	if (found < 0)
		return -1;
	return (found == 1) == t->present;
}

enum p11_wait_result p11_wait_for_token(struct p11_provider *p, const char *label, bool present,
                                        int timeout_ms, p11_interrupted_fn interrupted,
                                        void *arg)
{
	struct token_look t = {label, present};

	return poll_until(p, timeout_ms, look_token, &t, interrupted, arg);
}

struct cert_look {
	struct p11_cert_list *out;
	char *err;
	size_t errsz;
};

static int look_cert(struct p11_provider *p, void *state)
{
	struct cert_look *c = state;

	if (p11_list_certs(p, c->out, c->err, c->errsz) != 0)
		return -1;
	if (c->out->count > 0)
		return 1;
	p11_cert_list_free(c->out);
	return 0;
}

enum p11_wait_result p11_wait_for_cert(struct p11_provider *p, int timeout_ms,
                                       p11_interrupted_fn interrupted, void *arg,
                                       struct p11_cert_list *out, char *err, size_t errsz)
{
	struct cert_look c = {out, err, errsz};

	memset(out, 0, sizeof *out);
	return poll_until(p, timeout_ms, look_cert, &c, interrupted, arg);
}
