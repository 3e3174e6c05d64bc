/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the POSIX platform files share among themselves. */
#ifndef OVPN_TOKEN_POSIX_INTERNAL_H
#define OVPN_TOKEN_POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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

/* The per-user state directory (~/.local/state/ovpn-token), created if needed.  -1 if none. */
int posix_state_dir(char *out, size_t outsz);

#endif
