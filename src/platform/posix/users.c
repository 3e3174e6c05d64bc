/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POSIX: what a tunnel root serves to the users of a group rests on: users and groups, a folder
 * and files only root writes and only the group reads, record locks the kernel drops when their
 * owner dies, and who is at the other end of a unix socket.
 */
#define _GNU_SOURCE /* struct ucred, getgrouplist */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "platform/platform.h"
#include "platform/posix/internal.h"

/* Room for getpwuid_r()/getgrgid_r()'s strings: a group may list many members. */
#define NSS_BUF 65536
#define MAX_GROUPS 1024

int plat_served_check(char *why, size_t whysz)
{
#ifdef SO_PEERCRED
	(void)why;
	(void)whysz;
	return 0;
#else
	snprintf(why, whysz, "this system cannot tell who serves a unix socket (no SO_PEERCRED), "
	         "so a user could not be sure root serves the tunnel");
	return -1;
#endif
}

long plat_user_id(void)
{
	return (long)getuid();
}

void plat_user_name(long uid, char *out, size_t outsz)
{
	struct passwd pw, *found = NULL;
	char *buf = malloc(NSS_BUF);

	if (buf != NULL && getpwuid_r((uid_t)uid, &pw, buf, NSS_BUF, &found) == 0 && found != NULL)
		snprintf(out, outsz, "%s", pw.pw_name);
	else
		snprintf(out, outsz, "uid %ld", uid);
	free(buf);
}

long plat_group_id(const char *name)
{
	struct group gr, *found = NULL;
	char *buf = malloc(NSS_BUF);
	long gid = -1;

	if (buf != NULL && getgrnam_r(name, &gr, buf, NSS_BUF, &found) == 0 && found != NULL)
		gid = (long)gr.gr_gid;
	free(buf);
	return gid;
}

void plat_group_name(long gid, char *out, size_t outsz)
{
	struct group gr, *found = NULL;
	char *buf = malloc(NSS_BUF);

	if (buf != NULL && getgrgid_r((gid_t)gid, &gr, buf, NSS_BUF, &found) == 0 && found != NULL)
		snprintf(out, outsz, "%s", gr.gr_name);
	else
		snprintf(out, outsz, "gid %ld", gid);
	free(buf);
}

static bool process_has_group(gid_t gid)
{
	gid_t groups[MAX_GROUPS];
	int n = getgroups(MAX_GROUPS, groups);

	if (getegid() == gid || getgid() == gid)
		return true;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* What the group database says now, through NSS (files, LDAP, sssd alike). */
static bool database_lists_us(gid_t gid)
{
	struct passwd pw, *found = NULL;
	char *buf = malloc(NSS_BUF);
	gid_t groups[MAX_GROUPS];
	int n = MAX_GROUPS;
	bool listed = false;

	if (buf != NULL && getpwuid_r(getuid(), &pw, buf, NSS_BUF, &found) == 0 && found != NULL &&
	    getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) >= 0)
		for (int i = 0; i < n && !listed; i++)
			listed = groups[i] == gid;
	free(buf);
	return listed;
}

enum plat_membership plat_group_membership(long gid)
{
	if (process_has_group((gid_t)gid))
		return PLAT_IN_GROUP;
	return database_lists_us((gid_t)gid) ? PLAT_IN_GROUP_LATER : PLAT_NOT_IN_GROUP;
}

int plat_file_facts(const char *path, struct plat_file_facts *f, char *err, size_t errsz)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	f->uid = (long)st.st_uid;
	f->gid = (long)st.st_gid;
	f->mode = (int)(st.st_mode & 07777);
	f->is_dir = S_ISDIR(st.st_mode);
	f->is_socket = S_ISSOCK(st.st_mode);
	f->is_link = S_ISLNK(st.st_mode);
	return 0;
}

bool plat_may_write(const char *path)
{
	return access(path, W_OK) == 0;
}

int plat_make_shared_dir(const char *path, int mode, long gid, char *err, size_t errsz)
{
	struct stat st;
	int fd;

	if (mkdir(path, (mode_t)mode) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	/* O_NOFOLLOW: a link put there leads elsewhere; its own target is never changed. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errsz, "%s is not a folder (%s): remove it", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
		snprintf(err, errsz, "%s belongs to uid %ld, not to root: remove it", path,
		         (long)st.st_uid);
		close(fd);
		return -1;
	}
	if (fchown(fd, (uid_t)-1, (gid_t)gid) != 0 || fchmod(fd, (mode_t)mode) != 0) {
		snprintf(err, errsz, "cannot give %s to its group: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int plat_write_shared_file(const char *path, const void *data, size_t n, int mode, long gid,
                           char *err, size_t errsz)
{
	char tmp[600];
	ssize_t put;
	int fd;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* Its group and mode before its content and its name: never readable by others. */
	put = fchown(fd, (uid_t)-1, (gid_t)gid) == 0 && fchmod(fd, (mode_t)mode) == 0
	          ? write(fd, data, n)
	          : -1;
	if (close(fd) != 0 || put != (ssize_t)n || rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int plat_share_socket(const char *path, long gid, char *err, size_t errsz)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "%s is not a socket", path);
		return -1;
	}
	if (st.st_gid == (gid_t)gid && (st.st_mode & 07777) == 0660)
		return 0;
	/* Only root writes in its folder: the socket checked above is the one changed here. */
	if (fchownat(AT_FDCWD, path, (uid_t)-1, (gid_t)gid, AT_SYMLINK_NOFOLLOW) != 0 ||
	    chmod(path, 0660) != 0) {
		snprintf(err, errsz, "cannot give %s to its group: %s", path, strerror(errno));
		return -1;
	}
	return 1;
}

