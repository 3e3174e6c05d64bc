/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: running openvpn as our child. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

struct plat_child {
	HANDLE process;
	HANDLE job;
	DWORD pid;
	bool reaped;
	int status;
	/* Started by the interactive service (service.c): not ours, no job; process may be NULL. */
	struct win32_service_run *service;
};

/* The interactive service starts openvpn (service.c); the child watches it through our pipe. */
struct plat_child *plat_service_spawn(const char *const *args, const char *workdir,
                                      const char *stdin_data, char *err, size_t errsz)
{
	HANDLE process = NULL;
	DWORD pid = 0;
	struct win32_service_run *run =
	    win32_service_run_start(args, workdir, stdin_data, &process, &pid, err, errsz);
	struct plat_child *c;

	if (run == NULL)
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		snprintf(err, errsz, "out of memory");
		if (process != NULL)
			CloseHandle(process);
		win32_service_run_free(run);
		return NULL;
	}
	c->process = process;
	c->pid = pid;
	c->service = run;
	return c;
}

/* The service's openvpn has ended when the service says so (it closes our pipe). */
static bool service_child_exited(struct plat_child *c, int timeout_ms)
{
	DWORD code = 0;

	if (c->reaped)
		return true;
	if (!win32_service_run_ended(c->service, timeout_ms))
		return false;
	c->reaped = true;
	if (c->process == NULL || !GetExitCodeProcess(c->process, &code) || code == STILL_ACTIVE)
		code = win32_service_run_exit_code(c->service);
	c->status = code <= 255 ? (int)code : 255;
	return true;
}

void plat_child_exit_note(struct plat_child *c, char *out, size_t outsz)
{
	out[0] = '\0';
	if (c != NULL && c->service != NULL)
		win32_service_run_note(c->service, out, outsz);
}

/*
 * A job object that kills what it holds when its last handle closes: if we crash or are
 * killed, Windows ends openvpn too instead of leaving a tunnel nobody manages.
 */
static HANDLE kill_on_close_job(void)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
	HANDLE job = CreateJobObjectW(NULL, NULL);

	if (job == NULL)
		return NULL;
	memset(&limits, 0, sizeof limits);
	limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
	                             sizeof limits)) {
		CloseHandle(job);
		return NULL;
	}
	return job;
}

static HANDLE open_inheritable(const char *path, bool for_append)
{
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
	wchar_t *w = win32_widen(path);
	HANDLE h = INVALID_HANDLE_VALUE;

	if (w == NULL)
		return h;
	if (for_append)
		/* FILE_APPEND_DATA alone: every write goes to the end, as O_APPEND. */
		h = CreateFileW(w, FILE_APPEND_DATA | SYNCHRONIZE, FILE_SHARE_READ | FILE_SHARE_WRITE |
		                FILE_SHARE_DELETE, &sa, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	else
		h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
		                OPEN_EXISTING, 0, NULL);
	free(w);
	return h;
}

/* Our own standard output for the child (no log file named); NUL when we have none. */
static HANDLE our_output(void)
{
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE), h = INVALID_HANDLE_VALUE;

	if (out == NULL || out == INVALID_HANDLE_VALUE ||
	    !DuplicateHandle(GetCurrentProcess(), out, GetCurrentProcess(), &h, 0, TRUE,
	                     DUPLICATE_SAME_ACCESS))
		return open_inheritable("NUL", true);
	return h;
}

/* argv[0] as CreateProcess needs it: a full path, never a search of the current directory. */
static int program_path(const char *argv0, char *out, size_t outsz)
{
	if (strpbrk(argv0, "\\/:") != NULL) {
		snprintf(out, outsz, "%s", argv0);
		return 0;
	}
	return win32_search_path(argv0, out, outsz);
}

/*
 * Only the three standard handles go to the child (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), so
 * nothing else we hold open is inherited by openvpn.
 */
static bool start_process(wchar_t *app, wchar_t *cmdline, const wchar_t *workdir, HANDLE in,
                          HANDLE out, PROCESS_INFORMATION *pi)
{
	STARTUPINFOEXW si;
	HANDLE inherit[2] = {in, out};
	SIZE_T attr_size = 0;
	bool ok = false;

	memset(&si, 0, sizeof si);
	si.StartupInfo.cb = sizeof si;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = in;
	si.StartupInfo.hStdOutput = out;
	si.StartupInfo.hStdError = out;
	InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
	si.lpAttributeList = malloc(attr_size);
	if (si.lpAttributeList == NULL ||
	    !InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &attr_size))
		goto done;
	if (UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
	                              inherit, sizeof inherit, NULL, NULL))
		/*
		 * CREATE_NEW_PROCESS_GROUP: the console's Ctrl-C is ours (we stop openvpn through
		 * its management interface); CREATE_SUSPENDED: into the job before it runs.
		 */
		ok = CreateProcessW(app, cmdline, NULL, NULL, TRUE,
		                    CREATE_NEW_PROCESS_GROUP | CREATE_SUSPENDED |
		                        EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT,
		                    NULL, workdir, &si.StartupInfo, pi);
	DeleteProcThreadAttributeList(si.lpAttributeList);
