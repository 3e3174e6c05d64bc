/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Looking at the token ourselves, through the PKCS#11 provider (the io's token view), for what
 * OpenVPN cannot tell: a token that arrives after OpenVPN loaded the provider (it lists no
 * certificate then) and the moment a token asked for with NEED-OK is inserted.
 *
 * Every look loads the provider afresh (modules such as SoftHSM2 only see the tokens present
 * when they were loaded), so looks are made once per TOKEN_LOOK_MS and never because bytes
 * arrived from OpenVPN meanwhile.
 */
#include <stdio.h>
#include <string.h>

#include "session/internal.h"
#include "ui/output.h"

/* How often a waiting prompt looks at the token. */
#define TOKEN_LOOK_MS 1000

bool session_can_see_tokens(const struct session *s)
{
	return s->io->can_see_tokens(s->io->ctx);
}

static bool certs_arrived(void *arg)
{
	return session_certs_from_token(arg) > 0;
}

void session_watch_for_certs(struct session *s, struct plat_prompt_watch *watch)
{
	*watch = (struct plat_prompt_watch){TOKEN_LOOK_MS, certs_arrived, s};
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
	int present = w->s->io->token_present(w->s->io->ctx, w->label);

	if (present == 0)
		w->seen_absent = true;
	return present == 1 && w->seen_absent;
}

enum wait_outcome session_wait_quietly(struct session *s, const struct plat_prompt_watch *watch)
{
	const struct session_io *io = s->io;
	long long next_look = io->now(io->ctx);
	char err[256];

	for (;;) {
		enum plat_wait_result w;
		size_t room;
		bool full;

		if (io->now(io->ctx) >= next_look) {
			if (watch->settled(watch->arg))
				return WAIT_SETTLED;
			next_look = io->now(io->ctx) + watch->interval_ms;
		}
		/*
		 * A full line buffer cannot take more.  Holding an over-long line, the stream is
		 * unusable: the main loop says so.  Holding whole lines, OpenVPN waits for us to read
		 * on after the wait, and only the watch and Ctrl-C can end the wait.
		 */
		mgmt_line_reader_space(io->reader, &room);
		full = room == 0;
		if (full && memchr(io->reader->buf + io->reader->start, '\n',
		                   io->reader->len - io->reader->start) == NULL)
			return WAIT_CLOSED;
		w = io->wait(io->ctx, !full, next_look);
		if (w == PLAT_WAIT_INTERRUPT)
			return WAIT_INTERRUPTED;
		/* Buffer what arrives meanwhile; a closed connection is the main loop's to report. */
		if (w == PLAT_WAIT_READABLE && !full && io->fill(io->ctx, err, sizeof err) <= 0)
			return WAIT_CLOSED;
		if (w == PLAT_WAIT_ERROR)
			return WAIT_CLOSED;
	}
}

enum plat_read_result session_ask_insertion(struct session *s, const char *msg, char *answer,
                                            size_t answersz)
{
	char label[SECRET_MAX + 1];
	struct insertion_watch w = {s, label, false};
	struct plat_prompt_watch watch = {TOKEN_LOOK_MS, token_inserted, &w};
	bool watching = session_can_see_tokens(s) &&
	                mgmt_token_label(msg, "Please insert ", label, sizeof label);
	enum plat_read_result r;

	/* The token is there, so OpenVPN's "insert" means the config's id is wrong. */
	if (watching && s->io->token_present(s->io->ctx, label) == 1 &&
	    session_config_id_names_nothing(s)) {
		session_say_config_id_names_nothing(s);
		return PLAT_READ_ERROR;
	}
	if (s->opts->batch) {
		/* Nobody to press Enter: the token arriving is the only answer there can be. */
		if (!watching) {
			session_may_ask(s, "a confirmation"); /* ends the run: --batch */
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
			session_end_stop(s);
			return PLAT_READ_INTERRUPT;
		}
	}

	if (watching && s->io->token_present(s->io->ctx, label) == 1)
		out_status("ovpn-token sees token '%s', but OpenVPN does not: take it out and put it "
		           "back, then press Enter.", label);
	r = session_ask_text(s, watching ? &watch : NULL, answer, answersz,
	                     "%s. Press Enter to continue, Ctrl-C to cancel: ", msg);
	if (r == PLAT_READ_SETTLED)
		out_status("Token '%s' is there now.", label);
	return r;
}