int plat_list_dir(const char *path, void (*each)(void *arg, const char *name), void *arg,
                  char *err, size_t errsz)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			each(arg, e->d_name);
	closedir(d);
	return 0;
}

/* ---- record locks ---- */

struct plat_file_lock {
	int fd;
};

/* The kernel knows the owner (a POSIX record lock has its pid); a file's content may lie. */
static long lock_owner(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		return fl.l_pid > 0 ? (long)fl.l_pid : 0;
	return 0;
}

struct plat_file_lock *plat_file_lock_take(const char *path, bool create, long *owner, char *err,
                                      size_t errsz)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	struct plat_file_lock *h;
	int fd;

	*owner = 0;
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		int e = errno;

		if (e == EACCES || e == EAGAIN) {
			*owner = lock_owner(fd);
			snprintf(err, errsz, "%s is locked by another process", path);
		} else {
			snprintf(err, errsz, "cannot lock %s: %s", path, strerror(e));
		}
		close(fd);
		return NULL;
	}
	h = malloc(sizeof *h);
	if (h == NULL) {
		snprintf(err, errsz, "out of memory");
		close(fd);
		return NULL;
	}
	h->fd = fd;
	return h;
}

int plat_file_lock_write(struct plat_file_lock *h, const void *data, size_t n)
{
	ssize_t put = pwrite(h->fd, data, n, 0);

	return put == (ssize_t)n && ftruncate(h->fd, (off_t)n) == 0 ? 0 : -1;
}

void plat_file_lock_release(struct plat_file_lock *h)
{
	if (h == NULL)
		return;
	/* Closing drops the lock (every POSIX lock of ours on the file: this is the only one). */
	close(h->fd);
	free(h);
}

long plat_file_lock_owner(const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	long pid;

	if (fd == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	pid = lock_owner(fd);
	close(fd);
	return pid;
}

/* ---- processes ---- */

long plat_process_id(void)
{
	return (long)getpid();
}

long plat_process_uid(long pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "Uid:", 4) == 0) {
			uid = strtol(line + 4, NULL, 10);
			break;
		}
	fclose(f);
	return uid;
}

int plat_process_terminate(long pid, char *err, size_t errsz)
{
	if (pid <= 0) {
		snprintf(err, errsz, "no such process (%ld)", pid);
		return -1;
	}
	if (kill((pid_t)pid, SIGTERM) == 0)
		return 0;
	if (errno == ESRCH)
		snprintf(err, errsz, "process %ld has ended already", pid);
	else if (errno == EPERM)
		snprintf(err, errsz, "process %ld is not yours to end", pid);
	else
		snprintf(err, errsz, "cannot signal process %ld: %s", pid, strerror(errno));
	return -1;
}

#ifdef SO_PEERCRED
int plat_sock_check_root_peer(struct plat_sock *s, long pid, char *err, size_t errsz)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	char who[64];

	if (getsockopt(posix_sock_fd(s), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(err, errsz, "cannot tell who serves the management socket (%s)",
		         strerror(errno));
		return -1;
	}
	if (cred.uid != 0) {
		plat_user_name((long)cred.uid, who, sizeof who);
		snprintf(err, errsz, "the management socket is served by %s (process %ld), not by root",
		         who, (long)cred.pid);
		return -1;
	}
	if (pid > 0 && cred.pid != (pid_t)pid) {
		snprintf(err, errsz, "the management socket is served by process %ld, not by the "
		         "openvpn that serve started (%ld)", (long)cred.pid, pid);
		return -1;
	}
	return 0;
}
#else
int plat_sock_check_root_peer(struct plat_sock *s, long pid, char *err, size_t errsz)
{
	(void)s;
	(void)pid;
	plat_served_check(err, errsz);
	return -1;
}
#endif

void plat_local_time_text(long long epoch, char *out, size_t outsz)
{
	time_t when = (time_t)epoch, now = time(NULL);
	struct tm w, n;

	if (localtime_r(&when, &w) == NULL || localtime_r(&now, &n) == NULL) {
		snprintf(out, outsz, "?");
		return;
	}
	if (w.tm_year == n.tm_year && w.tm_yday == n.tm_yday)
		strftime(out, outsz, "%H:%M", &w);
	else
		strftime(out, outsz, "%Y-%m-%d %H:%M", &w);
}