done:
	free(si.lpAttributeList);
	return ok;
}

struct plat_child *plat_spawn(const char *const *argv, const char *log_path, const char *workdir,
                              char *err, size_t errsz)
{
	struct plat_child *c = calloc(1, sizeof *c);
	char program[MAX_PATH * 3], text[256];
	wchar_t *app = NULL, *cmdline = NULL, *wdir = NULL;
	HANDLE log = INVALID_HANDLE_VALUE, nul = INVALID_HANDLE_VALUE;
	PROCESS_INFORMATION pi;

	if (c == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (program_path(argv[0], program, sizeof program) != 0) {
		snprintf(err, errsz, "cannot run %s: not found in PATH", argv[0]);
		goto fail;
	}
	log = log_path != NULL ? open_inheritable(log_path, true) : our_output();
	nul = open_inheritable("NUL", false);
	if (log == INVALID_HANDLE_VALUE || nul == INVALID_HANDLE_VALUE) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot open %s: %s",
		         log == INVALID_HANDLE_VALUE && log_path != NULL ? log_path : "NUL", text);
		goto fail;
	}
	app = win32_widen(program);
	cmdline = win32_build_cmdline(argv);
	wdir = workdir != NULL ? win32_widen(workdir) : NULL;
	if (app == NULL || cmdline == NULL || (workdir != NULL && wdir == NULL)) {
		snprintf(err, errsz, "cannot run %s: bad characters in its arguments", argv[0]);
		goto fail;
	}
	if (!start_process(app, cmdline, wdir, nul, log, &pi)) {
		win32_error_text(GetLastError(), text, sizeof text);
		snprintf(err, errsz, "cannot run %s: %s", program, text);
		goto fail;
	}
	c->job = kill_on_close_job();
	/* Without a job (we may run in one that forbids nesting) openvpn still runs, unguarded. */
	if (c->job != NULL && !AssignProcessToJobObject(c->job, pi.hProcess)) {
		CloseHandle(c->job);
		c->job = NULL;
	}
	ResumeThread(pi.hThread);
	CloseHandle(pi.hThread);
	c->process = pi.hProcess;
	c->pid = pi.dwProcessId;
	CloseHandle(log);
	CloseHandle(nul);
	free(app);
	free(cmdline);
	free(wdir);
	return c;
fail:
	if (log != INVALID_HANDLE_VALUE)
		CloseHandle(log);
	if (nul != INVALID_HANDLE_VALUE)
		CloseHandle(nul);
	free(app);
	free(cmdline);
	free(wdir);
	free(c);
	return NULL;
}

bool plat_child_exited(struct plat_child *c, int *status)
{
	DWORD code;

	if (c->service != NULL) {
		service_child_exited(c, 0);
		if (c->reaped && status != NULL)
			*status = c->status;
		return c->reaped;
	}
	if (!c->reaped && WaitForSingleObject(c->process, 0) == WAIT_OBJECT_0 &&
	    GetExitCodeProcess(c->process, &code)) {
		c->reaped = true;
		/* Exit codes are 32 bits; NTSTATUS crash codes (0xC0000005) do not fit 0..255. */
		c->status = code <= 255 ? (int)code : 255;
	}
	if (c->reaped && status != NULL)
		*status = c->status;
	return c->reaped;
}

HANDLE win32_child_handle(const struct plat_child *c)
{
	return c->process;
}

void plat_child_terminate(struct plat_child *c)
{
	if (c->reaped)
		return;
	/* The service's openvpn watches its --service event: set means "exit now". */
	if (c->service != NULL) {
		win32_service_run_ask_exit(c->service);
		return;
	}
	/*
	 * The nearest thing to SIGTERM: Ctrl-Break to openvpn's own process group (it shares our
	 * console), which OpenVPN for Windows treats as a request to exit cleanly.
	 */
	GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, c->pid);
}

void plat_child_kill(struct plat_child *c)
{
	if (!c->reaped && c->process != NULL)
		TerminateProcess(c->process, 1);
}

void plat_child_free(struct plat_child *c)
{
	if (c == NULL)
		return;
	if (c->process != NULL)
		CloseHandle(c->process);
	win32_service_run_free(c->service);
	/* Closing the job would kill a still-running openvpn; stop it first to end it cleanly. */
	if (c->job != NULL)
		CloseHandle(c->job);
	free(c);
}

long plat_child_pid(const struct plat_child *c)
{
	return (long)c->pid;
}

void plat_describe_exit(int status, char *out, size_t outsz)
{
	/* Exception codes (0xC0000005 ...) read better in hex, as Windows itself shows them. */
	if ((unsigned)status >= 0xC0000000u)
		snprintf(out, outsz, "ended with exception 0x%08X", (unsigned)status);
	else
		snprintf(out, outsz, "exited with status %d", status);
}
