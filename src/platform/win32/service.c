/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: openvpn started by OpenVPN's interactive service, as OpenVPN GUI does it.
 *
 * A user who is not an administrator cannot create the tunnel adapter or routes; the service
 * (OpenVPNServiceInteractive, running as SYSTEM) starts openvpn.exe for them and does the
 * privileged work on its behalf.  We talk to it on \\.\pipe\openvpn\service in message mode:
 * one UTF-16 startup message "workdir\0options\0stdin\0", then replies of three lines,
 * "0x00000000\n0x<pid>\nProcess ID" or "0x<code>\n<function or text>\n<system message>".  The
 * service keeps the pipe open while openvpn runs, sends an error reply if openvpn exits with a
 * failure, and closes the pipe when openvpn has ended: that close is our "child exited".
 *
 * The management password travels as the message's stdin part, so anyone serving that pipe
 * would get it: the pipe's server process must be the service's own before anything is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#define SERVICE_NAME L"OpenVPNServiceInteractive"
#define SERVICE_PIPE L"\\\\.\\pipe\\openvpn\\service"
/* The service drops a client whose startup message takes longer than 2 s; be quick. */
#define PIPE_BUSY_WAIT_MS 2000
/* The service's limit for the whole startup message, in UTF-16 units. */
#define STARTUP_MAX_UNITS 4096
#define REPLY_WAIT_MS 30000
/* Codes of the service's own (interactive.c). */
#define ERROR_OPENVPN_STARTUP 0x20000000u
#define ERROR_STARTUP_DATA 0x20000001u

struct win32_service_run {
	HANDLE pipe;
	OVERLAPPED ov;
	bool pending;         /* a ReadFile is outstanding on ov */
	bool ended;           /* the service closed the pipe: openvpn is over */
	HANDLE exit_event;    /* openvpn's --service event: set means "exit now" */
	wchar_t buf[2048];
	char note[1024];      /* the service's error reply after openvpn ended */
	DWORD exit_code;      /* from "exit code = N" in that reply */
};

/* The service's process id; 0 with err when it is not installed or not running. */
static DWORD service_pid(char *err, size_t errsz)
{
	SERVICE_STATUS_PROCESS st;
	SC_HANDLE scm, svc;
	DWORD size = 0, pid = 0;
	char text[256];

	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (scm == NULL) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot ask the service manager about OpenVPN's interactive "
		         "service: %s", text);
		return 0;
	}
	svc = OpenServiceW(scm, SERVICE_NAME, SERVICE_QUERY_STATUS);
	if (svc == NULL) {
		DWORD e = GetLastError();

		CloseServiceHandle(scm);
		if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
			snprintf(err, errsz, "OpenVPN's interactive service (OpenVPNServiceInteractive) "
			         "is not installed");
		} else {
			win32_error_text(e, text, sizeof text);
			snprintf(err, errsz, "cannot query OpenVPN's interactive service: %s", text);
		}
		return 0;
	}
	if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof st, &size)) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot query OpenVPN's interactive service: %s", text);
	} else if (st.dwCurrentState != SERVICE_RUNNING || st.dwProcessId == 0) {
		snprintf(err, errsz, "OpenVPN's interactive service (OpenVPNServiceInteractive) is "
		         "not running (start it: net start OpenVPNServiceInteractive)");
	} else {
		pid = st.dwProcessId;
	}
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return pid;
}

int plat_service_check(char *err, size_t errsz)
{
	return service_pid(err, errsz) != 0 ? 0 : -1;
}

bool plat_user_is_admin(void)
{
	SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
	PSID admins = NULL;
	BOOL member = FALSE;

	/* With UAC a non-elevated administrator's token has the group for deny only: not counted. */
	if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
	                              DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins))
		return false;
	if (!CheckTokenMembership(NULL, admins, &member))
		member = FALSE;
	FreeSid(admins);
	return member != FALSE;
}

/* ---- the pipe ---- */

