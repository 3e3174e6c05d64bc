/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A served tunnel as the person running connect, disconnect, status or doctor can see it: is
 * it there, may they use it, does serve run, who holds it.  Only root writes the files: serve
 * says who holds the tunnel (the connection it took), and a process that is gone holds nothing.
 */
#ifndef OVPN_TOKEN_CMD_SERVED_VIEW_H
#define OVPN_TOKEN_CMD_SERVED_VIEW_H

#include <stdbool.h>

#include "platform/platform.h"
#include "served/served.h"

struct served_view {
	char name[SERVED_NAME_MAX];
	struct served_paths paths;
	bool exists;                      /* its folder is there */
	char group[64];                   /* the folder's group: who may use it */
	long gid;
	bool root;
	enum plat_membership membership;  /* ours in that group (root: PLAT_IN_GROUP) */
	long serve_pid;                   /* serve's, by its file; 0 when it does not run */
	bool readable;                    /* the serve file could be read */
	char serve_text[SERVED_FILE_MAX];
	char state[16];                   /* serve's state=, "" when unknown */
	long openvpn_pid;
	char provider[1024];              /* the config's pkcs11-providers, "" none */
	long holder_pid;                  /* the connect that holds it, 0 nobody */
	char holder_text[SERVED_FILE_MAX];
	char holder_user[64];             /* by the uid serve saw */
	char holder_since[32];            /* local time, "" unknown */
};

/* Looks at the tunnel name (served_name_ok() already).  Never fails: v says what it saw. */
void served_view_load(const char *name, struct served_view *v);
/*
 * Whether the person may use the tunnel now (connect, disconnect): EXIT_OK, or the exit code
 * after saying why not and what to do (not served, not in the group, starting).
 */
int served_view_refusal(const struct served_view *v);
/* Whether the person is kept out of the tunnel's folder (not root, not in its group). */
bool served_view_outsider(const struct served_view *v);
/*
 * What a person refused the held tunnel must know beyond who holds it: when the holder's token
 * is out (its state=TOKEN_REMOVED), that the tunnel is down and who can free it; "" otherwise.
 */
void served_view_holder_note(const struct served_view *v, char *out, size_t outsz);

#endif
