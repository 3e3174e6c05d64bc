/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one interface between ovpn-token's logic and the operating system.  posix/ and win32/
 * implement it side by side in files of the same names; nothing above this header knows which
 * one it runs on.
 */
#ifndef OVPN_TOKEN_PLATFORM_H
#define OVPN_TOKEN_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- process-wide setup ---------------------------------------------------------------- */

/* No core dumps, no ptrace by other processes of the user: a PIN may be in memory. */
void plat_harden_process(void);
/* Ctrl-C, SIGTERM (and console close on Windows) set a flag and wake plat_wait(); a child's
 * end wakes it too. */
int plat_signals_install(void);
/* True once an interrupt arrived since the last call; clears it. */
bool plat_take_interrupt(void);

/* ---- memory for secrets ------------------------------------------------------------------ */

/* Page-backed, locked against swap and left out of core dumps where the system allows. */
void *plat_secure_alloc(size_t n);
void plat_secure_free(void *p, size_t n);
/* A wipe the compiler may not drop. */
void plat_wipe(void *p, size_t n);

/* ---- management connection --------------------------------------------------------------- */

struct plat_sock;
/* TCP host + port, or (host == NULL) a unix socket path in port. NULL and err filled on failure. */
struct plat_sock *plat_connect(const char *host, const char *port, char *err, size_t errsz);
/* >0 bytes, 0 on orderly close, -1 on error (err filled). */
long plat_sock_read(struct plat_sock *s, void *buf, size_t n, char *err, size_t errsz);
int plat_sock_write_all(struct plat_sock *s, const void *buf, size_t n);
/*
 * Whether the openvpn of this platform reads its management socket again while it writes to it
 * in the middle of a command (openvpn.exe does; see mgmt/conn.c): replies must then wait for it.
 */
bool plat_openvpn_rereads_mid_command(void);
void plat_sock_close(struct plat_sock *s);
/* Who serves a socket we reached: a verdict, with err filled unless it is ours. */
enum plat_peer {
	PLAT_PEER_OURS,    /* that process (or our user, where the system cannot tell the process) */
	PLAT_PEER_FOREIGN, /* someone else */
	PLAT_PEER_UNKNOWN, /* the system cannot say right now: ask again later */
};
/* For a socket we made for our own child (expected_pid), or any of our user's (-1). */
enum plat_peer plat_sock_check_peer(struct plat_sock *s, long expected_pid, char *err,
                                    size_t errsz);
/* Whether start can put the management interface on a unix socket (else: TCP + password). */
bool plat_has_unix_sockets(void);
/* A TCP port on 127.0.0.1 that is free right now, as text. */
int plat_free_local_port(char *port, size_t portsz);
/* Cryptographically random bytes. */
int plat_random_bytes(void *buf, size_t n);

/* ---- the one wait ------------------------------------------------------------------------ */

enum plat_wait_result {
	PLAT_WAIT_READY = 1,     /* *ready says which of the set's sources */
	PLAT_WAIT_TIMEOUT = 2,
	PLAT_WAIT_INTERRUPT = 3, /* Ctrl-C, SIGTERM, a closed console: take it with plat_take_interrupt() */
	PLAT_WAIT_ERROR = 4,
};

/* The sources plat_wait() reports in *ready. */
enum {
	PLAT_READY_PEER = 1u << 0,   /* bytes from the peer, or (peer_hangup_only) its going away */
	PLAT_READY_PERSON = 1u << 1, /* the person typed (or standard input ended): plat_prompt_feed() */
	PLAT_READY_CHILD = 1u << 2,  /* the child may have ended: plat_child_exited() tells */
	PLAT_READY_NOTICE = 1u << 3, /* another thread posted news (plat_notice_post) */
	PLAT_READY_LISTENER = 1u << 4, /* someone knocks at the listener: plat_accept() */
	PLAT_READY_MEMBER = 1u << 5,   /* bytes from the second connection, or its going away */
};

