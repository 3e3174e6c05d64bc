/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: asking the user — readline for visible answers, raw no-echo reads for secrets. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

enum input_wait { INPUT_READY, INPUT_INTERRUPT, INPUT_PEER_GONE, INPUT_SETTLED, INPUT_ERROR };

bool plat_interactive(void)
{
	return isatty(STDIN_FILENO) != 0;
}

/*
 * Waits until stdin has a byte, while noticing Ctrl-C, the management peer closing and (watch,
 * may be NULL) an answer from elsewhere.
 */
static enum input_wait wait_for_input(struct plat_sock *s, const struct plat_prompt_watch *watch)
{
	long long next_look = watch != NULL ? plat_now_ms() + watch->interval_ms : -1;

	for (;;) {
		struct pollfd fds[2] = {
			{.fd = STDIN_FILENO, .events = POLLIN},
			/* Only hang-ups: notifications arriving meanwhile must not end the prompt. */
			{.fd = posix_sock_fd(s), .events = POLLRDHUP},
		};

		switch (posix_wait_until(fds, 2, next_look)) {
		case PLAT_WAIT_INTERRUPT:
			return INPUT_INTERRUPT;
		case PLAT_WAIT_ERROR:
			return INPUT_ERROR;
		case PLAT_WAIT_TIMEOUT:
			/* Only a due look asks the watch: its looks may be expensive (a provider load). */
			if (watch->settled(watch->arg))
				return INPUT_SETTLED;
			next_look = plat_now_ms() + watch->interval_ms;
			continue;
		case PLAT_WAIT_READABLE:
			break;
		}
		if (fds[1].revents & (POLLRDHUP | POLLHUP | POLLERR))
			return INPUT_PEER_GONE;
		if (fds[0].revents)
			return INPUT_READY;
	}
}

static enum plat_read_result map_wait(enum input_wait w)
{
	switch (w) {
	case INPUT_INTERRUPT:
		plat_take_interrupt();
		return PLAT_READ_INTERRUPT;
	case INPUT_PEER_GONE:
		return PLAT_READ_PEER_GONE;
	case INPUT_SETTLED:
		return PLAT_READ_SETTLED;
	default:
		return PLAT_READ_ERROR;
	}
}

/* Byte by byte straight into buf: no stdio buffer ever holds a copy of a secret. */
static enum plat_read_result read_raw_line(struct plat_sock *s, char *buf, size_t bufsz,
                                           const struct plat_prompt_watch *watch)
{
	size_t len = 0;
	bool too_long = false;
	char c = 0;

	for (;;) {
		enum input_wait w = wait_for_input(s, watch);
		ssize_t got;

		if (w != INPUT_READY) {
			plat_wipe(&c, 1);
			return map_wait(w);
		}
		got = read(STDIN_FILENO, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return PLAT_READ_ERROR;
		if (got == 0) {
			if (len == 0)
				return PLAT_READ_EOF;
			break;
		}
		if (c == '\n')
			break;
		if (len + 1 < bufsz)
			buf[len++] = c;
		else
			too_long = true;
	}
	plat_wipe(&c, 1);
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (too_long) {
		plat_wipe(buf, bufsz);
		return PLAT_READ_TOO_LONG;
	}
	return PLAT_READ_OK;
}

static void show_prompt(const char *prompt)
{
	fputs(prompt, stderr);
	fflush(stderr);
}

static enum plat_read_result read_secret(const char *prompt, struct plat_sock *s, char *buf,
                                         size_t bufsz, const struct plat_prompt_watch *watch)
{
	struct termios saved, quiet;
	bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	enum plat_read_result r;

	show_prompt(prompt);
	if (tty) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	r = read_raw_line(s, buf, bufsz, watch);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		/* The user's Enter was not echoed either. */
		fputc('\n', stderr);
	}
	return r;
}

static char *rl_line;
static bool rl_line_done;

static void on_readline_line(char *line)
{
	rl_line = line;
	rl_line_done = true;
	rl_callback_handler_remove();
}

/* readline's callback mode, so the same poll() that watches Ctrl-C and the peer drives it. */
static enum plat_read_result read_visible(const char *prompt, struct plat_sock *s, char *buf,
                                          size_t bufsz, const struct plat_prompt_watch *watch)
{
	enum plat_read_result r = PLAT_READ_OK;

	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_outstream = stderr;
	rl_line = NULL;
	rl_line_done = false;
	rl_callback_handler_install(prompt, on_readline_line);
	while (!rl_line_done) {
		enum input_wait w = wait_for_input(s, watch);

		if (w != INPUT_READY) {
			rl_callback_handler_remove();
			rl_free_line_state();
			fputc('\n', stderr);
			return map_wait(w);
		}
		rl_callback_read_char();
	}
	if (rl_line == NULL)
		return PLAT_READ_EOF;
	if (strlen(rl_line) >= bufsz)
		r = PLAT_READ_TOO_LONG;
	else
		memcpy(buf, rl_line, strlen(rl_line) + 1);
	free(rl_line);
	rl_line = NULL;
	return r;
}

enum plat_read_result plat_read_line_watched(const char *prompt, bool echo, struct plat_sock *s,
                                             char *buf, size_t bufsz,
                                             const struct plat_prompt_watch *watch)
{
	if (bufsz == 0)
		return PLAT_READ_TOO_LONG;
	buf[0] = '\0';
	if (!echo)
		return read_secret(prompt, s, buf, bufsz, watch);
	if (plat_interactive())
		return read_visible(prompt, s, buf, bufsz, watch);
	show_prompt(prompt);
	return read_raw_line(s, buf, bufsz, watch);
}

enum plat_read_result plat_read_line(const char *prompt, bool echo, struct plat_sock *s,
                                     char *buf, size_t bufsz)
{
	return plat_read_line_watched(prompt, echo, s, buf, bufsz, NULL);
}
