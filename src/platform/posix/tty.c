/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: asking the person, one question at a time, fed by the one wait (plat_wait with
 * person set): readline's callback mode for visible answers at a terminal, raw no-echo reads
 * for secrets, plain bytes from a pipe.  Nothing here waits: a feed takes what is there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "platform/platform.h"

enum prompt_mode { PROMPT_NONE, PROMPT_READLINE, PROMPT_RAW };

/* The open question: where its answer goes and how the terminal was before it. */
static struct {
	enum prompt_mode mode;
	char *buf;
	size_t bufsz, len;
	bool too_long;
	bool echo_off;           /* the terminal's echo is off for a secret: saved holds the old */
	struct termios saved;
	bool line_ended;         /* the person's Enter reached the screen */
	char *rl_line;           /* readline's finished line */
	bool rl_done;
} prompt;

bool plat_interactive(void)
{
	return isatty(STDIN_FILENO) != 0;
}

static void show(const char *text)
{
	fputs(text, stderr);
	fflush(stderr);
}

static void on_readline_line(char *line)
{
	prompt.rl_line = line;
	prompt.rl_done = true;
	rl_callback_handler_remove();
}

int plat_prompt_open(const char *text, bool echo, char *buf, size_t bufsz)
{
	if (prompt.mode != PROMPT_NONE || bufsz == 0)
		return -1;
	/* What was said before the question comes before it on the screen (ui/output.c). */
	fflush(stdout);
	memset(&prompt, 0, sizeof prompt);
	prompt.buf = buf;
	prompt.bufsz = bufsz;
	buf[0] = '\0';
	if (echo && plat_interactive()) {
		/* readline's callback mode, so that the one wait drives it key by key. */
		rl_catch_signals = 0;
		rl_catch_sigwinch = 0;
		rl_outstream = stderr;
		rl_callback_handler_install(text, on_readline_line);
		prompt.mode = PROMPT_READLINE;
		return 0;
	}
	show(text);
	if (!echo && tcgetattr(STDIN_FILENO, &prompt.saved) == 0) {
		struct termios quiet = prompt.saved;

		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		prompt.echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	prompt.mode = PROMPT_RAW;
	return 0;
}

static enum plat_read_result finish_raw(void)
{
	size_t len = prompt.len;

	if (len > 0 && prompt.buf[len - 1] == '\r')
		len--;
	prompt.buf[len] = '\0';
	if (!prompt.too_long)
		return PLAT_READ_OK;
	plat_wipe(prompt.buf, prompt.bufsz);
	return PLAT_READ_TOO_LONG;
}

/* One byte straight into the answer: no stdio buffer ever holds a copy of a secret. */
static enum plat_read_result feed_raw(void)
{
	char c = 0;
	ssize_t got = read(STDIN_FILENO, &c, 1);
	enum plat_read_result r = PLAT_READ_MORE;

	if (got < 0)
		r = errno == EINTR || errno == EAGAIN ? PLAT_READ_MORE : PLAT_READ_ERROR;
	else if (got == 0)
		r = prompt.len == 0 ? PLAT_READ_EOF : finish_raw();
	else if (c == '\n')
		r = finish_raw();
	else if (prompt.len + 1 < prompt.bufsz)
		prompt.buf[prompt.len++] = c;
	else
		prompt.too_long = true;
	plat_wipe(&c, 1);
	return r;
}

static enum plat_read_result feed_readline(void)
{
	enum plat_read_result r = PLAT_READ_OK;

	rl_callback_read_char();
	if (!prompt.rl_done)
		return PLAT_READ_MORE;
	prompt.line_ended = true;
	if (prompt.rl_line == NULL)
		return PLAT_READ_EOF;
	if (strlen(prompt.rl_line) >= prompt.bufsz)
		r = PLAT_READ_TOO_LONG;
	else
		memcpy(prompt.buf, prompt.rl_line, strlen(prompt.rl_line) + 1);
	free(prompt.rl_line);
	prompt.rl_line = NULL;
	return r;
}

enum plat_read_result plat_prompt_feed(void)
{
	enum plat_read_result r;

	switch (prompt.mode) {
	case PROMPT_READLINE:
		return feed_readline();
	case PROMPT_RAW:
		r = feed_raw();
		/* A typed line was echoed with its Enter; a secret's Enter and a pipe's line were not. */
		if (r != PLAT_READ_MORE)
			prompt.line_ended = !prompt.echo_off && plat_interactive();
		return r;
	case PROMPT_NONE:
		break;
	}
	return PLAT_READ_ERROR;
}

void plat_prompt_close(void)
{
	if (prompt.mode == PROMPT_READLINE && !prompt.rl_done) {
		rl_callback_handler_remove();
		rl_free_line_state();
	}
	if (prompt.echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &prompt.saved);
	/* Whatever comes next starts on a line of its own. */
	if (!prompt.line_ended)
		fputc('\n', stderr);
	fflush(stderr);
	free(prompt.rl_line);
	memset(&prompt, 0, sizeof prompt);
}