struct plat_child;
struct plat_notice;
struct plat_listener;
/* What one wait waits for; every member may be left out (NULL, false, -1). */
struct plat_wait_set {
	struct plat_sock *peer;
	bool peer_hangup_only;       /* its bytes cannot be taken now: only its going away counts */
	bool person;                 /* a key from the person, for the open question */
	struct plat_child *child;
	struct plat_notice *notice;
	struct plat_listener *listener; /* serve's members' socket (POSIX only) */
	struct plat_sock *member;       /* serve's connection from a member (POSIX only) */
	long long deadline_ms;       /* on the plat_now_ms() clock; -1: none */
};
/*
 * The one wait every loop uses: until one of set's sources is ready, an interrupt (returned
 * at once, before and after sleeping) or the deadline (one already past returns TIMEOUT at
 * once, unless a source is ready).
 */
enum plat_wait_result plat_wait(const struct plat_wait_set *set, unsigned *ready);

/* ---- a helper thread: for what can only be waited for by blocking (PC/SC events) -------- */

/*
 * A wake-up another thread gives the one wait (a pipe; Windows: an event).  post is safe from
 * any thread; take (the waiting thread) clears it and says whether it was posted.
 */
struct plat_notice *plat_notice_new(void);
void plat_notice_post(struct plat_notice *n);
bool plat_notice_take(struct plat_notice *n);
void plat_notice_free(struct plat_notice *n);

struct plat_thread;
/* Runs fn(arg) on a thread of its own; NULL when none can be started. */
struct plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg);
/* Waits up to ms for it to end (the caller asked fn to return): true, and freed, when it did. */
bool plat_thread_join_within(struct plat_thread *t, int ms);

/* ---- asking the person: one question at a time, fed by the one wait --------------------- */

enum plat_read_result {
	PLAT_READ_OK,
	PLAT_READ_MORE,      /* no whole line yet: feed again when the person types */
	PLAT_READ_EOF,       /* end of input (Ctrl-D, closed stdin) */
	PLAT_READ_INTERRUPT, /* Ctrl-C */
	PLAT_READ_PEER_GONE, /* the management connection closed meanwhile */
	PLAT_READ_TOO_LONG,
	PLAT_READ_ERROR,
	PLAT_READ_SETTLED,   /* the question was answered another way (the token arrived) */
};

/*
 * Shows prompt; the answer is collected into buf (bufsz, NUL-terminated, no line end) as the
 * person types.  echo=false: no echo, and the bytes go straight from the terminal into buf (no
 * stdio or line-editor copies): use it for secrets.  echo=true: line editing where the
 * platform has it.  -1 when a question is open already.
 */
int plat_prompt_open(const char *prompt, bool echo, char *buf, size_t bufsz);
/* Takes what the person typed (after plat_wait's PLAT_READY_PERSON): PLAT_READ_MORE until done. */
enum plat_read_result plat_prompt_feed(void);
/* Ends the question, answered or not: the terminal as it was, the cursor on a fresh line. */
void plat_prompt_close(void);
/* True when the user can be asked (stdin is a terminal). */
bool plat_interactive(void);

/* ---- files -------------------------------------------------------------------------------- */

/* Reads a whole small file (secrets: into secure memory by the caller's buffer). -1 on error. */
long plat_read_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz);
/* A descriptor that carries a secret: openvpn and its scripts must not inherit it. */
void plat_keep_from_children(int fd);
void plat_close_fd(int fd);
/*
 * plat_read_file for a file whose content is trusted (a remembered choice): -2 with the reason
 * when it is not the user's own, is writable by others or is not a plain file (POSIX); Windows
 * reads it as plat_read_file (the state folder is in the user's profile, closed to others).
 */
long plat_read_own_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz);
/* Reads from an inherited descriptor (--pin-fd) until EOF or bufsz-1 bytes.  -1 on error. */
long plat_read_fd(int fd, char *buf, size_t bufsz, char *err, size_t errsz);
/*
 * 0 when only the user can read path (POSIX: the user's own, no group/other access; Windows: its
 * ACL grants reading to nobody but the user, SYSTEM and Administrators); -1 with the reason
 * otherwise.  An early check, before anything is sent: the read judges its file again.
 */
