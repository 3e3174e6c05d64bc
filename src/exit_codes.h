/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The exit codes are part of the interface: scripts test them.  Keep README.md, the man page and --help in step. */
#ifndef OVPN_TOKEN_EXIT_CODES_H
#define OVPN_TOKEN_EXIT_CODES_H

enum exit_code {
	EXIT_OK = 0,               /* done; also after a stop asked for with Ctrl-C or SIGTERM */
	EXIT_INTERNAL = 1,         /* an error of ours or of the system (out of memory, ...) */
	EXIT_USAGE = 2,            /* bad command line, unreadable config or option file */
	EXIT_OPENVPN_FAILED = 3,   /* openvpn could not start, ended on its own, or reported FATAL */
	EXIT_MGMT_FAILED = 4,      /* management connection refused, lost, or the peer misbehaved */
	EXIT_CANCELLED = 5,        /* the user cancelled a prompt */
	EXIT_PIN_REJECTED = 6,     /* the token refused the PIN and no other PIN could be asked */
	EXIT_NO_CERTIFICATE = 7,   /* no certificate could be chosen (none, or --cert not unique) */
	EXIT_MGMT_PASSWORD = 8,    /* the management password was refused */
	EXIT_NEEDS_INPUT = 9,      /* --batch, and OpenVPN asks for something no source can give */
	EXIT_TOKEN_LOCKED = 10,    /* the token is locked, or (--batch) one wrong PIN from locking */
	EXIT_CHECK_FAILED = 11,    /* doctor: at least one check failed */
	EXIT_PROVIDER = 12,        /* the PKCS#11 provider is missing or is not a PKCS#11 module */
	EXIT_ALREADY_RUNNING = 13, /* start, serve: another ovpn-token already runs this config */
	EXIT_AUTH_REFUSED = 14,    /* the server refused the login (AUTH_FAILED); not tried again */
	EXIT_SETUP = 15,           /* start: no safe state folder or instance lock; a retry fails too */
	EXIT_NOT_SERVED = 16,      /* connect, disconnect, status NAME: serve does not run it (yet) */
	EXIT_IN_USE = 17,          /* connect: another user holds the tunnel */
	EXIT_NOT_PERMITTED = 18,   /* not in the tunnel's group, not your connection, serve not root */
	EXIT_TOKEN_CANNOT = 19,    /* enroll: the token cannot generate that key or store it */
};

#endif
