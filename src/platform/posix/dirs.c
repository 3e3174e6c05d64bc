/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: where our files live.  The state folder (instance locks, default logs), the folder for
 * logs, and the run folders that hold a management socket for as long as one ovpn-token lives.
 * Under systemd the unit's own folders ($STATE_DIRECTORY, $LOGS_DIRECTORY, $RUNTIME_DIRECTORY)
 * come first: a system service has no $HOME.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

#define RUN_PREFIX "ovpn-token."
/* Held locked by the run folder's maker while it lives; MARK_NEW until it is locked. */
#define MARK "owner.lock"
#define MARK_NEW "owner.lock.new"
/* A unix socket path must fit in about 100 bytes: the run folder's base must be short. */
#define RUN_BASE_MAX 64
/* A process makes one run folder at a time (two: the version probe during a start). */
#define HELD_MAX 4

/* The first folder of a systemd list ("a:b"), when it is an absolute path. */
static int systemd_dir(const char *name, char *out, size_t outsz)
{
	const char *v = getenv(name);
	size_t n;

	if (v == NULL || v[0] != '/')
		return -1;
	n = strcspn(v, ":");
	if (n >= outsz)
		return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
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

/* The home folder: $HOME, else the passwd entry (a system service has no $HOME). */
static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* Ours, and closed to others: one of ours that others may enter is made private. */
static int check_state_dir(const char *dir, char *err, size_t errsz)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	int rc = -1;

	if (fd == -1 || fstat(fd, &st) != 0)
		snprintf(err, errsz, "the state folder %s: %s", dir, strerror(errno));
	else if (st.st_uid != getuid())
		snprintf(err, errsz, "the state folder %s belongs to another user (uid %ld)", dir,
		         (long)st.st_uid);
	else if ((st.st_mode & 077) != 0 && fchmod(fd, st.st_mode & 07700) != 0)
		snprintf(err, errsz, "cannot make the state folder %s private: %s", dir,
		         strerror(errno));
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	return rc;
}

int posix_state_dir(char *out, size_t outsz, char *err, size_t errsz)
{
	const char *state = getenv("XDG_STATE_HOME"), *home;
	int n;

	if (systemd_dir("STATE_DIRECTORY", out, outsz) == 0)
		n = (int)strlen(out);
	else if (state != NULL && state[0] == '/')
		n = snprintf(out, outsz, "%s/ovpn-token", state);
	else if ((home = home_dir()) != NULL)
		n = snprintf(out, outsz, "%s/.local/state/ovpn-token", home);
	else {
		snprintf(err, errsz, "no state folder: none of STATE_DIRECTORY, XDG_STATE_HOME and "
		         "HOME is set, and user %ld has no home folder", (long)getuid());
		return -1;
	}
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "the state folder's path is too long");
		return -1;
	}
	if (make_dirs(out) != 0) {
		snprintf(err, errsz, "cannot create the state folder %s: %s", out, strerror(errno));
		return -1;
	}
	return check_state_dir(out, err, errsz);
}

int plat_state_file_path(const char *file, char *out, size_t outsz, char *err, size_t errsz)
{
	char dir[400];
	int n;

	if (posix_state_dir(dir, sizeof dir, err, errsz) != 0)
		return -1;
	n = snprintf(out, outsz, "%s/%s", dir, file);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "the path of %s in the state folder is too long", file);
		return -1;
	}
	return 0;
}

int plat_default_log_path(const char *name, char *out, size_t outsz, char *err, size_t errsz)
{
	char dir[400];
	int n;

	if (systemd_dir("LOGS_DIRECTORY", dir, sizeof dir) != 0 &&
	    posix_state_dir(dir, sizeof dir, err, errsz) != 0)
		return -1;
	n = snprintf(out, outsz, "%s/%s.log", dir, name);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "the log file's path is too long");
		return -1;
	}
	return 0;
}

/* ---- run folders ---- */

struct held_dir {
	bool used;
	int mark;          /* the locked mark's descriptor */
	dev_t dev;
	ino_t ino;
	char path[RUN_BASE_MAX + 32];
};
static struct held_dir held[HELD_MAX];