int plat_file_is_private(const char *path, char *err, size_t errsz);
/*
 * plat_read_file for a secret: the descriptor read is the one judged as by plat_file_is_private,
 * so a file swapped after a check is never read.  -1 with the reason (buf wiped).
 */
long plat_read_private_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz);
/* Writes a file only the user can read (a generated management password). */
int plat_write_private_file(const char *path, const void *data, size_t n, char *err,
                            size_t errsz);
/*
 * Replaces path's content in one step (readers never see half a file): a fresh temporary beside
 * it (never a name someone could have prepared), then renamed over path, which replaces a link
 * there rather than writing through it.  Mode 0644 whatever the umask (a status file, for
 * monitors).  Refused when others could swap files in path's folder.
 */
int plat_replace_file(const char *path, const void *data, size_t n, char *err, size_t errsz);
/*
 * Makes openvpn's log at path ready before openvpn starts, so that its own append finds a plain
 * private file: created 0600 (Windows: owner-only ACL) when missing, an existing one of ours
 * made private; refused when path is a link (or reparse point), a file of someone else's or with
 * other names (hard links), or in a folder where others could swap it.  A device (/dev/null) is
 * taken as it is.
 */
int plat_prepare_log(const char *path, char *err, size_t errsz);
/*
 * Creates a fresh run folder only the user can enter (POSIX: under $RUNTIME_DIRECTORY,
 * $XDG_RUNTIME_DIR, $TMPDIR or /tmp; Windows: %LOCALAPPDATA%\ovpn-token\run), marked as ours
 * for as long as this process lives.  Removes the stale ones first (plat_remove_stale_run_dirs
 * without a callback).
 */
int plat_make_private_dir(char *out, size_t outsz, char *err, size_t errsz);
void plat_remove_private_dir(const char *dir, const char *leftover_file);
/*
 * Removes the run folders whose ovpn-token is gone (killed, crashed), with what they hold (the
 * management socket or password file).  stale (may be NULL) is called with each one first, e.g.
 * to end an openvpn still serving the management socket in it.  Folders of live processes, of
 * other users, and (POSIX) of versions that did not mark them are left alone.
 */
void plat_remove_stale_run_dirs(void (*stale)(const char *dir, void *arg), void *arg);
/*
 * Calls each with every run folder of our user whose ovpn-token lives (its mark held), and
 * that process's pid: what `status` lists as the user's own tunnels.  POSIX only; Windows lists
 * none (status is not there).
 */
void plat_list_run_dirs(void (*each)(const char *dir, long pid, void *arg), void *arg);
/*
 * Default path for openvpn's log, NAME.log: in $LOGS_DIRECTORY (systemd's LogsDirectory=) when
 * set, else in the state folder (the instance locks' too), created private if missing: POSIX
 * $STATE_DIRECTORY (systemd's StateDirectory=), else $XDG_STATE_HOME/ovpn-token, else
 * ~/.local/state/ovpn-token ($HOME, or the passwd entry without one); Windows
 * %LOCALAPPDATA%\ovpn-token.  -1 with err when there is none, or (POSIX) it is someone else's
 * or others may write in it (one of ours open to others is made private).
 */
int plat_default_log_path(const char *name, char *out, size_t outsz, char *err, size_t errsz);
/*
 * The path of file in the state folder (see plat_default_log_path), the folder made and checked
 * as for the locks.  -1 with err when there is none or it is unsafe.
 */
int plat_state_file_path(const char *file, char *out, size_t outsz, char *err, size_t errsz);
/* The last bufsz-1 bytes of a file (all of a smaller one), NUL-terminated.  -1 on error. */
long plat_read_file_tail(const char *path, char *buf, size_t bufsz);
/*
 * The last component of path (a pointer into it; "" when path ends in a separator).  The
 * separators are this system's: '/' on POSIX; '\\' and '/' on Windows, where a drive prefix
 * ("C:") is skipped too.  path itself when it has no directory part.
 */
const char *plat_path_base(const char *path);

/* ---- paths -------------------------------------------------------------------------------- */

/* path made absolute against our working directory (the file need not exist).  -1 if too long. */
int plat_absolute_path(const char *path, char *out, size_t outsz);
/*
 * The one name of an existing file: absolute, every link (and on Windows junction, 8.3 short
 * name, letter case) resolved, so every way of naming a file gives the same text.  -1 if it
 * does not exist or the result does not fit.
 */
