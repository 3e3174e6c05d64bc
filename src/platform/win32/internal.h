/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the Win32 platform files share among themselves.
 *
 * Text convention: everything above platform.h is UTF-8.  The Win32 files turn it into UTF-16 at
 * the system boundary and call only the W functions, so names with non-ASCII characters (a user
 * profile "C:\Users\Jürgen", a token label, a PIN) work whatever the console's ANSI code page is.
 */
#ifndef OVPN_TOKEN_WIN32_INTERNAL_H
#define OVPN_TOKEN_WIN32_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <winsock2.h>
#include <windows.h>

struct plat_sock;
struct plat_child;

/* ---- interrupts (sys.c) ---- */

/* Manual-reset event the console control handler sets; plat_take_interrupt() resets it. */
HANDLE win32_wake_event(void);
bool win32_interrupt_pending(void);

/* ---- the management connection (net.c) ---- */

SOCKET win32_sock_handle(const struct plat_sock *s);
/* Event signalled on FD_READ / FD_CLOSE for s (WSAEventSelect); NULL for s == NULL. */
HANDLE win32_sock_event(const struct plat_sock *s);
/* After win32_sock_event fired: true when the peer has closed or the connection broke. */
bool win32_sock_peer_gone(struct plat_sock *s);
/* Whether a read of s would return at once (bytes, or the peer gone): events are edge-triggered. */
bool win32_sock_readable_now(struct plat_sock *s);

/* ---- the one wait (wait.c), the person (tty.c), the child (proc.c) ---- */

/* Standard input: a console (input records), a pipe (not waitable: its fill level is polled). */
HANDLE win32_std_in(void);
bool win32_is_console(HANDLE h);
/* Whether a pipe (or file) on standard input has a byte, or its end, to read now. */
bool win32_input_ready(HANDLE in);
/* The event behind a notice, to wait on; NULL for none. */
struct plat_notice;
HANDLE win32_notice_event(const struct plat_notice *n);
/* The process handle to wait on; NULL when there is none (a service's openvpn): then poll. */
HANDLE win32_child_handle(const struct plat_child *c);

/* ---- who serves a TCP management port (peer.c) ---- */

enum win32_tcp_row { WIN32_TCP_NO_TABLE, WIN32_TCP_NOT_LISTED, WIN32_TCP_LISTED };
/*
 * The verdict on the peer of a connection to the openvpn we started (expected_pid), from what
 * the system's TCP table says about the peer's endpoint: found, and its owner (table_rc: the
 * system's error when the table could not be read).  Ours when it is that process (or the
 * system records no owners); unknown when the table cannot be read or does not list it.
 */
enum plat_peer win32_judge_tcp_peer(enum win32_tcp_row found, DWORD owner, DWORD table_rc,
                                    long expected_pid, char *err, size_t errsz);

/* ---- text and paths (text.c) ---- */

/* UTF-8 -> newly allocated UTF-16 (free()).  NULL for invalid UTF-8 or out of memory. */
wchar_t *win32_widen(const char *utf8);
/*
 * UTF-16 (len units, or -1: up to the NUL) -> UTF-8 in out.  -1 when it does not fit or is not
 * valid UTF-16 (a lone surrogate: refused, never changed into U+FFFD).
 */
int win32_narrow(const wchar_t *w, int len, char *out, size_t outsz);
/* UTF-16 -> newly allocated UTF-8 (free()).  NULL for invalid UTF-16 or out of memory. */
char *win32_narrow_alloc(const wchar_t *w);
/* A Win32 error code as one line of text (no trailing period or line end). */
void win32_error_text(DWORD code, char *buf, size_t bufsz);
/* An environment variable as UTF-8; -1 when unset or too long. */
int win32_getenv(const wchar_t *name, char *out, size_t outsz);
bool win32_file_exists(const char *path);
bool win32_dir_exists(const char *path);
/* Creates path and its missing parents (with the default, inherited ACL). */
int win32_make_dirs(const char *path);
/*
 * The command line CreateProcess needs for argv, quoted so that the child's C runtime
 * (CommandLineToArgvW rules) gets exactly argv back.  NULL when out of memory.
 */
