/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Windows platform layer's judgments, run under wine: which access lists keep a file
 * private, files we write never through a link or into a file with other names, lone
 * surrogates refused, command lines that the C runtime splits back into exactly our
 * arguments, the service pipe's impersonation level, the TCP peer check failing closed,
 * canonical paths, and stale run folders handed to a callback before they go.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <sddl.h>
#include <shellapi.h>

/* ---- access lists ---- */

static wchar_t user_sid[200];

static void find_user_sid(void)
{
	wchar_t *text = win32_user_sid_string();

	assert_non_null(text);
	wcscpy(user_sid, text);
	LocalFree(text);
}

/* win32_sd_is_private for the SDDL form, "%ls" standing for the user's SID (up to 3 times). */
static int judge(const wchar_t *form, char *why, size_t whysz)
{
	wchar_t sddl[1024];
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID user = NULL;
	int rc;

	swprintf(sddl, 1024, form, user_sid, user_sid, user_sid);
	assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd,
	                                                                 NULL));
	assert_true(ConvertStringSidToSidW(user_sid, &user));
	why[0] = '\0';
	rc = win32_sd_is_private(sd, user, why, whysz);
	LocalFree(sd);
	LocalFree(user);
	return rc;
}

static void test_acl_judgment(void **state)
{
	char why[300];

	(void)state;
	find_user_sid();
	/* What a file in the user's profile has: the user, SYSTEM, Administrators. */
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;;FA;;;SY)(A;;FA;;;BA)", why, sizeof why), 0);
	assert_int_equal(judge(L"O:BAD:P(A;;FA;;;%ls)", why, sizeof why), 0);
	/* Everyone, Users, Authenticated Users may read: not private, and who is named. */
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;;FR;;;WD)", why, sizeof why), -2);
	assert_non_null(strstr(why, "S-1-1-0"));
	assert_int_equal(judge(L"O:%lsD:(A;;FA;;;%ls)(A;;0x1200a9;;;BU)", why, sizeof why), -2);
	assert_non_null(strstr(why, "S-1-5-32-545"));
	assert_int_equal(judge(L"O:%lsD:(A;;GR;;;AU)", why, sizeof why), -2);
	/* Who may rewrite the list may let themselves read. */
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;;WD;;;WD)", why, sizeof why), -2);
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;;WO;;;BU)", why, sizeof why), -2);
	/* Writing alone lets no one read. */
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;;FW;;;WD)", why, sizeof why), 0);
	/* No list at all (a NULL DACL; made by hand: wine's SDDL parser makes an empty one). */
	{
		SECURITY_DESCRIPTOR null_dacl;
		PSID user = NULL;

		assert_true(ConvertStringSidToSidW(user_sid, &user));
		assert_true(InitializeSecurityDescriptor(&null_dacl, SECURITY_DESCRIPTOR_REVISION));
		assert_true(SetSecurityDescriptorOwner(&null_dacl, user, FALSE));
		assert_true(SetSecurityDescriptorDacl(&null_dacl, TRUE, NULL, FALSE));
		assert_int_equal(win32_sd_is_private(&null_dacl, user, why, sizeof why), -2);
		assert_non_null(strstr(why, "no access list"));
		LocalFree(user);
	}
	/* A deny entry never lets anyone in; an inherit-only one does not apply to the file. */
	assert_int_equal(judge(L"O:%lsD:P(D;;FA;;;WD)(A;;FA;;;%ls)", why, sizeof why), 0);
	assert_int_equal(judge(L"O:%lsD:P(A;;FA;;;%ls)(A;OICIIO;FA;;;WD)", why, sizeof why), 0);
	/* Another owner can always change the list. */
	assert_int_equal(judge(L"O:WDD:P(A;;FA;;;%ls)", why, sizeof why), -1);
	assert_non_null(strstr(why, "another user"));
	assert_int_equal(judge(L"O:BUD:P(A;;FA;;;%ls)", why, sizeof why), -1);
}