/*
 * How far the pipe's server may act as us: SECURITY_IMPERSONATION, stated, and no further (no
 * delegation to other machines, no tracking of later changes to our token).  Not the safer
 * SECURITY_IDENTIFICATION: the service must impersonate us, it duplicates our token into the
 * primary token openvpn runs with (interactive.c: DuplicateTokenEx, CreateProcessAsUserW), which
 * an identification-level token cannot become.  A squatter serving the pipe before
 * check_pipe_server refuses it gets no more than identification anyway unless it holds
 * SeImpersonatePrivilege (services, administrators), which would own this machine already.
 */
DWORD win32_service_pipe_flags(void)
{
	return FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IMPERSONATION;
}

static HANDLE open_service_pipe(char *err, size_t errsz)
{
	char text[256];

	for (int tries = 0; tries < 5; tries++) {
		HANDLE h = CreateFileW(SERVICE_PIPE, GENERIC_READ | GENERIC_WRITE, 0, NULL,
		                       OPEN_EXISTING, win32_service_pipe_flags(), NULL);
		DWORD e;

		if (h != INVALID_HANDLE_VALUE)
			return h;
		e = GetLastError();
		if (e == ERROR_FILE_NOT_FOUND && service_pid(text, sizeof text) == 0) {
			snprintf(err, errsz, "%s", text);
			return INVALID_HANDLE_VALUE;
		}
		if (e != ERROR_PIPE_BUSY) {
			win32_error_text(e, text, sizeof text);
			snprintf(err, errsz, "cannot open OpenVPN's interactive service pipe "
			         "\\\\.\\pipe\\openvpn\\service: %s", text);
			return INVALID_HANDLE_VALUE;
		}
		WaitNamedPipeW(SERVICE_PIPE, PIPE_BUSY_WAIT_MS);
	}
	snprintf(err, errsz, "OpenVPN's interactive service pipe stays busy");
	return INVALID_HANDLE_VALUE;
}

/*
 * Another program may have created a pipe of that name (before the service, or while it is
 * stopped) to collect what we send: the management password.  Refuse unless the process
 * serving our end of the pipe is the service.
 */
static int check_pipe_server(HANDLE pipe, DWORD pid, const char *why, char *err, size_t errsz)
{
	char text[256];
	ULONG server = 0;

	if (!GetNamedPipeServerProcessId(pipe, &server)) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot tell which process serves \\\\.\\pipe\\openvpn\\service "
		         "(%s); refusing to use it", text);
		return -1;
	}
	if (pid != 0 && server == pid)
		return 0;
	if (pid == 0)
		snprintf(err, errsz, "\\\\.\\pipe\\openvpn\\service is served by process %lu, but %s; "
		         "refusing to send anything to it", (unsigned long)server, why);
	else
		snprintf(err, errsz, "\\\\.\\pipe\\openvpn\\service is served by process %lu, not by "
		         "OpenVPN's interactive service (process %lu); refusing to send anything to it",
		         (unsigned long)server, (unsigned long)pid);
	return -1;
}

/*
 * One step of reading replies: 1 a message of *units UTF-16 units in r->buf, 0 nothing within
 * timeout_ms, -1 the pipe is closed or broken.
 */
static int pipe_read(struct win32_service_run *r, DWORD timeout_ms, DWORD *units)
{
	DWORD bytes = 0, e;

	if (!r->pending) {
		ResetEvent(r->ov.hEvent);
		if (!ReadFile(r->pipe, r->buf, sizeof r->buf - sizeof r->buf[0], NULL, &r->ov)) {
			e = GetLastError();
			if (e != ERROR_IO_PENDING && e != ERROR_MORE_DATA)
				return -1;
		}
		r->pending = true;
	}
	if (WaitForSingleObject(r->ov.hEvent, timeout_ms) != WAIT_OBJECT_0)
		return 0;
	r->pending = false;
	/* ERROR_MORE_DATA: a longer message than we keep; its first part is enough to show. */
	if (!GetOverlappedResult(r->pipe, &r->ov, &bytes, FALSE) &&
	    GetLastError() != ERROR_MORE_DATA)
		return -1;
	*units = bytes / sizeof r->buf[0];
	r->buf[*units] = L'\0';
	return 1;
}

