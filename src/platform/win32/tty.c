/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: asking the user.
 *
 * On a console, keys are read one by one as input records (no line mode): that is the only way
 * to keep watching the interrupt event and the management connection while the user types,
 * since ReadConsoleW in line mode blocks until Enter.  The keys arrive as UTF-16, so a PIN or
 * password with non-ASCII characters is exact whatever the console code page; it is collected
 * in locked memory, converted to UTF-8 straight into the caller's buffer and wiped.  Editing is
 * Backspace only (there is no readline here); Ctrl-Z or Ctrl-D on an empty line is end of input.
 * When stdin is not a console (a pipe or a file) bytes are read as they are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#define WIDE_MAX 1024 /* UTF-16 units of one answer; far beyond any PIN or password */

enum input_wait { INPUT_READY, INPUT_TIMEOUT, INPUT_INTERRUPT, INPUT_PEER_GONE, INPUT_ERROR };

static HANDLE std_in(void)
{
	return GetStdHandle(STD_INPUT_HANDLE);
}

static bool is_console(HANDLE h)
{
	DWORD mode;

	return h != NULL && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

bool plat_interactive(void)
{
	return is_console(std_in());
}

/*
 * Waits for input (in may be NULL), Ctrl-C or the management peer closing, until deadline_ms
 * (plat_now_ms(); -1: none).
 */
static enum input_wait wait_for_input(HANDLE in, struct plat_sock *s, long long deadline_ms)
{
	for (;;) {
		HANDLE h[2];
		DWORD count = 0, which = 0;
		DWORD in_at = MAXDWORD, sock_at = MAXDWORD;

		if (in != NULL) {
			in_at = count;
			h[count++] = in;
		}
		if (s != NULL) {
			sock_at = count;
			h[count++] = win32_sock_event(s);
		}
		switch (win32_wait_until(h, count, deadline_ms, &which)) {
		case PLAT_WAIT_INTERRUPT:
			return INPUT_INTERRUPT;
		case PLAT_WAIT_TIMEOUT:
			return INPUT_TIMEOUT;
		case PLAT_WAIT_ERROR:
			return INPUT_ERROR;
		case PLAT_WAIT_READABLE:
			break;
		}
		/* Notifications arriving meanwhile must not end the prompt, only a closed peer. */
		if (which == sock_at) {
			if (win32_sock_peer_gone(s))
				return INPUT_PEER_GONE;
			continue;
		}
		if (which == in_at)
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
	default:
		return PLAT_READ_ERROR;
	}
}

static void echo_wide(const wchar_t *text, DWORD n)
{
	HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
	DWORD put;

	if (is_console(out))
		WriteConsoleW(out, text, n, &put, NULL);
}

/* Prompts may carry a UTF-8 token label: on a console they are written as UTF-16. */
static void show_prompt(const char *prompt)
{
	HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
	wchar_t *w;

	fflush(stderr);
	if (is_console(out) && (w = win32_widen(prompt)) != NULL) {
		DWORD put;

		WriteConsoleW(out, w, (DWORD)wcslen(w), &put, NULL);
		free(w);
		return;
	}
	fputs(prompt, stderr);
	fflush(stderr);
}

struct wide_line {
	wchar_t *w; /* locked memory, WIDE_MAX + 1 units */
	size_t len;
	bool too_long;
};

enum key_result { KEY_MORE, KEY_DONE, KEY_EOF, KEY_INTERRUPT };

static enum key_result take_key(struct wide_line *line, wchar_t c, bool echo)
{
	switch (c) {
	case L'\r':
	case L'\n':
		return KEY_DONE;
	case 0x03: /* Ctrl-C as a key: processed input normally turns it into the event */
		return KEY_INTERRUPT;
	case 0x04: /* Ctrl-D */
	case 0x1A: /* Ctrl-Z */
		return line->len == 0 ? KEY_EOF : KEY_MORE;
	case L'\b':
		if (line->len > 0) {
			size_t drop = line->len >= 2 && IS_LOW_SURROGATE(line->w[line->len - 1]) &&
			                      IS_HIGH_SURROGATE(line->w[line->len - 2])
			                  ? 2
			                  : 1;
			line->len -= drop;
			line->w[line->len] = 0;
			if (echo)
				echo_wide(L"\b \b", 3);
		}
		return KEY_MORE;
	default:
		if (c < 0x20)
			return KEY_MORE;
		if (line->len < WIDE_MAX) {
			line->w[line->len++] = c;
			if (echo)
				echo_wide(&c, 1);
		} else {
			line->too_long = true;
		}
		return KEY_MORE;
	}
}

static enum key_result read_keys(HANDLE in, struct wide_line *line, bool echo)
{
	INPUT_RECORD rec[16];
	DWORD n = 0;
	enum key_result r = KEY_MORE;

	if (!ReadConsoleInputW(in, rec, sizeof rec / sizeof rec[0], &n))
		return KEY_EOF;
	/* Stops at the line end: keys typed after Enter stay for the next prompt. */
	for (DWORD i = 0; i < n && r == KEY_MORE; i++) {
		const KEY_EVENT_RECORD *k = &rec[i].Event.KeyEvent;

		if (rec[i].EventType != KEY_EVENT || !k->bKeyDown || k->uChar.UnicodeChar == 0)
			continue;
		for (WORD rep = 0; rep < k->wRepeatCount && r == KEY_MORE; rep++)
			r = take_key(line, k->uChar.UnicodeChar, echo);
	}
	plat_wipe(rec, sizeof rec);
	return r;
}

static enum plat_read_result read_console(HANDLE in, bool echo, struct plat_sock *s, char *buf,
                                          size_t bufsz, const struct plat_prompt_watch *watch)
{
	struct wide_line line = {plat_secure_alloc((WIDE_MAX + 1) * sizeof(wchar_t)), 0, false};
	enum plat_read_result r = PLAT_READ_OK;
	enum key_result k = KEY_MORE;
	DWORD saved;

	if (line.w == NULL || !GetConsoleMode(in, &saved)) {
		plat_secure_free(line.w, (WIDE_MAX + 1) * sizeof(wchar_t));
		return PLAT_READ_ERROR;
	}
	/* No line mode, no echo; processed input keeps Ctrl-C a console event (our interrupt). */
	SetConsoleMode(in, ENABLE_PROCESSED_INPUT);
	long long next_look = watch != NULL ? plat_now_ms() + watch->interval_ms : -1;

	while (k == KEY_MORE) {
		enum input_wait w = wait_for_input(in, s, next_look);

		if (w == INPUT_TIMEOUT && watch != NULL) {
			/* Only a due look asks the watch: its looks may be expensive (a provider load). */
			next_look = plat_now_ms() + watch->interval_ms;
			if (!watch->settled(watch->arg))
				continue;
			r = PLAT_READ_SETTLED;
			break;
		}
		if (w != INPUT_READY) {
			r = map_wait(w);
			break;
		}
		k = read_keys(in, &line, echo);
	}
	SetConsoleMode(in, saved);
	/* The user's Enter was not echoed (and an interrupted line needs ending too). */
	echo_wide(L"\r\n", 2);
	if (k == KEY_EOF)
		r = PLAT_READ_EOF;
	else if (k == KEY_INTERRUPT) {
		plat_take_interrupt();
		r = PLAT_READ_INTERRUPT;
	} else if (k == KEY_DONE && line.too_long)
		r = PLAT_READ_TOO_LONG;
	else if (k == KEY_DONE && win32_narrow(line.w, (int)line.len, buf, bufsz) != 0)
		r = PLAT_READ_TOO_LONG;
	if (r != PLAT_READ_OK)
		plat_wipe(buf, bufsz);
	plat_secure_free(line.w, (WIDE_MAX + 1) * sizeof(wchar_t));
	return r;
}

/*
 * One byte from a pipe without blocking the watch: pipes are not waitable, so their fill level
 * is polled (PeekNamedPipe) while waiting on the interrupt and the peer in short steps.
 * 1: a byte, 0: end of input, <0: -(enum input_wait).
 */
static int read_pipe_byte(HANDLE in, struct plat_sock *s, char *c)
{
	for (;;) {
		DWORD avail = 0, got = 0;
		enum input_wait w;

		if (!PeekNamedPipe(in, NULL, 0, NULL, &avail, NULL)) {
			if (GetLastError() == ERROR_BROKEN_PIPE)
				return 0;
			avail = 1; /* not a real pipe after all: a blocking read it is */
		}
		if (avail > 0) {
			if (!ReadFile(in, c, 1, &got, NULL))
				return GetLastError() == ERROR_BROKEN_PIPE ? 0 : -INPUT_ERROR;
			return got == 1 ? 1 : 0;
		}
		/* Pipes are not waitable: look at the fill level again in 50 ms. */
		w = wait_for_input(NULL, s, plat_now_ms() + 50);
		if (w != INPUT_TIMEOUT)
			return -(int)w;
	}
}

/* Byte by byte straight into buf: no stdio buffer ever holds a copy of a secret. */
static enum plat_read_result read_bytes(HANDLE in, struct plat_sock *s, char *buf, size_t bufsz)
{
	bool pipe = GetFileType(in) == FILE_TYPE_PIPE, too_long = false;
	size_t len = 0;

	for (;;) {
		char c = 0;
		DWORD got = 0;
		int rc;

		if (pipe) {
			rc = read_pipe_byte(in, s, &c);
		} else if (win32_interrupt_pending()) {
			rc = -INPUT_INTERRUPT;
		} else {
			rc = ReadFile(in, &c, 1, &got, NULL) ? (int)got : 0;
		}
		if (rc < 0) {
			plat_wipe(buf, bufsz);
			return map_wait((enum input_wait)-rc);
		}
		if (rc == 0) {
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
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (too_long) {
		plat_wipe(buf, bufsz);
		return PLAT_READ_TOO_LONG;
	}
	return PLAT_READ_OK;
}

enum plat_read_result plat_read_line(const char *prompt, bool echo, struct plat_sock *s,
                                     char *buf, size_t bufsz)
{
	return plat_read_line_watched(prompt, echo, s, buf, bufsz, NULL);
}

enum plat_read_result plat_read_line_watched(const char *prompt, bool echo, struct plat_sock *s,
                                             char *buf, size_t bufsz,
                                             const struct plat_prompt_watch *watch)
{
	HANDLE in = std_in();

	if (bufsz == 0)
		return PLAT_READ_TOO_LONG;
	buf[0] = '\0';
	show_prompt(prompt);
	if (is_console(in))
		return read_console(in, echo, s, buf, bufsz, watch);
	if (in == NULL || in == INVALID_HANDLE_VALUE)
		return PLAT_READ_EOF;
	return read_bytes(in, s, buf, bufsz);
}