/* ---- files ---- */

static char dir[MAX_PATH * 3];

static int make_dir(void **state)
{
	char base[MAX_PATH * 3];
	unsigned char rnd[4];

	(void)state;
	assert_int_equal(win32_getenv(L"TEMP", base, sizeof base), 0);
	assert_int_equal(plat_random_bytes(rnd, sizeof rnd), 0);
	snprintf(dir, sizeof dir, "%s\\test_platform_win32.%02x%02x%02x%02x", base, rnd[0], rnd[1],
	         rnd[2], rnd[3]);
	return win32_make_dirs(dir);
}

static int remove_dir(void **state)
{
	wchar_t wcmd[MAX_PATH * 3 + 32];
	char cmd[MAX_PATH * 3 + 32];
	wchar_t *w;

	(void)state;
	/* The few files a test made, then the folder. */
	snprintf(cmd, sizeof cmd, "%s\\*", dir);
	w = win32_widen(cmd);
	if (w != NULL) {
		WIN32_FIND_DATAW f;
		HANDLE find = FindFirstFileW(w, &f);

		if (find != INVALID_HANDLE_VALUE) {
			do {
				char name[MAX_PATH * 3];

				if (win32_narrow(f.cFileName, -1, name, sizeof name) == 0 &&
				    (f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
					snprintf(cmd, sizeof cmd, "%s\\%s", dir, name);
					wchar_t *p = win32_widen(cmd);

					if (p != NULL)
						DeleteFileW(p);
					free(p);
				}
			} while (FindNextFileW(find, &f));
			FindClose(find);
		}
		free(w);
	}
	MultiByteToWideChar(CP_UTF8, 0, dir, -1, wcmd, MAX_PATH * 3 + 32);
	RemoveDirectoryW(wcmd);
	return 0;
}

static const char *in_dir(const char *name)
{
	static char paths[4][MAX_PATH * 3 + 64];
	static int slot;
	char *p = paths[slot++ % 4];

	snprintf(p, MAX_PATH * 3 + 64, "%s\\%s", dir, name);
	return p;
}

/* A file with content, made with the SDDL access list (NULL: the folder's inherited one). */
static void make_file(const char *path, const char *content, const wchar_t *sddl_form)
{
	wchar_t sddl[512], *w = win32_widen(path);
	SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, FALSE};
	HANDLE h;
	DWORD put;

	if (sddl_form != NULL) {
		swprintf(sddl, 512, sddl_form, user_sid, user_sid);
		assert_true(ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    sddl, SDDL_REVISION_1, &sa.lpSecurityDescriptor, NULL));
	}
	h = CreateFileW(w, GENERIC_WRITE, 0, sddl_form != NULL ? &sa : NULL, CREATE_ALWAYS,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	assert_true(h != INVALID_HANDLE_VALUE);
	assert_true(WriteFile(h, content, (DWORD)strlen(content), &put, NULL));
	CloseHandle(h);
	LocalFree(sa.lpSecurityDescriptor);
	free(w);
}

static void test_private_files(void **state)
{
	char buf[64], err[600];

	(void)state;
	find_user_sid();
	make_file(in_dir("mine"), "123456\n", L"O:%lsD:P(A;;FA;;;%ls)(A;;FA;;;SY)");
	assert_int_equal(plat_file_is_private(in_dir("mine"), err, sizeof err), 0);
	assert_int_equal(plat_read_private_file(in_dir("mine"), buf, sizeof buf, err, sizeof err), 7);
	assert_string_equal(buf, "123456\n");

	make_file(in_dir("open"), "123456\n", L"O:%lsD:P(A;;FA;;;%ls)(A;;FR;;;WD)");
	assert_int_equal(plat_file_is_private(in_dir("open"), err, sizeof err), -1);
	assert_non_null(strstr(err, "can be read by other users"));
	assert_int_equal(plat_read_private_file(in_dir("open"), buf, sizeof buf, err, sizeof err), -1);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0);
}

