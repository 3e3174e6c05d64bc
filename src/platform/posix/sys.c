/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: process hardening, interrupts and memory for secrets. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "platform/platform.h"
#include "platform/posix/internal.h"

static volatile sig_atomic_t interrupted, child_event, child_handler_installed;
static int wake_pipe[2] = {-1, -1};

void plat_harden_process(void)
{
	struct rlimit no_core = {0, 0};

	setrlimit(RLIMIT_CORE, &no_core);
#ifdef __linux__
	/* Not dumpable also keeps other processes of the same user from ptrace-reading the PIN. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

static void on_interrupt(int sig)
{
	int saved = errno;

	(void)sig;
	interrupted = 1;
	if (wake_pipe[1] != -1)
		(void)!write(wake_pipe[1], "x", 1);
	errno = saved;
}

/* A child changed state: the one wait looks at it (plat_wait's PLAT_READY_CHILD). */
static void on_child(int sig)
{
	int saved = errno;

	(void)sig;
	child_event = 1;
	if (wake_pipe[1] != -1)
		(void)!write(wake_pipe[1], "c", 1);
	errno = saved;
}

int plat_signals_install(void)
{
	struct sigaction sa;

	if (wake_pipe[0] == -1) {
		if (pipe(wake_pipe) != 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
			fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
		}
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked read or poll must come back to see the interrupt. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	child_handler_installed = 1;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void posix_drain_wake(void)
{
	char drain[64];

	while (wake_pipe[0] != -1 && read(wake_pipe[0], drain, sizeof drain) > 0)
		;
}

bool plat_take_interrupt(void)
{
	if (!interrupted)
		return false;
	interrupted = 0;
	posix_drain_wake();
	return true;
}

bool posix_child_wakes(void)
{
	return child_handler_installed != 0;
}

bool posix_take_child_event(void)
{
	if (!child_event)
		return false;
	child_event = 0;
	return true;
}

int posix_wake_fd(void)
{
	return wake_pipe[0];
}

bool posix_interrupt_pending(void)
{
	return interrupted != 0;
}

void *plat_secure_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Best effort: without the privilege to lock, the secret still never reaches a core file. */
	(void)mlock(p, n);
#ifdef MADV_DONTDUMP
	(void)madvise(p, n, MADV_DONTDUMP);
#endif
	return p;
}

void plat_secure_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	plat_wipe(p, n);
	munlock(p, n);
	munmap(p, n);
}

void plat_wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

long long plat_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int plat_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

/*
 * Two forks: the opener (and a browser it may become) is not our child, so nothing is left to
 * reap and it does not end with us.  Its output would land in the middle of our prompts.
 */
int plat_open_url(const char *url, char *err, size_t errsz)
{
	const char *display = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	pid_t pid;
	int status;

	if ((display == NULL || display[0] == '\0') && (wayland == NULL || wayland[0] == '\0'))
		return 0;
	pid = fork();
	if (pid < 0) {
		snprintf(err, errsz, "cannot start xdg-open: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (fork() == 0) {
			execlp("xdg-open", "xdg-open", url, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 1;
}
