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

/* The per-user state directory (~/.local/state/ovpn-token), created if needed.  -1 if none. */
int posix_state_dir(char *out, size_t outsz);

#endif
