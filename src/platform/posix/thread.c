/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: a helper thread (pthread) and the notice it wakes the one wait with (a pipe). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

struct plat_notice {
	int pipe[2];
};

struct plat_notice *plat_notice_new(void)
{
	struct plat_notice *n = malloc(sizeof *n);

	if (n == NULL)
		return NULL;
	if (pipe(n->pipe) != 0) {
		free(n);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(n->pipe[i], F_SETFL, fcntl(n->pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(n->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	return n;
}

void plat_notice_post(struct plat_notice *n)
{
	int saved = errno;

	/* A full pipe already says "news": one byte or many, the waiter takes them all. */
	(void)!write(n->pipe[1], "n", 1);
	errno = saved;
}

bool plat_notice_take(struct plat_notice *n)
{
	char drain[64];
	bool posted = false;

	while (read(n->pipe[0], drain, sizeof drain) > 0)
		posted = true;
	return posted;
}

int posix_notice_fd(const struct plat_notice *n)
{
	return n != NULL ? n->pipe[0] : -1;
}

void plat_notice_free(struct plat_notice *n)
{
	if (n == NULL)
		return;
	close(n->pipe[0]);
	close(n->pipe[1]);
	free(n);
}

struct plat_thread {
	pthread_t id;
	void (*fn)(void *arg);
	void *arg;
	int ended[2]; /* a pipe: fn has returned once it is readable */
};

static void *run(void *p)
{
	struct plat_thread *t = p;

	t->fn(t->arg);
	(void)!write(t->ended[1], "e", 1);
	return NULL;
}

static void thread_free(struct plat_thread *t)
{
	close(t->ended[0]);
	close(t->ended[1]);
	free(t);
}

struct plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg)
{
	struct plat_thread *t = malloc(sizeof *t);
	sigset_t all, old;

	if (t == NULL)
		return NULL;
	if (pipe(t->ended) != 0) {
		free(t);
		return NULL;
	}
	for (int i = 0; i < 2; i++)
		fcntl(t->ended[i], F_SETFD, FD_CLOEXEC);
	t->fn = fn;
	t->arg = arg;
	/* Signals are the main thread's: the one wait sees Ctrl-C, not a blocked helper. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t->id, NULL, run, t) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		thread_free(t);
		return NULL;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

bool plat_thread_join_within(struct plat_thread *t, int ms)
{
	struct pollfd pfd;
	int rc;

	if (t == NULL)
		return true;
	pfd = (struct pollfd){.fd = t->ended[0], .events = POLLIN};
	do
		rc = poll(&pfd, 1, ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return false;
	pthread_join(t->id, NULL);
	thread_free(t);
	return true;
}