int plat_canonical_path(const char *path, char *out, size_t outsz);
/* The directory part of path ("." when it has none). */
void plat_path_dir(const char *path, char *out, size_t outsz);
/* path as seen from dir: itself when absolute, else dir + separator + path.  -1 if too long. */
int plat_path_join(const char *dir, const char *path, char *out, size_t outsz);
/*
 * The file this system's loader opens for the module name (a PKCS#11 provider) when the
 * process loading it runs in dir: a name with a directory part is taken from dir; a bare
 * name is left to the loader's own search (POSIX: the library path, never the working
 * directory), except on Windows, where the loader of a process running in dir also finds it
 * there.  -1 if too long.
 */
int plat_module_path(const char *dir, const char *name, char *out, size_t outsz);

/* ---- one instance per config ---------------------------------------------------------------- */

struct plat_lock;
/*
 * Takes the lock called name (a file in the state folder, see plat_default_log_path, never
 * opened through a link) for as long as this process lives or until released; the system drops it when the process dies,
 * however it dies.  NULL when another process holds it (*owner: its pid, 0 if unknown; err
 * says so) or on error.
 */
struct plat_lock *plat_lock_take(const char *name, long *owner, char *err, size_t errsz);
void plat_lock_release(struct plat_lock *l);

/* ---- finding things ----------------------------------------------------------------------- */

/* The openvpn program when --openvpn is not given (PATH; on Windows also the registry). */
int plat_find_openvpn(char *out, size_t outsz);
/*
 * A config named on the command line: a path that exists is used as it is; a bare name
 * ("office") is looked up where OpenVPN keeps configs on this system.  -1 when not found.
 */
int plat_resolve_config(const char *name, char *out, size_t outsz);
/* Where the PKCS#11 provider usually is (OpenSC, then p11-kit's proxy): NULL-terminated. */
const char *const *plat_default_pkcs11_providers(void);
/*
 * Whether path is a loadable PKCS#11 module (it exports C_GetFunctionList), without
 * initializing it: no token is touched.  -1 with the loader's reason in err.
 */
int plat_check_pkcs11_module(const char *path, char *err, size_t errsz);
/*
 * Makes the PKCS#11 module at path loadable by libp11 for the rest of the process.  Windows
 * looks for a DLL's own dependencies beside the exe, not beside the DLL, so a provider that
 * ships its DLLs in its folder (softhsm2.dll, OpenSC's) loads only when loaded first with its
 * folder searched; elsewhere nothing to do.  Failure is left to the real load to report.
 */
void plat_preload_pkcs11_module(const char *path);
/*
 * A PKCS#11 module loaded for calls of our own (enroll's key generation: libp11 has no
 * C_GenerateKeyPair for EC keys, no mechanism list): the module stays loaded until
 * plat_module_close (which forgets the handle; the library itself stays loaded for the process).
 * NULL with the loader's reason in err.
 */
struct plat_module;
struct plat_module *plat_module_open(const char *path, char *err, size_t errsz);
/* The address of an exported function (C_GetFunctionList), NULL if there is none. */
void *plat_module_symbol(struct plat_module *m, const char *name);
void plat_module_close(struct plat_module *m);
/*
 * The C_GetFunctionList of the PKCS#11 module at path, loaded for the rest of the process (the
 * same instance libp11 gets by the same path): the module owner (pkcs11/module.c) reads the
 * slots and tokens through it.  NULL with the loader's reason in err.
 */
void *plat_pkcs11_entry(const char *path, char *err, size_t errsz);
/* How the user starts this system's smartcard service, for a hint. */
const char *plat_pcsc_service_hint(void);

/* ---- the openvpn child -------------------------------------------------------------------- */

/*
 * Starts argv[0] (searched in PATH if it has no '/') in the directory workdir (NULL: ours), with
 * stdout+stderr appended to log_path (NULL: where ours go, e.g. the journal of a service).  The
 * child ends when we end, however we end (Linux: a
 * parent-death signal; Windows: a kill-on-close job).
 */
