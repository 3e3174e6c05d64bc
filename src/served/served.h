/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A tunnel root serves to the users of a group (serve, connect, disconnect, status, doctor):
 * its folder SERVED_BASE/NAME, the files in it and their text (doc/serve.md).  No I/O here: the
 * commands read and write the files.
 *
 *   /run/ovpn-token/            0755 root:root
 *   /run/ovpn-token/.serve/     0700 root:root   serve's own, no one else's
 *     NAME.lock                 0600             serve's instance lock (never removed)
 *     NAME.sock                 socket           openvpn's management interface: serve's alone
 *     NAME.conf                 0600             the config without its pkcs11-* lines
 *   /run/ovpn-token/NAME/       0750 root:GROUP  only the group (and root) may enter
 *     management.sock           0660 root:GROUP  serve's broker: the members connect here
 *     serve                     0640 root:GROUP  what serve says: config=, provider=, ...
 *     holder                    0640 root:GROUP  who holds the tunnel and its state (serve's word)
 */
#ifndef OVPN_TOKEN_SERVED_H
#define OVPN_TOKEN_SERVED_H

#include <stdbool.h>
#include <stddef.h>

#define SERVED_BASE "/run/ovpn-token"
#define SERVED_PRIVATE SERVED_BASE "/.serve"
/*
 * The unattended unit ovpn-token@NAME's folders (its RuntimeDirectory): NAME/status is its
 * --status-file.  Apart from the served tunnels', so that the two never share a folder.
 */
#define SERVED_UNITS SERVED_BASE "/.start"
/* In a run folder of `ovpn-token start`: name=, config=, pid=, then the status text. */
#define SERVED_RUN_FILE "tunnel"
/* The group whose members may connect, unless serve --group names another. */
#define SERVED_GROUP "ovpn-token"
/*
 * A tunnel's name, its NUL included: SERVED_BASE/NAME/management.sock must fit a unix socket's
 * 108 bytes (its NUL included), so at most 75 characters.
 */
#define SERVED_NAME_MAX 76
#define SERVED_PATH_MAX (sizeof SERVED_PRIVATE + SERVED_NAME_MAX + 24)
/* The largest serve or holder file there is. */
#define SERVED_FILE_MAX 4096

/* Letters, digits, '.', '_', '-' and '@'; not starting with '.' or '-'; short enough. */
bool served_name_ok(const char *name);
/* That rule in words, for a refusal. */
const char *served_name_rule(void);

struct served_paths {
	char dir[SERVED_PATH_MAX];
	char lock[SERVED_PATH_MAX];           /* in SERVED_PRIVATE */
	char openvpn_socket[SERVED_PATH_MAX]; /* in SERVED_PRIVATE */
	char socket[SERVED_PATH_MAX];         /* the members' */
	char serve[SERVED_PATH_MAX];
	char holder[SERVED_PATH_MAX];
	char config[SERVED_PATH_MAX];
};
/* The paths of the tunnel name (served_name_ok). */
void served_paths(const char *name, struct served_paths *p);

/* What serve knows of its openvpn (the serve file's state=). */
enum served_state {
	SERVED_STARTING,   /* openvpn started; its management interface is not up yet */
	SERVED_HOLD,       /* openvpn waits in its hold for a user */
	SERVED_RUNNING,    /* a user holds the tunnel (connect) */
	SERVED_RESTARTING, /* openvpn ended; started again after a pause */
	SERVED_STOPPED,    /* serve is stopping */
};
const char *served_state_name(enum served_state s);

/* The serve file. */
struct served_facts {
	const char *config;   /* the config serve was given (absolute) */
	const char *provider; /* the config's pkcs11-providers as openvpn would load it; "" none */
	const char *group;
	long pid;             /* serve's */
	long openvpn_pid;     /* 0 while none runs */
	const char *started;  /* when this openvpn started, ISO 8601 UTC */
	enum served_state state;
};
/* Its text; the length, or 0 when out is too small. */
size_t served_facts_text(const struct served_facts *f, char *out, size_t outsz);

/*
 * The holder file, serve's: who holds the tunnel (user=, uid=, pid=, since=: the kernel's word
 * for the connection serve took), then the tunnel's state as openvpn tells it (state=, time=,
 * tunnel_ip=, remote=: what --status-file gets).  The length, or
 * 0 when out is too small.
 */
size_t served_holder_text(const char *user, long uid, long pid, const char *since,
                          const char *status, char *out, size_t outsz);

/*
 * The value of key in text's "key=value" lines (the first such line) into out; false when no
 * line has it.  A file from others is read this way: nothing but the value is trusted,
 * and what is shown of it goes through the sanitizer.
 */
bool served_value(const char *text, const char *key, char *out, size_t outsz);
/* A number value of key; fallback when absent or not a number. */
long served_number(const char *text, const char *key, long fallback);
/* "2031-05-06T09:12:00Z" (utc_text's UTC_ISO8601) in seconds since 1970; -1 when not such. */
long long served_time_parse(const char *iso);

#endif
