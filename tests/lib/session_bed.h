/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bed every unit test of the session lies in: one session over the scripted world
 * (session_io_script.h), the options it was made with and the script it runs.  A test file
 * includes this, sets opts and sc in its setup after session_bed_reset(), and in each test:
 *
 *	new_session(false);                        // attach; true: start (we own openvpn)
 *	run_with(HOLD0 RELEASED, answers);         // OpenVPN's side, the person's answers
 *	assert_logged("> hold release\n", 1);      // what came out, how many times
 *
 * run_with() may be called again on the same session (a restart of openvpn: what survives
 * one is kept); the token, the signer and the person stay as the test set them in sc.
 */
#ifndef OVPN_TOKEN_TESTS_SESSION_BED_H
#define OVPN_TOKEN_TESTS_SESSION_BED_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session/session.h"
#include "session_io_script.h"

static struct session_settings opts;
static struct script sc;
static struct session *s;

/* Settings as a bare command line gives them (start without --external-key); a script that knows nothing of the last test. */
static inline void session_bed_reset(void)
{
	memset(&opts, 0, sizeof opts);
	memset(&sc, 0, sizeof sc);
	opts.pin_fd = opts.mgmt_password_fd = -1;
}

/* The session of the last test, if any, freed. */
static inline void session_bed_free(void)
{
	session_free(s);
	s = NULL;
}

/* owns_openvpn: start (Ctrl-C and cancelling stop openvpn); false: attach. */
static inline void new_session(bool owns_openvpn)
{
	s = session_new(&opts, owns_openvpn);
	assert_non_null(s);
}

/*
 * One run of s over input, with answers for the person (NULL-terminated, or NULL: none).  Every
 * secret that went out (a PIN, a password, a response) must be wiped by the next wait, and by
 * the end of the run.
 */
static inline int run_with(const char *input, const char *const *answers)
{
	struct session_world world;
	int rc;

	script_rerun(&sc, input, answers);
	world = script_world(&sc);
	rc = session_run(s, &world);
	script_check_wiped(&sc);
	if (sc.secrets_left != 0)
		fail_msg("%d secret(s) not wiped after they went out, in:\n%s", sc.secrets_left,
		         sc.log);
	return rc;
}

/* What a run says to the user (stdout and stderr) goes to a file of its own meanwhile. */
struct said_capture {
	FILE *file;
	int saved_err, saved_out;
};

static inline struct said_capture said_capture_begin(void)
{
	struct said_capture c = {tmpfile(), dup(STDERR_FILENO), dup(STDOUT_FILENO)};

	assert_non_null(c.file);
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(c.file), STDERR_FILENO);
	dup2(fileno(c.file), STDOUT_FILENO);
	return c;
}

/* The terminal back; what was said into said, cut to saidsz. */
static inline void said_capture_end(struct said_capture *c, char *said, size_t saidsz)
{
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_err, STDERR_FILENO);
	dup2(c->saved_out, STDOUT_FILENO);
	close(c->saved_err);
	close(c->saved_out);
	rewind(c->file);
	n = fread(said, 1, saidsz - 1, c->file);
	said[n] = '\0';
	fclose(c->file);
}

/*
 * run_with, and what the run said to the user (stdout and stderr: status lines, errors) into
 * said, cut to saidsz.
 */
static inline int run_saying(const char *input, const char *const *answers, char *said,
                             size_t saidsz)
{
	struct said_capture capture = said_capture_begin();
	int rc = run_with(input, answers);

	said_capture_end(&capture, said, saidsz);
	return rc;
}

/* How often text is in what came out (commands "> ...", questions "? ...", signer "# ..."). */
static inline int count(const char *text)
{
	return script_count(&sc, text);
}

static inline void assert_logged(const char *text, int times)
{
	if (count(text) != times)
		fail_msg("expected %d times '%s' in:\n%s", times, text, sc.log);
}

#endif