struct plat_child *plat_spawn(const char *const *argv, const char *log_path, const char *workdir,
                              char *err, size_t errsz);
/* Non-blocking: true when the child has ended; *status gets its exit status (128+N on signal N). */
bool plat_child_exited(struct plat_child *c, int *status);
/* Asks it to end (SIGTERM; Windows: Ctrl-Break, or the service's exit event); wait for it. */
void plat_child_terminate(struct plat_child *c);
/* Ends it now (SIGKILL, TerminateProcess); wait for it. */
void plat_child_kill(struct plat_child *c);
/* Frees c; a child still running is killed first, never left behind. */
void plat_child_free(struct plat_child *c);
/* How a child ended, from its status: "exited with status 1", "was killed by SIGKILL". */
void plat_describe_exit(int status, char *out, size_t outsz);
long plat_child_pid(const struct plat_child *c);
/* A monotonic clock in milliseconds, for deadlines. */
long long plat_now_ms(void);
/* The earlier of two deadlines on the plat_now_ms() clock, where -1 (any negative) is none. */
static inline long long plat_earlier_deadline(long long a, long long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* ---- tunnels served to the users of a group (serve, connect, status; users.c) ------------- */

/*
 * 0 where root may serve a tunnel to the users of a group (a folder only they may enter, record
 * locks, unix sockets whose peer can be told); -1 with why not (Windows: OpenVPN's
 * interactive service is the way there).
 */
int plat_served_check(char *why, size_t whysz);

/* Who we run as (the real user), and a user's or group's name ("uid 1234" when it has none). */
long plat_user_id(void);
void plat_user_name(long uid, char *out, size_t outsz);
/* A group's id by its name; -1 when there is no such group. */
long plat_group_id(const char *name);
void plat_group_name(long gid, char *out, size_t outsz);

enum plat_membership {
	PLAT_IN_GROUP,       /* this process has the group */
	PLAT_IN_GROUP_LATER, /* the group lists us, but this login began before: log in again */
	PLAT_NOT_IN_GROUP,
};
enum plat_membership plat_group_membership(long gid);

/* What a path is (the path itself, never where a link leads). */
struct plat_file_facts {
	long uid, gid;
	int mode;     /* the permission bits */
	bool is_dir, is_socket, is_link;
};
/* -1 with err (ENOENT's words for a path that is not there). */
int plat_file_facts(const char *path, struct plat_file_facts *f, char *err, size_t errsz);
/* Whether this process may write to path (connect to a socket there): the kernel's own test. */
bool plat_may_write(const char *path);

/*
 * Makes the folder path (its parent must exist) or takes over the one there, which must be a
 * folder of root's and not a link; it then has mode and group gid.  Root only.  -1 with err.
 */
int plat_make_shared_dir(const char *path, int mode, long gid, char *err, size_t errsz);
/* Replaces path's content in one step with data, owned by root and group gid, mode. */
int plat_write_shared_file(const char *path, const void *data, size_t n, int mode, long gid,
                           char *err, size_t errsz);
/*
 * The socket at path made root's and group gid's with mode 0660: 1 changed now, 0 already so,
 * -1 when it is not there (yet) or is no socket (err says which).
 */
int plat_share_socket(const char *path, long gid, char *err, size_t errsz);
/*
 * A unix socket at path (what was there is removed first: its folder is root's), listening,
 * made root's and group gid's with mode 0660.  NULL with err.
 */
struct plat_listener *plat_listen_shared(const char *path, long gid, char *err, size_t errsz);
/*
 * The next connection at the listener (after plat_wait's PLAT_READY_LISTENER), non-blocking
 * (a write that would wait fails instead), with the user and process that made it, as the
 * kernel says.  NULL when none waits or on error (err).
 */
struct plat_sock *plat_accept(struct plat_listener *l, long *uid, long *pid, char *err,
                              size_t errsz);
/* Stops listening and removes the socket's file. */
void plat_listener_close(struct plat_listener *l);
/* Calls each with the name of every entry of the folder path but "." and "..".  -1 with err. */
int plat_list_dir(const char *path, void (*each)(void *arg, const char *name), void *arg,
                  char *err, size_t errsz);

/*
 * A record lock on a file, held while this process lives (the kernel drops it however we end)
 * or until released.  NULL when another process holds it (*owner: its pid, else 0) or on error
 * (err).  create: made (0644) when missing.
 */
struct plat_file_lock;
struct plat_file_lock *plat_file_lock_take(const char *path, bool create, long *owner, char *err,
                                      size_t errsz);
/* Replaces the held file's content (in place: the lock is on the file, not its name). */
int plat_file_lock_write(struct plat_file_lock *h, const void *data, size_t n);
void plat_file_lock_release(struct plat_file_lock *h);
/* Who holds path's lock: its pid, 0 nobody, -1 cannot tell (err). */
long plat_file_lock_owner(const char *path, char *err, size_t errsz);

/* This process's id. */
long plat_process_id(void);
/* The user a running process runs as (its real uid); -1 when it is gone or cannot be told. */
long plat_process_uid(long pid);
/* Asks process pid to end (SIGTERM); -1 with err (gone, or not ours to end). */
int plat_process_terminate(long pid, char *err, size_t errsz);
/*
 * For a socket root serves to us: 0 when its peer runs as root and (pid > 0) is process pid;
 * -1 with err naming who it is otherwise.
 */
int plat_sock_check_root_peer(struct plat_sock *s, long pid, char *err, size_t errsz);
/* An epoch as the person reads it: local "09:12" when today, else "2031-05-06 09:12". */
void plat_local_time_text(long long epoch, char *out, size_t outsz);

/* ---- the desktop -------------------------------------------------------------------------- */

/*
 * Hands url (already checked: challenge_url_openable) to the desktop's opener without a shell
 * and without waiting for it: POSIX xdg-open with the URL as its one argument, only when
 * DISPLAY or WAYLAND_DISPLAY is set; Windows ShellExecuteW.  1: handed over; 0: no desktop
 * session here; -1: the opener could not be started (err filled).
 */
int plat_open_url(const char *url, char *err, size_t errsz);

/* ---- OpenVPN's interactive service (Windows only) ------------------------------------------ */

/*
 * 0 when OpenVPN's interactive service is installed and running here; -1 with the reason
 * otherwise (on POSIX: there is none).
 */
int plat_service_check(char *err, size_t errsz);
/* True when the user can create adapters and routes (Windows: an elevated administrator). */
bool plat_user_is_admin(void);
/*
 * Has the interactive service start openvpn with args (its options, without the program name)
 * in workdir, with stdin_data (the management password + "\n") on its standard input.  The
 * pipe's server must be the service's own process, else nothing is sent.  The result behaves as
 * plat_spawn's child (exited when the service reports openvpn's end).  NULL with err: our reason
 * or the service's own error text.
 */
struct plat_child *plat_service_spawn(const char *const *args, const char *workdir,
                                      const char *stdin_data, char *err, size_t errsz);
/* What the service said when openvpn ended (its error reply), "" when nothing. */
void plat_child_exit_note(struct plat_child *c, char *out, size_t outsz);

/* ---- shortcuts (Windows only) -------------------------------------------------------------- */

struct plat_shortcut {
	const char *title;      /* the link's name, without ".lnk" */
	const char *const *args; /* the arguments for ovpn-token (start NAME ...) */
	const char *description;
	bool start_menu;        /* also in the Start menu's Programs folder */
};
enum plat_shortcut_result {
	PLAT_SHORTCUT_MADE,
	PLAT_SHORTCUT_FAILED,      /* err says why */
	PLAT_SHORTCUT_UNSUPPORTED, /* no shortcuts on this system */
	PLAT_SHORTCUT_UNFIT,       /* the title or an argument cannot go in unchanged (err: which) */
};
/*
 * Shell links on the Desktop (and the Start menu) that open a console running ovpn-token with
 * sc->args: through the ovpn-token.cmd launcher beside the program when it exists.  report is
 * called with each link made.
 */
enum plat_shortcut_result plat_shortcut_create(const struct plat_shortcut *sc,
                                               void (*report)(const char *path), char *err,
                                               size_t errsz);

#endif
