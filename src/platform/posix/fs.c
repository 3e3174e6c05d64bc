/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX: files and directories — secret files, the private socket directory, openvpn's log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

long plat_read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t got = read(fd, buf + len, bufsz - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			close(fd);
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
				close(fd);
				plat_wipe(buf, bufsz);
				return -1;
			}
			break;
		}
	}
	close(fd);
	buf[len] = '\0';
	return (long)len;
}

static const char *runtime_base(void)
{
	const char *candidates[] = {getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"), "/tmp"};
	struct stat st;

	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		const char *dir = candidates[i];

		/* A unix socket path must fit in about 100 bytes. */
		if (dir != NULL && dir[0] == '/' && strlen(dir) < 64 && stat(dir, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			return dir;
	}
	return "/tmp";
}

int plat_make_private_dir(char *out, size_t outsz, char *err, size_t errsz)
{
	int n = snprintf(out, outsz, "%s/ovpn-token.XXXXXX", runtime_base());

	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "runtime directory path too long");
		return -1;
	}
	/* mkdtemp makes it 0700: no other user can reach the management socket inside. */
	if (mkdtemp(out) == NULL) {
		snprintf(err, errsz, "cannot create a private directory: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void plat_remove_private_dir(const char *dir, const char *leftover_file)
{
	char path[512];

	if (leftover_file != NULL &&
	    (size_t)snprintf(path, sizeof path, "%s/%s", dir, leftover_file) < sizeof path)
		unlink(path);
	rmdir(dir);
}

static int make_dirs(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int posix_state_dir(char *out, size_t outsz)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (state != NULL && state[0] == '/')
		n = snprintf(out, outsz, "%s/ovpn-token", state);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, outsz, "%s/.local/state/ovpn-token", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return make_dirs(out);
}

int plat_default_log_path(const char *config_name, char *out, size_t outsz)
{
	char dir[400];
	int n;

	if (posix_state_dir(dir, sizeof dir) != 0)
		return -1;
	n = snprintf(out, outsz, "%s/%s.log", dir, config_name);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
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

int plat_file_is_private(const char *path, char *err, size_t errsz)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errsz, "%s can be read by other users (mode %03o); chmod 600 it", path,
		         (unsigned)(st.st_mode & 0777));
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errsz, "%s belongs to another user", path);
		return -1;
	}
	return 0;
}

int plat_write_private_file(const char *path, const void *data, size_t n, char *err,
                            size_t errsz)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
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
	char tmp[600];
	int fd;
	ssize_t put;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	put = write(fd, data, n);
	if (close(fd) != 0 || put != (ssize_t)n || rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
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
