/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: running openvpn as our child. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

struct plat_child {
	pid_t pid;
	bool reaped;
	int status;
};

static int decode_status(int raw)
{
	if (WIFEXITED(raw))
		return WEXITSTATUS(raw);
	if (WIFSIGNALED(raw))
		return 128 + WTERMSIG(raw);
	return 255;
}

/* In the child: never returns.  exec failure travels back through report_fd. */
static void exec_child(const char *const *argv, const char *log_path, const char *workdir,
                       pid_t parent, int report_fd)
{
	/* plat_prepare_log made it; a link swapped in since is not followed. */
	int log_fd = log_path != NULL ? open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	                                                   O_NOFOLLOW,
	                                     0600)
	                              : STDOUT_FILENO;
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int e;

	/* Its own process group: the terminal's Ctrl-C is ours to turn into a clean stop. */
	setpgid(0, 0);
#ifdef __linux__
	/*
	 * An openvpn whose controller is gone (even by SIGKILL) would hold the tunnel with nobody
	 * to answer it: it gets SIGTERM when we die.  The parent may already be gone by now.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	if (workdir != NULL && chdir(workdir) != 0) {
		e = errno;
		(void)!write(report_fd, &e, sizeof e);
		_exit(127);
	}
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (log_fd == -1 || null_fd == -1 || dup2(null_fd, 0) == -1 ||
	    (log_path != NULL && (dup2(log_fd, 1) == -1 || dup2(log_fd, 2) == -1))) {
		e = errno;
		(void)!write(report_fd, &e, sizeof e);
		_exit(127);
	}
	/* Our secrets' credentials directory is not openvpn's (nor its scripts') business. */
	unsetenv("CREDENTIALS_DIRECTORY");
	execvp(argv[0], (char *const *)argv);
	e = errno;
	(void)!write(report_fd, &e, sizeof e);
	_exit(127);
}

struct plat_child *plat_spawn(const char *const *argv, const char *log_path, const char *workdir,
                              char *err, size_t errsz)
{
	struct plat_child *c = calloc(1, sizeof *c);
	int report[2], child_errno = 0;
	pid_t parent = getpid();
	ssize_t got;

	if (c == NULL || pipe(report) != 0) {
		snprintf(err, errsz, "cannot start %s: %s", argv[0], strerror(errno));
		free(c);
		return NULL;
	}
	fcntl(report[0], F_SETFD, FD_CLOEXEC);
	fcntl(report[1], F_SETFD, FD_CLOEXEC);
	c->pid = fork();
	if (c->pid == 0)
		exec_child(argv, log_path, workdir, parent, report[1]);
	close(report[1]);
	if (c->pid == -1) {
		snprintf(err, errsz, "cannot start %s: %s", argv[0], strerror(errno));
		close(report[0]);
		free(c);
		return NULL;
	}
	do
		got = read(report[0], &child_errno, sizeof child_errno);
	while (got == -1 && errno == EINTR);
	close(report[0]);
	if (got > 0) {
		snprintf(err, errsz, "cannot run %s: %s", argv[0], strerror(child_errno));
		waitpid(c->pid, NULL, 0);
		free(c);
		return NULL;
	}
	return c;
}

bool plat_child_exited(struct plat_child *c, int *status)
{
	int raw;

	if (!c->reaped && waitpid(c->pid, &raw, WNOHANG) == c->pid) {
		c->reaped = true;
		c->status = decode_status(raw);
	}
	if (c->reaped && status != NULL)
		*status = c->status;
	return c->reaped;
}

void plat_child_terminate(struct plat_child *c)
{
	if (!c->reaped)
		kill(c->pid, SIGTERM);
}

void plat_child_kill(struct plat_child *c)
{
	if (!c->reaped)
		kill(c->pid, SIGKILL);
}

void plat_child_free(struct plat_child *c)
{
	if (c == NULL)
		return;
	/* Never leave it behind: whoever frees a live child ends it. */
	if (!plat_child_exited(c, NULL)) {
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	free(c);
}

long plat_child_pid(const struct plat_child *c)
{
	return (long)c->pid;
}

void plat_describe_exit(int status, char *out, size_t outsz)
{
	static const struct {
		int sig;
		const char *name;
	} names[] = {
		{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
		{SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
		{SIGSEGV, "SIGSEGV"}, {SIGPIPE, "SIGPIPE"}, {SIGTERM, "SIGTERM"}, {SIGUSR1, "SIGUSR1"},
		{SIGUSR2, "SIGUSR2"},
	};

	if (status <= 128 || status >= 128 + 65) {
		snprintf(out, outsz, "exited with status %d", status);
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == status - 128) {
			snprintf(out, outsz, "was killed by %s", names[i].name);
			return;
		}
	snprintf(out, outsz, "was killed by signal %d", status - 128);
}

/* There is no interactive service here (service.c says so). */
struct plat_child *plat_service_spawn(const char *const *args, const char *workdir,
                                      const char *stdin_data, char *err, size_t errsz)
{
	(void)args;
	(void)workdir;
	(void)stdin_data;
	plat_service_check(err, errsz);
	return NULL;
}

void plat_child_exit_note(struct plat_child *c, char *out, size_t outsz)
{
	(void)c;
	if (outsz > 0)
		out[0] = '\0';
}