/* Where run folders may be, best first; returns how many (at most 4). */
static size_t run_bases(const char *out[4], char systemd[RUN_BASE_MAX])
{
	const char *candidates[] = {systemd_dir("RUNTIME_DIRECTORY", systemd, RUN_BASE_MAX) == 0
	                                ? systemd
	                                : NULL,
	                            getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"), "/tmp"};
	struct stat st;
	size_t n = 0;

	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		const char *dir = candidates[i];

		if (dir != NULL && dir[0] == '/' && strlen(dir) < RUN_BASE_MAX && stat(dir, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			out[n++] = dir;
	}
	return n;
}

static struct held_dir *held_by_us(const struct stat *st)
{
	for (size_t i = 0; i < HELD_MAX; i++)
		if (held[i].used && held[i].dev == st->st_dev && held[i].ino == st->st_ino)
			return &held[i];
	return NULL;
}

/*
 * The mark says "my maker lives": a file the maker holds a write lock on, which the kernel drops
 * when the maker dies, however it dies.  It gets its name only once locked, so a scan never
 * finds it unlocked while its maker lives.
 */
static int put_mark(int dfd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int fd = openat(dfd, MARK_NEW, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd == -1)
		return -1;
	if (fcntl(fd, F_SETLK, &fl) != 0 || dprintf(fd, "%ld\n", (long)getpid()) < 0 ||
	    renameat(dfd, MARK_NEW, dfd, MARK) != 0) {
		close(fd);
		unlinkat(dfd, MARK_NEW, 0);
		return -1;
	}
	return fd;
}

int plat_make_private_dir(char *out, size_t outsz, char *err, size_t errsz)
{
	const char *bases[4];
	char systemd[RUN_BASE_MAX];
	struct held_dir *slot = NULL;
	struct stat st;
	int n, dfd;

	for (size_t i = 0; i < HELD_MAX && slot == NULL; i++)
		if (!held[i].used)
			slot = &held[i];
	if (slot == NULL) {
		snprintf(err, errsz, "too many run folders at once");
		return -1;
	}
	plat_remove_stale_run_dirs(NULL, NULL);
	n = snprintf(out, outsz, "%s/" RUN_PREFIX "XXXXXX",
	             run_bases(bases, systemd) > 0 ? bases[0] : "/tmp");
	if (n < 0 || (size_t)n >= outsz || (size_t)n >= sizeof slot->path) {
		snprintf(err, errsz, "runtime directory path too long");
		return -1;
	}
	/* mkdtemp makes it 0700: no other user can reach the management socket inside. */
	if (mkdtemp(out) == NULL) {
		snprintf(err, errsz, "cannot create a private directory: %s", strerror(errno));
		return -1;
	}
	dfd = open(out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1 || fstat(dfd, &st) != 0 || (slot->mark = put_mark(dfd)) == -1) {
		snprintf(err, errsz, "cannot mark the private directory %s: %s", out, strerror(errno));
		if (dfd != -1)
			close(dfd);
		rmdir(out);
		return -1;
	}
	close(dfd);
	slot->used = true;
	slot->dev = st.st_dev;
	slot->ino = st.st_ino;
	snprintf(slot->path, sizeof slot->path, "%s", out);
	return 0;
}

void plat_remove_private_dir(const char *dir, const char *leftover_file)
{
	char path[512];

	if (leftover_file != NULL &&
	    (size_t)snprintf(path, sizeof path, "%s/%s", dir, leftover_file) < sizeof path)
		unlink(path);
	for (size_t i = 0; i < HELD_MAX; i++) {
		if (!held[i].used || strcmp(held[i].path, dir) != 0)
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/" MARK, dir) < sizeof path)
			unlink(path);
		close(held[i].mark);
		held[i].used = false;
	}
	rmdir(dir);
}

/* Removes what dfd's folder holds: a run folder has only files and a socket. */
static void empty_dir(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd != -1 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (d == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dfd, e->d_name, 0);
	closedir(d);
}

/* The run folder name in the folder bfd (path: its whole path), when its maker is gone. */
static void remove_if_stale(int bfd, const char *name, const char *path,
                            void (*stale)(const char *dir, void *arg), void *arg)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int dfd = openat(bfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), mark;
	struct stat st;

	if (dfd == -1)
		return;
	/*
	 * Our own folders are skipped before their mark is opened: closing any descriptor of a
	 * file drops this process's lock on it.
	 */
	if (fstat(dfd, &st) != 0 || st.st_uid != getuid() || held_by_us(&st) != NULL) {
		close(dfd);
		return;
	}
	/* No mark: an older ovpn-token's, which may still live; left alone. */
	mark = openat(dfd, MARK, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (mark != -1 && fcntl(mark, F_SETLK, &fl) == 0) {
		if (stale != NULL)
			stale(path, arg);
		empty_dir(dfd);
		unlinkat(bfd, name, AT_REMOVEDIR);
	}
	if (mark != -1)
		close(mark);
	close(dfd);
}

/*
 * Each run folder of ours in the run folders' bases (RUN_PREFIX and six characters), handed to
 * visit with the base's descriptor, its name and its path.
 */
static void each_run_dir(void (*visit)(int bfd, const char *name, const char *path, void *ctx),
                         void *ctx)
{
	const char *bases[4];
	char systemd[RUN_BASE_MAX], path[RUN_BASE_MAX + 32];
	size_t n = run_bases(bases, systemd);

	for (size_t i = 0; i < n; i++) {
		int bfd = open(bases[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;
		DIR *d;
		struct dirent *e;

		if (bfd == -1)
			continue;
		fd = dup(bfd);
		d = fd != -1 ? fdopendir(fd) : NULL;
		if (d == NULL && fd != -1)
			close(fd);
		while (d != NULL && (e = readdir(d)) != NULL) {
			if (strncmp(e->d_name, RUN_PREFIX, strlen(RUN_PREFIX)) != 0 ||
			    strlen(e->d_name) != strlen(RUN_PREFIX) + 6 ||
			    (size_t)snprintf(path, sizeof path, "%s/%s", bases[i], e->d_name) >= sizeof path)
				continue;
			visit(bfd, e->d_name, path, ctx);
		}
		if (d != NULL)
			closedir(d);
		close(bfd);
	}
}

struct run_dir_visit {
	void (*stale)(const char *dir, void *arg);
	void (*each)(const char *dir, long pid, void *arg);
	void *arg;
};

static void visit_stale(int bfd, const char *name, const char *path, void *ctx)
{
	struct run_dir_visit *v = ctx;

	remove_if_stale(bfd, name, path, v->stale, v->arg);
}

void plat_remove_stale_run_dirs(void (*stale)(const char *dir, void *arg), void *arg)
{
	struct run_dir_visit v = {.stale = stale, .arg = arg};

	each_run_dir(visit_stale, &v);
}

/* One run folder: ours (the user's), and its maker alive by its mark's lock. */
static void list_if_live(int bfd, const char *name, const char *path,
                         void (*each)(const char *dir, long pid, void *arg), void *arg)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	int dfd = openat(bfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), mark;
	struct stat st;

	if (dfd == -1)
		return;
	/* Our own process's folders are never looked into: closing the mark would drop its lock. */
	if (fstat(dfd, &st) != 0 || st.st_uid != getuid() || held_by_us(&st) != NULL) {
		close(dfd);
		return;
	}
	mark = openat(dfd, MARK, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (mark != -1 && fcntl(mark, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		each(path, (long)fl.l_pid, arg);
	if (mark != -1)
		close(mark);
	close(dfd);
}

static void visit_live(int bfd, const char *name, const char *path, void *ctx)
{
	struct run_dir_visit *v = ctx;

	list_if_live(bfd, name, path, v->each, v->arg);
}

void plat_list_run_dirs(void (*each)(const char *dir, long pid, void *arg), void *arg)
{
	struct run_dir_visit v = {.each = each, .arg = arg};

	each_run_dir(visit_live, &v);
}
