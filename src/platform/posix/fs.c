/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: files — secrets read from files and descriptors, and the files we write (openvpn's
 * log, the status file, locks) opened so that no other user can redirect them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

/* Reads fd (path: for messages) to its end into buf; -1 with err, buf wiped. */
static long read_all(int fd, const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	size_t len = 0;

	for (;;) {
		ssize_t got = read(fd, buf + len, bufsz - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			plat_wipe(buf, bufsz);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len == bufsz - 1) {
			char extra;

			if (read(fd, &extra, 1) > 0) {
				snprintf(err, errsz, "%s: too large", path);
				plat_wipe(buf, bufsz);
				return -1;
			}
			break;
		}
	}
	buf[len] = '\0';
	return (long)len;
}

long plat_read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long len;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	len = read_all(fd, path, buf, bufsz, err, errsz);
	close(fd);
	return len;
}

long plat_read_own_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	long len = -2;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return errno == ELOOP ? -2 : -1;
	}
	/* Judged and read through one descriptor: what was judged is what is read. */
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		len = -1;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s is not a plain file", path);
	} else if (st.st_uid != getuid()) {
		snprintf(err, errsz, "%s belongs to another user", path);
	} else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, errsz, "others may write to %s (mode %03o)", path,
		         (unsigned)(st.st_mode & 0777));
	} else {
		len = read_all(fd, path, buf, bufsz, err, errsz);
	}
	close(fd);
	return len;
}

/* Whether st (of path) is a private file of ours; -1 with the reason if not. */
static int judge_private(const struct stat *st, const char *path, char *err, size_t errsz)
{
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errsz, "%s can be read by other users (mode %03o); chmod 600 it", path,
		         (unsigned)(st->st_mode & 0777));
		return -1;
	}
	if (st->st_uid != getuid()) {
		snprintf(err, errsz, "%s belongs to another user", path);
		return -1;
	}
	return 0;
}

/*
 * By the path: opening a FIFO (--pin-file <(...)) only to look would hang, or break its writer
 * when closed.  plat_read_private_file judges what it reads once more.
 */
int plat_file_is_private(const char *path, char *err, size_t errsz)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	return judge_private(&st, path, err, errsz);
}

long plat_read_private_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	long len = -1;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Judged and read through one descriptor: what was judged is what is read. */
	if (fstat(fd, &st) != 0)
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
	else if (judge_private(&st, path, err, errsz) == 0)
		len = read_all(fd, path, buf, bufsz, err, errsz);
	if (len < 0)
		plat_wipe(buf, bufsz);
	close(fd);
	return len;
}

/*
 * Whether files of ours in the folder open at dirfd (named dir, for err) are safe from other
 * users: the folder is ours or root's, and others cannot write in it unless it is sticky (/tmp,
 * where they cannot rename or remove what is ours).  -1 with err naming the folder.
 */