struct reply {
	unsigned long code;
	char line2[512], line3[512];
};

/*
 * "0x<code>\n<line2>\n<line3>" -> parts; -1 when it does not look like a reply.  Error replies
 * come out of FormatMessage, which may turn each "\n" into "\r\n" (wine does).
 */
static int parse_reply(const wchar_t *w, DWORD units, struct reply *rep)
{
	char text[1100], *nl, *end;

	if (win32_narrow(w, (int)units, text, sizeof text) != 0)
		return -1;
	rep->code = strtoul(text, &end, 16);
	if (*end == '\r')
		end++;
	if (strncmp(text, "0x", 2) != 0 || *end != '\n')
		return -1;
	nl = strchr(end + 1, '\n');
	if (nl != NULL) {
		*nl = '\0';
		if (nl > end + 1 && nl[-1] == '\r')
			nl[-1] = '\0';
	}
	snprintf(rep->line2, sizeof rep->line2, "%s", end + 1);
	snprintf(rep->line3, sizeof rep->line3, "%s", nl != NULL ? nl + 1 : "");
	/* FormatMessage's system texts end in ".\r\n". */
	for (size_t n = strlen(rep->line3); n > 0 && strchr("\r\n .", rep->line3[n - 1]); n--)
		rep->line3[n - 1] = '\0';
	return 0;
}

/* HKLM\SOFTWARE\OpenVPN config_dir, for the hint after a refusal; "" when unknown. */
static void service_config_dir(char *out, size_t outsz)
{
	wchar_t data[MAX_PATH * 2];
	DWORD size = sizeof data - sizeof data[0];

	out[0] = '\0';
	if (RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\OpenVPN", L"config_dir",
	                 RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY, NULL, data, &size) != ERROR_SUCCESS ||
	    win32_narrow(data, -1, out, outsz) != 0)
		out[0] = '\0';
}

/* The service's error reply as the user should read it, with its own words first. */
static void describe_error(const struct reply *rep, char *out, size_t outsz)
{
	char dir[MAX_PATH * 3];

	if (rep->code == ERROR_STARTUP_DATA) {
		service_config_dir(dir, sizeof dir);
		snprintf(out, outsz, "OpenVPN's interactive service refused: %s%s%s%s", rep->line2,
		         dir[0] != '\0' ? " (without that, it accepts only configs under " : "", dir,
		         dir[0] != '\0' ? " and only a short list of options)" : "");
	} else if (rep->line3[0] != '\0') {
		snprintf(out, outsz, "OpenVPN's interactive service: %s: %s (error 0x%08lx)",
		         rep->line2, rep->line3, rep->code);
	} else {
		snprintf(out, outsz, "OpenVPN's interactive service: %s (error 0x%08lx)", rep->line2,
		         rep->code);
	}
}

/* ---- the startup message ---- */

/* workdir\0options\0stdin\0 as one UTF-16 buffer; NULL when too long for the service. */
static wchar_t *startup_message(const wchar_t *workdir, const wchar_t *options,
                                const char *stdin_data, DWORD *bytes)
{
	wchar_t *in = win32_widen(stdin_data), *msg;
	size_t a = wcslen(workdir) + 1, b = wcslen(options) + 1, c;

	if (in == NULL)
		return NULL;
	c = wcslen(in) + 1;
	msg = a + b + c <= STARTUP_MAX_UNITS ? malloc((a + b + c) * sizeof *msg) : NULL;
	if (msg != NULL) {
		memcpy(msg, workdir, a * sizeof *msg);
		memcpy(msg + a, options, b * sizeof *msg);
		memcpy(msg + a + b, in, c * sizeof *msg);
		*bytes = (DWORD)((a + b + c) * sizeof *msg);
	}
	SecureZeroMemory(in, c * sizeof *in);
	free(in);
	return msg;
}

