/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the POSIX platform files share among themselves. */
#ifndef OVPN_TOKEN_POSIX_INTERNAL_H
#define OVPN_TOKEN_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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

/* The per-user state directory (~/.local/state/ovpn-token), created if needed.  -1 if none. */
int posix_state_dir(char *out, size_t outsz);

#endif
