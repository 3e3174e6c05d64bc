/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the POSIX platform files share among themselves. */
#ifndef OVPN_TOKEN_POSIX_INTERNAL_H
#define OVPN_TOKEN_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read end of the self-pipe the signal handlers write to, and emptying it. */
int posix_wake_fd(void);
void posix_drain_wake(void);
bool posix_interrupt_pending(void);
/* Whether a child's end wakes plat_wait() (our SIGCHLD handler is there), and taking that news. */
bool posix_child_wakes(void);
bool posix_take_child_event(void);
/* The descriptor a notice is read from, for poll(); -1 for none. */
struct plat_notice;
int posix_notice_fd(const struct plat_notice *n);
/* The descriptor behind a connection, for poll(). */
struct plat_sock;
int posix_sock_fd(const struct plat_sock *s);
/* A connection around a descriptor (an accepted one); NULL when out of memory. */
struct plat_sock *posix_sock_from_fd(int fd);
/* The descriptor of serve's listener, for poll(). */
struct plat_listener;
int posix_listener_fd(const struct plat_listener *l);

/* The state folder (see plat_default_log_path), created private if needed.  -1 with err. */
int posix_state_dir(char *out, size_t outsz, char *err, size_t errsz);

/* ---- files we write (fs.c) ---- */

/*
 * Opens path (flags: the access and O_CREAT/O_APPEND as wanted) in a safe folder, never through
 * a link at its last component, and only as a plain file of ours with one name, which then has
 * mode (a new one is created with it; an existing one is set to it).  A character device
 * (/dev/null) is taken as it is.  The descriptor, or -1 with err (a reason, not the path).
 */
int posix_open_safe(const char *path, int flags, mode_t mode, char *err, size_t errsz);

#endif