static int send_message(struct win32_service_run *r, const wchar_t *msg, DWORD bytes,
                        char *err, size_t errsz)
{
	DWORD done = 0;
	char text[256];

	ResetEvent(r->ov.hEvent);
	if (!WriteFile(r->pipe, msg, bytes, NULL, &r->ov) && GetLastError() != ERROR_IO_PENDING) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot write to OpenVPN's interactive service: %s", text);
		return -1;
	}
	/*
	 * A write the service does not take within its own startup window is lost (it has
	 * given up on us); a cancelled write must not be waited for without end either.
	 */
	if (WaitForSingleObject(r->ov.hEvent, PIPE_BUSY_WAIT_MS) != WAIT_OBJECT_0) {
		CancelIo(r->pipe);
		WaitForSingleObject(r->ov.hEvent, PIPE_BUSY_WAIT_MS);
		snprintf(err, errsz, "OpenVPN's interactive service did not take our request");
		return -1;
	}
	if (!GetOverlappedResult(r->pipe, &r->ov, &done, FALSE) || done != bytes) {
		snprintf(err, errsz, "cannot write to OpenVPN's interactive service");
		return -1;
	}
	return 0;
}

/* The options: openvpn's, then "--service EVENT 0", OpenVPN GUI's way to ask it to exit. */
static wchar_t *service_options(const char *const *args, const char *event_name)
{
	const char *all[48];
	size_t n = 0;

	/* win32_build_cmdline writes argv[0] like the others: a placeholder we skip. */
	all[n++] = "openvpn";
	for (size_t i = 0; args[i] != NULL && n < sizeof all / sizeof all[0] - 4; i++)
		all[n++] = args[i];
	all[n++] = "--service";
	all[n++] = event_name;
	all[n++] = "0";
	all[n] = NULL;
	return win32_build_cmdline(all);
}

static void run_free(struct win32_service_run *r)
{
	if (r == NULL)
		return;
	if (r->pending)
		CancelIo(r->pipe);
	if (r->pipe != INVALID_HANDLE_VALUE)
		CloseHandle(r->pipe);
	if (r->ov.hEvent != NULL)
		CloseHandle(r->ov.hEvent);
	if (r->exit_event != NULL)
		CloseHandle(r->exit_event);
	free(r);
}

/* Waits for the first reply: openvpn's pid, or the service's reason for not starting it. */
static DWORD first_reply(struct win32_service_run *r, char *err, size_t errsz)
{
	struct reply rep;
	DWORD units = 0;
	int got = pipe_read(r, REPLY_WAIT_MS, &units);

	if (got == 0) {
		snprintf(err, errsz, "OpenVPN's interactive service did not answer");
		return 0;
	}
	if (got < 0) {
		snprintf(err, errsz, "OpenVPN's interactive service closed the pipe without an answer");
		return 0;
	}
	if (parse_reply(r->buf, units, &rep) != 0) {
		snprintf(err, errsz, "OpenVPN's interactive service sent an answer we cannot read");
		return 0;
	}
	if (rep.code != 0) {
		describe_error(&rep, err, errsz);
		return 0;
	}
	return (DWORD)strtoul(rep.line2, NULL, 16);
}

