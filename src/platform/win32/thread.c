/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: a helper thread and the notice it wakes the one wait with (a manual-reset event). */
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

struct plat_notice {
	HANDLE event;
};

struct plat_notice *plat_notice_new(void)
{
	struct plat_notice *n = malloc(sizeof *n);

	if (n == NULL)
		return NULL;
	n->event = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (n->event == NULL) {
		free(n);
		return NULL;
	}
	return n;
}

void plat_notice_post(struct plat_notice *n)
{
	SetEvent(n->event);
}

bool plat_notice_take(struct plat_notice *n)
{
	bool posted = WaitForSingleObject(n->event, 0) == WAIT_OBJECT_0;

	ResetEvent(n->event);
	return posted;
}

HANDLE win32_notice_event(const struct plat_notice *n)
{
	return n != NULL ? n->event : NULL;
}

void plat_notice_free(struct plat_notice *n)
{
	if (n == NULL)
		return;
	CloseHandle(n->event);
	free(n);
}

struct plat_thread {
	HANDLE handle;
	void (*fn)(void *arg);
	void *arg;
};

static DWORD WINAPI run(LPVOID p)
{
	struct plat_thread *t = p;

	t->fn(t->arg);
	return 0;
}

struct plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg)
{
	struct plat_thread *t = malloc(sizeof *t);

	if (t == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->handle = CreateThread(NULL, 0, run, t, 0, NULL);
	if (t->handle == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

bool plat_thread_join_within(struct plat_thread *t, int ms)
{
	if (t == NULL)
		return true;
	if (WaitForSingleObject(t->handle, (DWORD)ms) != WAIT_OBJECT_0)
		return false;
	CloseHandle(t->handle);
	free(t);
	return true;
}