wchar_t *win32_build_cmdline(const char *const *argv);
/* Searches %PATH% for name (".exe" added when it has no extension).  -1 when not found. */
int win32_search_path(const char *name, char *out, size_t outsz);

/*
 * %LOCALAPPDATA%\ovpn-token\<sub> (created, the folder itself with the owner-only ACL; sub ""
 * for the folder itself): per-user state.
 */
int win32_app_dir(const char *sub, char *out, size_t outsz);

/* ---- files we write (fs.c) ---- */

/*
 * Opens path (access, share and disposition as CreateFileW's) never through a reparse point,
 * only as a plain file with one name whose owner is the user (or SYSTEM, Administrators); a
 * new one gets the owner-only ACL, an existing one is given it.  A device (NUL) is taken as it
 * is.  The handle, or INVALID_HANDLE_VALUE with why (a reason, not the path; when the open
 * itself failed, GetLastError() says why too).
 */
HANDLE win32_open_safe(const char *path, DWORD access, DWORD share, DWORD disposition, char *why,
                       size_t whysz);

/* ---- security (acl.c) ---- */

/* The current user's SID as text ("S-1-5-21-..."); LocalFree() it.  NULL on failure. */
wchar_t *win32_user_sid_string(void);

/*
 * A security descriptor whose DACL (protected: nothing inherited) grants full access to the
 * current user and SYSTEM only, inheritable to what a directory will hold.  LocalFree() it.
 */
PSECURITY_DESCRIPTOR win32_owner_only_sd(void);
/*
 * Whether sd keeps a file private to user: its owner is user, SYSTEM or Administrators, and its
 * DACL lets no one else read it or change who may (WRITE_DAC, WRITE_OWNER).  Deny entries and
 * inherit-only ones are passed over; an allowing entry of another kind counts against it.
 * 0; -1 (another owner) or -2 (the DACL lets others in) with why.
 */
int win32_sd_is_private(PSECURITY_DESCRIPTOR sd, PSID user, char *why, size_t whysz);
/* The same for the file open at h (opened with READ_CONTROL), for the current user. */
int win32_handle_is_private(HANDLE h, char *why, size_t whysz);
/* Gives the file open at h (with WRITE_DAC) the owner-only DACL.  -1 on failure. */
int win32_make_private(HANDLE h);

/* ---- openvpn started by the interactive service (service.c; proc.c calls it, never back) ---- */

struct win32_service_run;
/* CreateFileW's flags for the service pipe: overlapped; impersonation at most, no delegation. */
DWORD win32_service_pipe_flags(void);
/*
 * Has the service start openvpn (plat_service_spawn, proc.c, makes the child of it): the run is
 * our pipe to the service, *process its openvpn (NULL when we may not open it), *pid its id.
 * NULL with err: our reason or the service's own error text.
 */
struct win32_service_run *win32_service_run_start(const char *const *args, const char *workdir,
                                                  const char *stdin_data, HANDLE *process,
                                                  DWORD *pid, char *err, size_t errsz);
/* True once the service has closed the pipe (openvpn ended); waits up to timeout_ms. */
bool win32_service_run_ended(struct win32_service_run *r, int timeout_ms);
/* openvpn's exit code as the service reported it (0 when it reported none). */
DWORD win32_service_run_exit_code(const struct win32_service_run *r);
/* Sets openvpn's --service exit event: it exits as after SIGTERM. */
void win32_service_run_ask_exit(struct win32_service_run *r);
/* The service's error reply after openvpn ended, "" when none. */
void win32_service_run_note(const struct win32_service_run *r, char *out, size_t outsz);
void win32_service_run_free(struct win32_service_run *r);

#endif
