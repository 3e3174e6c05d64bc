/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the POSIX platform files share among themselves. */
#ifndef OVPN_TOKEN_POSIX_INTERNAL_H
#define OVPN_TOKEN_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read end of the self-pipe the interrupt handler writes to. */
int posix_wake_fd(void);
bool posix_interrupt_pending(void);
/* The descriptor behind a connection, for poll(). */
struct plat_sock;
int posix_sock_fd(const struct plat_sock *s);
/*
 * The one wait of the POSIX layer, behind plat_wait_until() and the prompts: until one of fds
 * (n of them, at most 4; the wake pipe is added here) is ready, an interrupt arrives, or
 * deadline_ms (plat_now_ms(); -1: none) passes.  PLAT_WAIT_READABLE leaves fds[].revents set.
 */
struct pollfd;
/* Reaping a child has no descriptor to wait on: plat_child_stop() looks in short sleeps. */
void posix_sleep_ms(int ms);
enum plat_wait_result posix_wait_until(struct pollfd *fds, unsigned n, long long deadline_ms);

/* The state folder (see plat_default_log_path), created private if needed.  -1 with err. */
int posix_state_dir(char *out, size_t outsz, char *err, size_t errsz);

/* ---- files we write (fs.c) ---- */

/*
 * Whether files of ours in the folder open at dirfd (named dir, for err) are safe from other
 * users: the folder is ours or root's, and others cannot write in it unless it is sticky (/tmp,
 * where they cannot rename or remove what is ours).  -1 with err naming the folder.
 */
int posix_folder_is_safe(int dirfd, const char *dir, char *err, size_t errsz);
/*
 * Opens the folder of path (its directory part into dir, its last component in *base) once
 * posix_folder_is_safe says so.  The descriptor, or -1 with err (a reason, not the path).
 */
int posix_open_dir_of(const char *path, char *dir, size_t dirsz, const char **base, char *err,
                      size_t errsz);
/*
 * Opens path (flags: the access and O_CREAT/O_APPEND as wanted) in a safe folder, never through
 * a link at its last component, and only as a plain file of ours with one name, which then has
 * mode (a new one is created with it; an existing one is set to it).  A character device
 * (/dev/null) is taken as it is.  The descriptor, or -1 with err (a reason, not the path).
 */
int posix_open_safe(const char *path, int flags, mode_t mode, char *err, size_t errsz);

#endif
