/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: asking the person, one question at a time, fed by the one wait (plat_wait).
 *
 * On a console, keys are read as input records (no line mode): ReadConsoleW in line mode would
 * block until Enter, and nothing here may block.  The keys arrive as UTF-16, so a PIN or
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

HANDLE win32_std_in(void)
{
	return GetStdHandle(STD_INPUT_HANDLE);
}

bool win32_is_console(HANDLE h)
{
	DWORD mode;

	return h != NULL && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

bool plat_interactive(void)
{
	return win32_is_console(win32_std_in());
}

bool win32_input_ready(HANDLE in)
{
	DWORD avail = 0;

	if (in == NULL || in == INVALID_HANDLE_VALUE)
		return true; /* no input at all: its end is there to read */
	if (GetFileType(in) != FILE_TYPE_PIPE)
		return true; /* a file: a read returns at once */
	if (!PeekNamedPipe(in, NULL, 0, NULL, &avail, NULL))
		return true; /* broken: the read says so */
	return avail > 0;
}

static void echo_wide(const wchar_t *text, DWORD n)
{
	HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
	DWORD put;

	if (win32_is_console(out))
		WriteConsoleW(out, text, n, &put, NULL);
}

/* Prompts may carry a UTF-8 token label: on a console they are written as UTF-16. */
static void show_prompt(const char *prompt)
{
	HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
	wchar_t *w;

	fflush(stderr);
	if (win32_is_console(out) && (w = win32_widen(prompt)) != NULL) {
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

/*
 * The keys waiting now, one input record at a time, up to the line end: keys typed after Enter
 * stay in the console's buffer for the next question.
 */
static enum key_result read_keys(HANDLE in, struct wide_line *line, bool echo)
{
	INPUT_RECORD rec;
	DWORD n = 0, pending = 0;
	enum key_result r = KEY_MORE;

	while (r == KEY_MORE && GetNumberOfConsoleInputEvents(in, &pending) && pending > 0) {
		const KEY_EVENT_RECORD *k = &rec.Event.KeyEvent;

		if (!ReadConsoleInputW(in, &rec, 1, &n) || n == 0)
			return KEY_EOF;
		if (rec.EventType != KEY_EVENT || !k->bKeyDown || k->uChar.UnicodeChar == 0)
			continue;
		for (WORD rep = 0; rep < k->wRepeatCount && r == KEY_MORE; rep++)
			r = take_key(line, k->uChar.UnicodeChar, echo);
	}
	plat_wipe(&rec, sizeof rec);
	return r;
}


/* The open question. */
static struct {
	bool open, console, echo;
	HANDLE in;
	DWORD saved_mode;
	struct wide_line line;       /* console: the keys so far, in locked memory */
	char *buf;                   /* pipe or file: the bytes so far, straight into the answer */
	size_t bufsz, len;
	bool too_long;
} prompt;

int plat_prompt_open(const char *text, bool echo, char *buf, size_t bufsz)
{
	HANDLE in = win32_std_in();

	if (prompt.open || bufsz == 0)
		return -1;
	/* What was said before the question comes before it on the screen (ui/output.c). */
	fflush(stdout);
	memset(&prompt, 0, sizeof prompt);
	buf[0] = '\0';
	prompt.buf = buf;
	prompt.bufsz = bufsz;
	prompt.in = in;
	prompt.echo = echo;
	prompt.console = win32_is_console(in);
	if (prompt.console) {
		prompt.line.w = plat_secure_alloc((WIDE_MAX + 1) * sizeof(wchar_t));
		if (prompt.line.w == NULL || !GetConsoleMode(in, &prompt.saved_mode)) {
			plat_secure_free(prompt.line.w, (WIDE_MAX + 1) * sizeof(wchar_t));
			return -1;
		}
		/* No line mode, no echo; processed input keeps Ctrl-C a console event (our interrupt). */
		SetConsoleMode(in, ENABLE_PROCESSED_INPUT);
	}
	prompt.open = true;
	show_prompt(text);
	return 0;
}

static enum plat_read_result feed_console(void)
{
	enum key_result k = read_keys(prompt.in, &prompt.line, prompt.echo);

	switch (k) {
	case KEY_MORE:
		return PLAT_READ_MORE;
	case KEY_EOF:
		return PLAT_READ_EOF;
	case KEY_INTERRUPT:
		plat_take_interrupt();
		return PLAT_READ_INTERRUPT;
	case KEY_DONE:
		break;
	}
	if (prompt.line.too_long ||
	    win32_narrow(prompt.line.w, (int)prompt.line.len, prompt.buf, prompt.bufsz) != 0) {
		plat_wipe(prompt.buf, prompt.bufsz);
		return PLAT_READ_TOO_LONG;
	}
	return PLAT_READ_OK;
}

static enum plat_read_result finish_bytes(void)
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

/* One byte straight into the answer (a pipe was seen to hold one): no copy of a secret anywhere. */
static enum plat_read_result feed_bytes(void)
{
	char c = 0;
	DWORD got = 0;
	enum plat_read_result r = PLAT_READ_MORE;

	if (prompt.in == NULL || prompt.in == INVALID_HANDLE_VALUE ||
	    !ReadFile(prompt.in, &c, 1, &got, NULL) || got == 0)
		r = prompt.len == 0 ? PLAT_READ_EOF : finish_bytes();
	else if (c == '\n')
		r = finish_bytes();
	else if (prompt.len + 1 < prompt.bufsz)
		prompt.buf[prompt.len++] = c;
	else
		prompt.too_long = true;
	plat_wipe(&c, 1);
	return r;
}

enum plat_read_result plat_prompt_feed(void)
{
	if (!prompt.open)
		return PLAT_READ_ERROR;
	return prompt.console ? feed_console() : feed_bytes();
}

void plat_prompt_close(void)
{
	if (!prompt.open)
		return;
	if (prompt.console) {
		SetConsoleMode(prompt.in, prompt.saved_mode);
		plat_secure_free(prompt.line.w, (WIDE_MAX + 1) * sizeof(wchar_t));
		/* The person's Enter was not echoed (and an unfinished line needs ending too). */
		echo_wide(L"\r\n", 2);
	} else {
		fputs("\n", stderr);
		fflush(stderr);
	}
	memset(&prompt, 0, sizeof prompt);
}