static int folder_is_safe(int dirfd, const char *dir, char *err, size_t errsz)
{
	struct stat st;

	if (fstat(dirfd, &st) != 0) {
		snprintf(err, errsz, "its folder %s: %s", dir, strerror(errno));
		return -1;
	}
	if (st.st_uid != getuid() && st.st_uid != 0) {
		snprintf(err, errsz, "its folder %s belongs to another user (uid %ld)", dir,
		         (long)st.st_uid);
		return -1;
	}
	/* In a sticky folder (/tmp) others cannot rename or remove what is ours. */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
		snprintf(err, errsz, "other users can write in its folder %s (mode %03o)", dir,
		         (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

/*
 * Opens the folder of path (its directory part into dir, its last component in *base) once
 * folder_is_safe says so.  The descriptor, or -1 with err (a reason, not the path).
 */
static int open_dir_of(const char *path, char *dir, size_t dirsz, const char **base, char *err,
                       size_t errsz)
{
	int dfd;

	*base = plat_path_base(path);
	if (strlen(path) >= dirsz || (*base)[0] == '\0' || strcmp(*base, ".") == 0 ||
	    strcmp(*base, "..") == 0) {
		snprintf(err, errsz, "not a file name");
		return -1;
	}
	plat_path_dir(path, dir, dirsz);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		snprintf(err, errsz, "%s", strerror(errno));
		return -1;
	}
	if (folder_is_safe(dfd, dir, err, errsz) != 0) {
		close(dfd);
		return -1;
	}
	return dfd;
}

/* Whether fd is a plain file of ours with one name, in the mode we want; -1 with err if not. */
static int check_opened(int fd, mode_t mode, char *err, size_t errsz)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s", strerror(errno));
		return -1;
	}
	if (S_ISCHR(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "it is not a plain file");
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errsz, "it belongs to another user (uid %ld)", (long)st.st_uid);
		return -1;
	}
	/* A second name is a way for someone else to make us write into their target. */
	if (st.st_nlink != 1) {
		snprintf(err, errsz, "it has other names (hard links); refusing to write to it");
		return -1;
	}
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) != 0) {
		snprintf(err, errsz, "cannot make it private: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int posix_open_safe(const char *path, int flags, mode_t mode, char *err, size_t errsz)
{
	char dir[4096];
	const char *base;
	int dfd = open_dir_of(path, dir, sizeof dir, &base, err, errsz), fd;

	if (dfd == -1)
		return -1;
	fd = openat(dfd, base, flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd == -1) {
		/* (FreeBSD says EMLINK for a link under O_NOFOLLOW.) */
		if (errno == ELOOP || errno == EMLINK)
			snprintf(err, errsz, "it is a symbolic link; refusing to write through it");
		else
			snprintf(err, errsz, "%s", strerror(errno));
	} else if (check_opened(fd, mode, err, errsz) != 0) {
		close(fd);
		fd = -1;
	}
	close(dfd);
	return fd;
}

int plat_prepare_log(const char *path, char *err, size_t errsz)
{
	int fd = posix_open_safe(path, O_WRONLY | O_APPEND | O_CREAT, 0600, err, errsz);

	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

long plat_read_file_tail(const char *path, char *buf, size_t bufsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	off_t from;
	ssize_t got;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	from = st.st_size > (off_t)(bufsz - 1) ? st.st_size - (off_t)(bufsz - 1) : 0;
	got = pread(fd, buf, bufsz - 1, from);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	return (long)got;
}

long plat_read_fd(int fd, char *buf, size_t bufsz, char *err, size_t errsz)
{
	size_t len = 0;

	while (len < bufsz - 1) {
		ssize_t got = read(fd, buf + len, bufsz - 1 - len);

		/* A pipe that never delivers must not make Ctrl-C useless. */
		if (got < 0 && errno == EINTR && !posix_interrupt_pending())
			continue;
		if (got < 0) {
			snprintf(err, errsz, "descriptor %d: %s", fd, strerror(errno));
			plat_wipe(buf, bufsz);
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		/* One line is all a PIN source holds: do not wait for EOF after it. */
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	/* A full buffer without a line end: the secret is longer than we take; never cut it. */
	if (len == bufsz - 1 && memchr(buf, '\n', len) == NULL) {
		snprintf(err, errsz, "descriptor %d: too long", fd);
		plat_wipe(buf, bufsz);
		return -1;
	}
	buf[len] = '\0';
	return (long)len;
}

int plat_write_private_file(const char *path, const void *data, size_t n, char *err,
                            size_t errsz)
{
	/* O_EXCL: never into a file (or through a link) someone else prepared. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ssize_t put;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	put = write(fd, data, n);
	close(fd);
	if (put != (ssize_t)n) {
		snprintf(err, errsz, "%s: short write", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int plat_replace_file(const char *path, const void *data, size_t n, char *err, size_t errsz)
{
	char tmp[4096 + 8], dir[4096], why[300];
	const char *base;
	int dfd = open_dir_of(path, dir, sizeof dir, &base, why, sizeof why), fd;
	ssize_t put;

	if (dfd == -1) {
		snprintf(err, errsz, "%s: %s", path, why);
		return -1;
	}
	close(dfd);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	/* A new name of mkstemp's (O_EXCL): nothing planted there can be written through. */
	fd = mkstemp(tmp);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	plat_keep_from_children(fd);
	put = write(fd, data, n);
	/* rename replaces a link at path; it never writes through it. */
	if (fchmod(fd, 0644) != 0 || put != (ssize_t)n || close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, put != (ssize_t)n ? "short write" : strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void plat_keep_from_children(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags != -1)
		fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

void plat_close_fd(int fd)
{
	close(fd);
}

const char *plat_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}
