/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: one instance per config through a record lock on a file in the state directory.  The
 * kernel drops the lock when the process dies, so a crashed ovpn-token never blocks the next.
 * The file is left in place: removing it would let a second process lock a file nobody else
 * can find any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

struct plat_lock {
	int fd;
};

static long read_owner(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	/* The kernel knows the owner; the file's content could be stale. */
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		return (long)fl.l_pid;
	return 0;
}

struct plat_lock *plat_lock_take(const char *name, long *owner, char *err, size_t errsz)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char dir[400], path[512], pid[32], why[400];
	struct plat_lock *l;
	int fd, n;

	*owner = 0;
	if (posix_state_dir(dir, sizeof dir, err, errsz) != 0)
		return NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/%s.lock", dir, name) >= sizeof path) {
		snprintf(err, errsz, "the lock file's path is too long");
		return NULL;
	}
	fd = posix_open_safe(path, O_RDWR | O_CREAT, 0600, why, sizeof why);
	if (fd == -1) {
		snprintf(err, errsz, "cannot open %s: %s", path, why);
		return NULL;
	}
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int e = errno;

		if (e == EACCES || e == EAGAIN) {
			*owner = read_owner(fd);
			snprintf(err, errsz, "locked by another process (%s)", path);
		} else {
			snprintf(err, errsz, "cannot lock %s: %s", path, strerror(e));
		}
		close(fd);
		return NULL;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n) {
		/* Only informative: the lock itself is what counts. */
	}
	l = malloc(sizeof *l);
	if (l == NULL) {
		close(fd);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	l->fd = fd;
	return l;
}

void plat_lock_release(struct plat_lock *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l);
}