static void test_log_prepared_private(void **state)
{
	char err[600], why[300];
	wchar_t *w;
	HANDLE h;

	(void)state;
	find_user_sid();
	assert_int_equal(plat_prepare_log(in_dir("new.log"), err, sizeof err), 0);
	w = win32_widen(in_dir("new.log"));
	h = CreateFileW(w, READ_CONTROL, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	free(w);
	assert_true(h != INVALID_HANDLE_VALUE);
	assert_int_equal(win32_handle_is_private(h, why, sizeof why), 0);
	CloseHandle(h);

	/* An older log others could read is given the private list, its content kept. */
	make_file(in_dir("old.log"), "earlier\n", L"O:%lsD:P(A;;FA;;;%ls)(A;;FR;;;WD)");
	assert_int_equal(plat_prepare_log(in_dir("old.log"), err, sizeof err), 0);
	assert_int_equal(plat_file_is_private(in_dir("old.log"), err, sizeof err), 0);
}

static void test_log_with_other_names_refused(void **state)
{
	char err[600];
	wchar_t *victim, *link;

	(void)state;
	make_file(in_dir("victim"), "precious\n", NULL);
	victim = win32_widen(in_dir("victim"));
	link = win32_widen(in_dir("hard.log"));
	assert_true(CreateHardLinkW(link, victim, NULL));
	assert_int_equal(plat_prepare_log(in_dir("hard.log"), err, sizeof err), -1);
	assert_non_null(strstr(err, "hard links"));
	free(victim);
	free(link);
}

static void test_log_through_a_link_refused(void **state)
{
	char err[600], buf[64];
	wchar_t *victim, *link;

	(void)state;
	make_file(in_dir("victim2"), "precious\n", NULL);
	victim = win32_widen(in_dir("victim2"));
	link = win32_widen(in_dir("link.log"));
	/* wine 8 makes the link but shows it as no reparse point (nor as anything): no test here. */
	if (!CreateSymbolicLinkW(link, victim, 0) ||
	    GetFileAttributesW(link) == INVALID_FILE_ATTRIBUTES ||
	    (GetFileAttributesW(link) & FILE_ATTRIBUTE_REPARSE_POINT) == 0) {
		free(victim);
		free(link);
		print_message("SKIP: this system shows no symbolic link as a reparse point (wine 8)\n");
		skip();
	}
	assert_int_equal(plat_prepare_log(in_dir("link.log"), err, sizeof err), -1);
	assert_non_null(strstr(err, "reparse point"));
	assert_int_equal(plat_read_file(in_dir("victim2"), buf, sizeof buf, err, sizeof err), 9);
	free(victim);
	free(link);
}

static void test_replace_file(void **state)
{
	char err[600], buf[64];

	(void)state;
	assert_int_equal(plat_replace_file(in_dir("status"), "state=CONNECTED\n", 16, err,
	                                   sizeof err), 0);
	assert_int_equal(plat_replace_file(in_dir("status"), "state=EXITED\n", 13, err, sizeof err),
	                 0);
	assert_int_equal(plat_read_file(in_dir("status"), buf, sizeof buf, err, sizeof err), 13);
	assert_string_equal(buf, "state=EXITED\n");
	/* The old fixed temporary name is not used: a file there is left alone. */
	make_file(in_dir("status.tmp"), "precious\n", NULL);
	assert_int_equal(plat_replace_file(in_dir("status"), "x\n", 2, err, sizeof err), 0);
	assert_int_equal(plat_read_file(in_dir("status.tmp"), buf, sizeof buf, err, sizeof err), 9);
}

static void test_lock_once(void **state)
{
	char err[600];
	struct plat_lock *a, *b;
	long holder = 0;

	(void)state;
	a = plat_lock_take("test_platform_win32", &holder, err, sizeof err);
	assert_non_null(a);
	b = plat_lock_take("test_platform_win32", &holder, err, sizeof err);
	assert_null(b);
	assert_int_equal(holder, (long)GetCurrentProcessId());
	plat_lock_release(a);
}

static void test_canonical_path(void **state)
{
	char a[MAX_PATH * 3], b[MAX_PATH * 3], dotted[MAX_PATH * 3], upper[MAX_PATH * 3];

	(void)state;
	make_file(in_dir("office.ovpn"), "remote x\n", NULL);
	assert_int_equal(plat_canonical_path(in_dir("office.ovpn"), a, sizeof a), 0);
	snprintf(dotted, sizeof dotted, "%s\\.\\sub\\..\\office.ovpn", dir);
	assert_int_equal(plat_canonical_path(dotted, b, sizeof b), 0);
	assert_string_equal(a, b);
	snprintf(upper, sizeof upper, "%s\\OFFICE.OVPN", dir);
	assert_int_equal(plat_canonical_path(upper, b, sizeof b), 0);
	assert_string_equal(a, b);
	assert_int_equal(strncmp(a, "\\\\?\\", 4) == 0, 0);
	assert_int_equal(plat_canonical_path(in_dir("missing"), b, sizeof b), -1);
}

/* ---- stale run folders ---- */

struct seen {
	char dir[MAX_PATH * 3];
	int n;
};

static void note_stale(const char *stale, void *arg)
{
	struct seen *seen = arg;

	if (strstr(stale, "4294967292-") == NULL)
		return;
	snprintf(seen->dir, sizeof seen->dir, "%s", stale);
	seen->n++;
}

static void test_stale_run_dirs(void **state)
{
	char base[MAX_PATH * 3], dead[MAX_PATH * 3], mine[MAX_PATH * 3], file[MAX_PATH * 3], err[300];
	struct seen seen = {.n = 0};

	(void)state;
	assert_int_equal(win32_app_dir("run", base, sizeof base), 0);
	/* A folder of a pid that is no process, with its password file. */
	snprintf(dead, sizeof dead, "%s\\4294967292-0123456789abcdef", base);
	assert_int_equal(win32_make_dirs(dead), 0);
	snprintf(file, sizeof file, "%s\\management.pw", dead);
	make_file(file, "pw\n", NULL);
	assert_int_equal(plat_make_private_dir(mine, sizeof mine, err, sizeof err), 0);
	assert_false(win32_dir_exists(dead));

	assert_int_equal(win32_make_dirs(dead), 0);
	plat_remove_stale_run_dirs(note_stale, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.dir, dead);
	assert_false(win32_dir_exists(dead));
	/* Ours lives. */
	assert_true(win32_dir_exists(mine));
	plat_remove_private_dir(mine, NULL);
	assert_false(win32_dir_exists(mine));
}

/* ---- text and command lines ---- */

static void test_lone_surrogates_refused(void **state)
{
	char out[32], *s;

	(void)state;
	assert_null(win32_narrow_alloc(L"a\xd800" L"b"));
	assert_null(win32_narrow_alloc(L"\xdc00"));
	assert_int_equal(win32_narrow(L"x\xdfff", -1, out, sizeof out), -1);
	/* A whole pair is one character (U+1F511), four bytes of UTF-8. */
	s = win32_narrow_alloc(L"\xd83d\xdd11");
	assert_non_null(s);
	assert_string_equal(s, "\xf0\x9f\x94\x91");
	free(s);
}

static void test_command_line_round_trip(void **state)
{
	static const char *const args[] = {
	    "C:\\Program Files\\OpenVPN\\bin\\openvpn.exe",
	    "two words",
	    "a \"quoted\" word",
	    "trailing\\",
	    "trailing space and backslashes \\\\",
	    "\"",
	    "\\\\server\\share\\",
	    "50% & 100% ^ | < > !x!",
	    "",
	    "tab\there",
	    "J\xc3\xbcrgen \xce\xa9 \xe6\x97\xa5\xe6\x9c\xac",
	    "back\\\\\"slash",
	    NULL,
	};
	wchar_t *line = win32_build_cmdline(args), **back;
	int n = 0;

	(void)state;
	assert_non_null(line);
	back = CommandLineToArgvW(line, &n);
	assert_non_null(back);
	assert_int_equal(n, (int)(sizeof args / sizeof args[0]) - 1);
	for (int i = 0; i < n; i++) {
		char *got = win32_narrow_alloc(back[i]);

		assert_non_null(got);
		assert_string_equal(got, args[i]);
		free(got);
	}
	LocalFree(back);
	free(line);
}

/*
 * The TCP peer check: only the openvpn we started (or an unknown owner) is ours; a table that
 * cannot be read or lacks the row is "ask again", never ours (the caller refuses in the end).
 */
static void test_tcp_peer_verdict(void **state)
{
	char err[300];

	(void)state;
	assert_int_equal(win32_judge_tcp_peer(WIN32_TCP_LISTED, 1234, 0, 1234, err, sizeof err),
	                 PLAT_PEER_OURS);
	assert_int_equal(win32_judge_tcp_peer(WIN32_TCP_LISTED, 666, 0, 1234, err, sizeof err),
	                 PLAT_PEER_FOREIGN);
	assert_non_null(strstr(err, "process 666, not by the openvpn we started (1234)"));
	assert_int_equal(win32_judge_tcp_peer(WIN32_TCP_NOT_LISTED, 0, 0, 1234, err, sizeof err),
	                 PLAT_PEER_UNKNOWN);
	assert_non_null(strstr(err, "does not list it"));
	assert_int_equal(win32_judge_tcp_peer(WIN32_TCP_NO_TABLE, 0, ERROR_FILE_NOT_FOUND, 1234, err,
	                                      sizeof err),
	                 PLAT_PEER_UNKNOWN);
	assert_non_null(strstr(err, "cannot be read: error 2)"));
	/* Listed without an owner, as wine does: Windows never gives a connection to process 0. */
	assert_int_equal(win32_judge_tcp_peer(WIN32_TCP_LISTED, 0, 0, 1234, err, sizeof err),
	                 PLAT_PEER_OURS);
}

/*
 * The server of \\.\pipe\openvpn\service may impersonate us (the service must, to start
 * openvpn as us) but no further: no delegation, no tracking of our token's later changes.
 */
static void test_service_pipe_impersonation_level(void **state)
{
	DWORD flags = win32_service_pipe_flags();

	(void)state;
	assert_true((flags & SECURITY_SQOS_PRESENT) != 0);
	assert_int_equal(flags & (SECURITY_IDENTIFICATION | SECURITY_IMPERSONATION |
	                          SECURITY_DELEGATION | SECURITY_ANONYMOUS),
	                 SECURITY_IMPERSONATION);
	assert_int_equal(flags & SECURITY_CONTEXT_TRACKING, 0);
	assert_true((flags & FILE_FLAG_OVERLAPPED) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_judgment),
		cmocka_unit_test_setup_teardown(test_private_files, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_log_prepared_private, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_log_with_other_names_refused, make_dir,
		                                remove_dir),
		cmocka_unit_test_setup_teardown(test_log_through_a_link_refused, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_replace_file, make_dir, remove_dir),
		cmocka_unit_test(test_lock_once),
		cmocka_unit_test_setup_teardown(test_canonical_path, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_stale_run_dirs, make_dir, remove_dir),
		cmocka_unit_test(test_lone_surrogates_refused),
		cmocka_unit_test(test_command_line_round_trip),
		cmocka_unit_test(test_tcp_peer_verdict),
		cmocka_unit_test(test_service_pipe_impersonation_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
