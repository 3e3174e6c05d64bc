/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: the one wait, over poll(): the peer, the person, the child, a helper thread's notice,
 * serve's listener and member, and the interrupt.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0
#endif

/*
 * Without our SIGCHLD handler (plat_signals_install) a child's end wakes nobody: then a wait
 * for a child looks again at least this often.
 */
#define CHILD_POLL_MS 100

/* poll() takes an int of milliseconds: a far deadline is reached in steps. */
static int poll_timeout(long long deadline_ms)
{
	long long left;

	if (deadline_ms < 0)
		return -1;
	left = deadline_ms - plat_now_ms();
	if (left <= 0)
		return 0;
	return left > 60000 ? 60000 : (int)left;
}

enum plat_wait_result plat_wait(const struct plat_wait_set *set, unsigned *ready)
{
	enum { PEER, PERSON, NOTICE, WAKE, LISTENER, MEMBER, COUNT };
	struct pollfd fds[COUNT];
	long long deadline = set->deadline_ms;

	*ready = 0;
	/* What was said is on the screen before we sleep: ui/output.c leaves stdout to us. */
	fflush(stdout);
	if (set->child != NULL && !posix_child_wakes())
		deadline = plat_earlier_deadline(deadline, plat_now_ms() + CHILD_POLL_MS);
	for (;;) {
		int rc;

		if (posix_interrupt_pending())
			return PLAT_WAIT_INTERRUPT;
		if (set->child != NULL && posix_take_child_event())
			*ready |= PLAT_READY_CHILD;
		if (*ready != 0)
			return PLAT_WAIT_READY;
		/* Only hang-ups while the peer's bytes cannot be taken: anything else would spin. */
		fds[PEER] = (struct pollfd){.fd = posix_sock_fd(set->peer),
		                            .events = set->peer_hangup_only ? POLLRDHUP : POLLIN};
		fds[PERSON] = (struct pollfd){.fd = set->person ? STDIN_FILENO : -1, .events = POLLIN};
		fds[NOTICE] = (struct pollfd){.fd = posix_notice_fd(set->notice), .events = POLLIN};
		fds[WAKE] = (struct pollfd){.fd = posix_wake_fd(), .events = POLLIN};
		fds[LISTENER] = (struct pollfd){.fd = posix_listener_fd(set->listener), .events = POLLIN};
		fds[MEMBER] = (struct pollfd){.fd = posix_sock_fd(set->member), .events = POLLIN};
		rc = poll(fds, COUNT, poll_timeout(deadline));
		if (posix_interrupt_pending())
			return PLAT_WAIT_INTERRUPT;
		if (rc < 0 && errno != EINTR)
			return PLAT_WAIT_ERROR;
		if (rc > 0) {
			if (fds[PEER].revents != 0)
				*ready |= PLAT_READY_PEER;
			if (fds[PERSON].revents != 0)
				*ready |= PLAT_READY_PERSON;
			if (fds[NOTICE].revents != 0)
				*ready |= PLAT_READY_NOTICE;
			if (fds[LISTENER].revents != 0)
				*ready |= PLAT_READY_LISTENER;
			if (fds[MEMBER].revents != 0)
				*ready |= PLAT_READY_MEMBER;
			if (fds[WAKE].revents != 0)
				posix_drain_wake();
		}
		if (set->child != NULL && (!posix_child_wakes() || posix_take_child_event()))
			*ready |= PLAT_READY_CHILD;
		if (*ready != 0)
			return PLAT_WAIT_READY;
		if (deadline >= 0 && plat_now_ms() >= deadline)
			return PLAT_WAIT_TIMEOUT;
	}
}
