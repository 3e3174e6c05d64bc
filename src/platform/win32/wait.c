/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: the one wait, over WaitForMultipleObjects: the peer's socket event, the console, the
 * child's process, a helper thread's notice and the interrupt event.  A pipe on standard input and a child without a
 * process handle are not waitable: they are looked at in short steps.
 */
#include <stdio.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

/* How often an unwaitable source (a pipe's fill level, a service's openvpn) is looked at. */
#define POLL_STEP_MS 50

static DWORD wait_timeout(long long deadline_ms)
{
	long long left;

	if (deadline_ms < 0)
		return INFINITE;
	left = deadline_ms - plat_now_ms();
	if (left <= 0)
		return 0;
	return left > 60000 ? 60000 : (DWORD)left;
}

/* What is ready without waiting: bytes already there, a pipe's data, a child already gone. */
static unsigned ready_now(const struct plat_wait_set *set, HANDLE in, bool in_console)
{
	unsigned ready = 0;

	if (set->peer != NULL && !set->peer_hangup_only && win32_sock_readable_now(set->peer))
		ready |= PLAT_READY_PEER;
	if (set->person && !in_console && win32_input_ready(in))
		ready |= PLAT_READY_PERSON;
	if (set->child != NULL && plat_child_exited(set->child, NULL))
		ready |= PLAT_READY_CHILD;
	return ready;
}

enum plat_wait_result plat_wait(const struct plat_wait_set *set, unsigned *ready)
{
	HANDLE in = set->person ? win32_std_in() : NULL;
	bool in_console = in != NULL && win32_is_console(in);
	HANDLE child = set->child != NULL ? win32_child_handle(set->child) : NULL;
	HANDLE notice = win32_notice_event(set->notice);
	bool polled = (set->person && !in_console) || (set->child != NULL && child == NULL);

	/* What was said is on the screen before we sleep: ui/output.c leaves stdout to us. */
	fflush(stdout);

	for (;;) {
		HANDLE h[5];
		DWORD n = 0, rc, peer_at = MAXDWORD, in_at = MAXDWORD, notice_at = MAXDWORD;
		long long until = set->deadline_ms;

		*ready = 0;
		if (win32_interrupt_pending())
			return PLAT_WAIT_INTERRUPT;
		*ready = ready_now(set, in, in_console);
		if (*ready != 0)
			return PLAT_WAIT_READY;
		if (set->peer != NULL) {
			peer_at = n;
			h[n++] = win32_sock_event(set->peer);
		}
		if (in_console) {
			in_at = n;
			h[n++] = in;
		}
		if (child != NULL)
			h[n++] = child;
		if (notice != NULL) {
			notice_at = n;
			h[n++] = notice;
		}
		if (win32_wake_event() != NULL)
			h[n++] = win32_wake_event();
		if (polled)
			until = plat_earlier_deadline(until, plat_now_ms() + POLL_STEP_MS);
		rc = n == 0 ? (Sleep(wait_timeout(until)), WAIT_TIMEOUT)
		            : WaitForMultipleObjects(n, h, FALSE, wait_timeout(until));
		if (win32_interrupt_pending())
			return PLAT_WAIT_INTERRUPT;
		if (rc == WAIT_FAILED)
			return PLAT_WAIT_ERROR;
		if (rc == WAIT_OBJECT_0 + peer_at) {
			/*
			 * While its bytes cannot be taken only a closed peer counts; otherwise the event
			 * may be FD_WRITE alone, and ready_now() asks the socket itself.
			 */
			if (!set->peer_hangup_only)
				ResetEvent(win32_sock_event(set->peer));
			else if (win32_sock_peer_gone(set->peer))
				*ready |= PLAT_READY_PEER;
		} else if (rc == WAIT_OBJECT_0 + in_at) {
			*ready |= PLAT_READY_PERSON;
		} else if (rc == WAIT_OBJECT_0 + notice_at) {
			*ready |= PLAT_READY_NOTICE;
		}
		*ready |= ready_now(set, in, in_console);
		if (*ready != 0)
			return PLAT_WAIT_READY;
		if (set->deadline_ms >= 0 && plat_now_ms() >= set->deadline_ms)
			return PLAT_WAIT_TIMEOUT;
	}
}