struct win32_service_run *win32_service_run_start(const char *const *args, const char *workdir,
                                                  const char *stdin_data, HANDLE *process,
                                                  DWORD *pid, char *err, size_t errsz)
{
	struct win32_service_run *r = calloc(1, sizeof *r);
	wchar_t event_w[96], *options = NULL, *wdir = NULL, *msg = NULL;
	char event_name[96], why[512] = "";
	unsigned char rnd[8];
	DWORD bytes = 0, svc_pid;
	int rc = -1;

	if (r == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	r->pipe = INVALID_HANDLE_VALUE;
	r->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
	/* A name nobody can guess beforehand: whoever could set it could stop our tunnel. */
	if (r->ov.hEvent == NULL || plat_random_bytes(rnd, sizeof rnd) != 0) {
		snprintf(err, errsz, "cannot prepare the interactive service's request");
		goto done;
	}
	snprintf(event_name, sizeof event_name, "ovpn-token_exit_%lu_%02x%02x%02x%02x%02x%02x%02x%02x",
	         (unsigned long)GetCurrentProcessId(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
	         rnd[6], rnd[7]);
	MultiByteToWideChar(CP_UTF8, 0, event_name, -1, event_w, 96);
	r->exit_event = CreateEventW(NULL, TRUE, FALSE, event_w);
	options = service_options(args, event_name);
	wdir = win32_widen(workdir);
	if (r->exit_event == NULL || options == NULL || wdir == NULL) {
		snprintf(err, errsz, "cannot prepare the interactive service's request");
		goto done;
	}
	/* Skip the placeholder program name and its space. */
	msg = startup_message(wdir, options + wcslen(L"openvpn "), stdin_data, &bytes);
	if (msg == NULL) {
		snprintf(err, errsz, "the request for OpenVPN's interactive service is too long "
		         "(paths too long?)");
		goto done;
	}
	/*
	 * The service waits only 2 s for the startup message once we are connected, and asking
	 * the service manager may take longer than that under load: ask it first.
	 */
	svc_pid = service_pid(why, sizeof why);
	r->pipe = open_service_pipe(err, errsz);
	if (r->pipe == INVALID_HANDLE_VALUE ||
	    check_pipe_server(r->pipe, svc_pid, why, err, errsz) != 0)
		goto done;
	{
		DWORD mode = PIPE_READMODE_MESSAGE;

		if (!SetNamedPipeHandleState(r->pipe, &mode, NULL, NULL)) {
			snprintf(err, errsz, "cannot switch the service pipe to message mode");
			goto done;
		}
	}
	if (send_message(r, msg, bytes, err, errsz) != 0)
		goto done;
	*pid = first_reply(r, err, errsz);
	if (*pid == 0)
		goto done;
	/*
	 * The service lets the user synchronize with and terminate its openvpn (the process DACL
	 * it sets); without the handle the pipe alone tells us when openvpn has ended.
	 */
	*process = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE,
	                       FALSE, *pid);
	rc = 0;
done:
	if (msg != NULL) {
		SecureZeroMemory(msg, bytes);
		free(msg);
	}
	free(options);
	free(wdir);
	if (rc != 0) {
		run_free(r);
		return NULL;
	}
	return r;
}

/* ---- after the start: what proc.c asks ---- */

bool win32_service_run_ended(struct win32_service_run *r, int timeout_ms)
{
	long long until = plat_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	while (!r->ended) {
		long long left = until - plat_now_ms();
		struct reply rep;
		DWORD units = 0;
		int got = pipe_read(r, left > 0 ? (DWORD)left : 0, &units);

		if (got == 0)
			return false;
		if (got < 0) {
			r->ended = true;
			break;
		}
		/* An error reply now: openvpn failed; the service closes the pipe next. */
		if (parse_reply(r->buf, units, &rep) == 0 && rep.code != 0) {
			const char *eq = strstr(rep.line2, "exit code = ");

			describe_error(&rep, r->note, sizeof r->note);
			if (eq != NULL)
				r->exit_code = (DWORD)strtoul(eq + strlen("exit code = "), NULL, 10);
		}
	}
	return true;
}

DWORD win32_service_run_exit_code(const struct win32_service_run *r)
{
	return r->exit_code;
}

void win32_service_run_ask_exit(struct win32_service_run *r)
{
	SetEvent(r->exit_event);
}

void win32_service_run_note(const struct win32_service_run *r, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", r->note);
}

void win32_service_run_free(struct win32_service_run *r)
{
	run_free(r);
}
