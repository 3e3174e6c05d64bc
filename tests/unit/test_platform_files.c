/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token: posix-only test of the files the platform layer writes and the folders it keeps
 * them in: nothing written through a planted link or into someone else's file, modes that do
 * not depend on the umask, the state folder under systemd, stale run folders, canonical paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/platform.h"

/* An unprivileged owner for "someone else's file" (nobody on Debian). */
#define OTHER_UID 65534

struct fixture {
	char dir[256];
	char err[600];
	mode_t umask_before;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_platform_files.XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	fx->umask_before = umask(022);
	setenv("XDG_STATE_HOME", fx->dir, 1);
	setenv("XDG_RUNTIME_DIR", fx->dir, 1);
	setenv("TMPDIR", fx->dir, 1);
	unsetenv("STATE_DIRECTORY");
	unsetenv("LOGS_DIRECTORY");
	unsetenv("RUNTIME_DIRECTORY");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[600];

	umask(fx->umask_before);
	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s'; rm -rf '%s'", fx->dir, fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

static const char *path_in(const struct fixture *fx, const char *name)
{
	static char paths[4][512];
	static int slot;
	char *p = paths[slot++ % 4];

	snprintf(p, 512, "%s/%s", fx->dir, name);
	return p;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void assert_content(const char *path, const char *expected)
{
	char buf[256], err[300];

	assert_int_equal(plat_read_file(path, buf, sizeof buf, err, sizeof err),
	                 (long)strlen(expected));
	assert_string_equal(buf, expected);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ---- openvpn's log ---- */

static void test_log_new_is_private_whatever_the_umask(void **state)
{
	struct fixture *fx = *state;
	const char *log = path_in(fx, "office.log");

	umask(0);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), 0);
	assert_int_equal(mode_of(log), 0600);
}

static void test_log_existing_made_private_and_kept(void **state)
{
	struct fixture *fx = *state;
	const char *log = path_in(fx, "office.log");

	write_text(log, "earlier runs\n", 0644);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), 0);
	assert_int_equal(mode_of(log), 0600);
	assert_content(log, "earlier runs\n");
}

static void test_log_link_refused(void **state)
{
	struct fixture *fx = *state;
	const char *log = path_in(fx, "office.log"), *victim = path_in(fx, "victim");

	write_text(victim, "precious\n", 0644);
	assert_int_equal(symlink(victim, log), 0);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "symbolic link"));
	assert_content(victim, "precious\n");
	assert_int_equal(mode_of(victim), 0644);
	/* A link to nowhere would have the file created where it points. */
	assert_int_equal(unlink(log), 0);
	assert_int_equal(symlink(path_in(fx, "elsewhere"), log), 0);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), -1);
	assert_int_equal(access(path_in(fx, "elsewhere"), F_OK), -1);
}

static void test_log_hard_link_refused(void **state)
{
	struct fixture *fx = *state;
	const char *log = path_in(fx, "office.log"), *victim = path_in(fx, "victim");

	write_text(victim, "precious\n", 0644);
	assert_int_equal(link(victim, log), 0);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "hard links"));
	assert_int_equal(mode_of(victim), 0644);
}

static void test_log_folder_others_may_write(void **state)
{
	struct fixture *fx = *state;
	const char *open_dir = path_in(fx, "open"), *sticky = path_in(fx, "sticky");
	char log[600];

	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	snprintf(log, sizeof log, "%s/office.log", open_dir);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "other users can write in its folder"));
	assert_int_equal(access(log, F_OK), -1);
	/* Sticky, as /tmp: others cannot rename or remove our file there. */
	assert_int_equal(mkdir(sticky, 0700), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	snprintf(log, sizeof log, "%s/office.log", sticky);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), 0);
}

static void test_log_of_another_user_refused(void **state)
{
	struct fixture *fx = *state;
	const char *log = path_in(fx, "office.log");

	if (geteuid() != 0)
		skip();
	write_text(log, "theirs\n", 0600);
	assert_int_equal(chown(log, OTHER_UID, OTHER_UID), 0);
	assert_int_equal(plat_prepare_log(log, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "belongs to another user"));
}

static void test_log_device_taken(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(plat_prepare_log("/dev/null", fx->err, sizeof fx->err), 0);
}

/* ---- the status file ---- */

static void test_replace_never_writes_through_a_link(void **state)
{
	struct fixture *fx = *state;
	const char *status = path_in(fx, "status"), *victim = path_in(fx, "victim");
	char tmp[600];

	write_text(victim, "precious\n", 0600);
	assert_int_equal(symlink(victim, status), 0);
	/* Where the old code put its temporary: a link planted there must not be followed. */
	snprintf(tmp, sizeof tmp, "%s.tmp", status);
	assert_int_equal(symlink(victim, tmp), 0);
	umask(077);
	assert_int_equal(plat_replace_file(status, "state=CONNECTED\n", 16, fx->err, sizeof fx->err),
	                 0);
	assert_content(victim, "precious\n");
	assert_content(status, "state=CONNECTED\n");
	/* The link was replaced by a file, readable by monitors whatever the umask. */
	assert_int_equal(mode_of(status), 0644);
	assert_int_equal(plat_replace_file(status, "state=EXITED\n", 13, fx->err, sizeof fx->err), 0);
	assert_content(status, "state=EXITED\n");
}

static void test_replace_leaves_no_temporary(void **state)
{
	struct fixture *fx = *state;
	const char *status = path_in(fx, "status");
	char cmd[600];

	assert_int_equal(plat_replace_file(status, "x\n", 2, fx->err, sizeof fx->err), 0);
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", fx->dir);
	assert_int_equal(system(cmd), 0);
}

static void test_replace_folder_others_may_write(void **state)
{
	struct fixture *fx = *state;
	const char *open_dir = path_in(fx, "open");
	char status[600];

	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	snprintf(status, sizeof status, "%s/status", open_dir);
	assert_int_equal(plat_replace_file(status, "x\n", 2, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "other users can write in its folder"));
}

/* ---- the state folder and the instance lock ---- */

static void test_lock_link_refused(void **state)
{
	struct fixture *fx = *state;
	const char *victim = path_in(fx, "victim");
	char dir[600], lock[700];
	struct plat_lock *l;
	long owner;

	write_text(victim, "precious\n", 0644);
	snprintf(dir, sizeof dir, "%s/ovpn-token", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(lock, sizeof lock, "%s/office-1.lock", dir);
	assert_int_equal(symlink(victim, lock), 0);
	l = plat_lock_take("office-1", &owner, fx->err, sizeof fx->err);
	assert_null(l);
	assert_int_equal(owner, 0);
	assert_non_null(strstr(fx->err, "symbolic link"));
	assert_content(victim, "precious\n");
}

static void test_lock_file_private(void **state)
{
	struct fixture *fx = *state;
	char lock[600];
	struct plat_lock *l;
	long owner;

	umask(0);
	l = plat_lock_take("office-2", &owner, fx->err, sizeof fx->err);
	assert_non_null(l);
	snprintf(lock, sizeof lock, "%s/ovpn-token/office-2.lock", fx->dir);
	assert_int_equal(mode_of(lock), 0600);
	plat_lock_release(l);
}

static void test_state_folder_made_private(void **state)
{
	struct fixture *fx = *state;
	char dir[600], log[700];

	snprintf(dir, sizeof dir, "%s/ovpn-token", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(plat_default_log_path("office-1234", log, sizeof log, fx->err,
	                                       sizeof fx->err), 0);
	assert_int_equal(mode_of(dir), 0700);
	assert_string_equal(plat_path_base(log), "office-1234.log");
}

static void test_state_folder_of_another_user_refused(void **state)
{
	struct fixture *fx = *state;
	char dir[600], log[700];
	long owner;

	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof dir, "%s/ovpn-token", fx->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chown(dir, OTHER_UID, OTHER_UID), 0);
	assert_int_equal(plat_default_log_path("x", log, sizeof log, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "belongs to another user"));
	assert_null(plat_lock_take("x", &owner, fx->err, sizeof fx->err));
	assert_non_null(strstr(fx->err, "belongs to another user"));
}

/* systemd's folders come first: a system service has no $HOME. */
static void test_systemd_folders(void **state)
{
	struct fixture *fx = *state;
	const char *state_dir = path_in(fx, "lib"), *logs = path_in(fx, "log");
	char log[700], expected[700], lock[700];
	struct plat_lock *l;
	long owner;

	assert_int_equal(mkdir(state_dir, 0700), 0);
	assert_int_equal(mkdir(logs, 0700), 0);
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	setenv("STATE_DIRECTORY", state_dir, 1);
	assert_int_equal(plat_default_log_path("office", log, sizeof log, fx->err, sizeof fx->err),
	                 0);
	snprintf(expected, sizeof expected, "%s/office.log", state_dir);
	assert_string_equal(log, expected);
	setenv("LOGS_DIRECTORY", logs, 1);
	assert_int_equal(plat_default_log_path("office", log, sizeof log, fx->err, sizeof fx->err),
	                 0);
	snprintf(expected, sizeof expected, "%s/office.log", logs);
	assert_string_equal(log, expected);
	l = plat_lock_take("office-3", &owner, fx->err, sizeof fx->err);
	assert_non_null(l);
	snprintf(lock, sizeof lock, "%s/office-3.lock", state_dir);
	assert_int_equal(access(lock, F_OK), 0);
	plat_lock_release(l);
	/* A list (several StateDirectory= entries): the first. */
	snprintf(expected, sizeof expected, "%s:/nonexistent", state_dir);
	setenv("STATE_DIRECTORY", expected, 1);
	l = plat_lock_take("office-4", &owner, fx->err, sizeof fx->err);
	assert_non_null(l);
	plat_lock_release(l);
}

/* ---- run folders ---- */

struct seen {
	const char *under; /* only folders here count: /tmp is looked at too */
	char dirs[4][600];
	int n;
};

static void note_stale(const char *dir, void *arg)
{
	struct seen *seen = arg;
	char sock[700];

	if (strncmp(dir, seen->under, strlen(seen->under)) != 0)
		return;
	/* Called before anything is removed: what is inside is still there. */
	snprintf(sock, sizeof sock, "%s/management.sock", dir);
	assert_int_equal(access(sock, F_OK), 0);
	if (seen->n < 4)
		snprintf(seen->dirs[seen->n++], sizeof seen->dirs[0], "%s", dir);
}

/* A child that makes a run folder (with a file in it), says where, then waits to be killed. */
static pid_t child_with_run_dir(char *dir, size_t dirsz)
{
	int p[2];
	pid_t pid;
	ssize_t got;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char made[512], err[300], sock[600];

		close(p[0]);
		if (plat_make_private_dir(made, sizeof made, err, sizeof err) != 0)
			_exit(1);
		snprintf(sock, sizeof sock, "%s/management.sock", made);
		close(open(sock, O_WRONLY | O_CREAT, 0600));
		(void)!write(p[1], made, strlen(made) + 1);
		for (;;)
			pause();
	}
	close(p[1]);
	got = read(p[0], dir, dirsz);
	close(p[0]);
	assert_true(got > 0);
	return pid;
}

static void test_stale_run_dirs_removed(void **state)
{
	struct fixture *fx = *state;
	char dead[512], alive[512], ours[512], old[600];
	struct seen seen = {.under = fx->dir, .n = 0};
	pid_t a, b;
	int status;

	a = child_with_run_dir(dead, sizeof dead);
	b = child_with_run_dir(alive, sizeof alive);
	assert_int_equal(kill(a, SIGKILL), 0);
	assert_int_equal(waitpid(a, &status, 0), a);
	assert_int_equal(plat_make_private_dir(ours, sizeof ours, fx->err, sizeof fx->err), 0);
	/* An older version's folder has no mark: its maker may still live. */
	snprintf(old, sizeof old, "%s/ovpn-token.abcdef", fx->dir);
	assert_int_equal(mkdir(old, 0700), 0);

	/* (plat_make_private_dir removed the dead one already, without a callback.) */
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(alive, F_OK), 0);

	assert_int_equal(kill(b, SIGKILL), 0);
	assert_int_equal(waitpid(b, &status, 0), b);
	plat_remove_stale_run_dirs(note_stale, &seen);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.dirs[0], alive);
	assert_int_equal(access(alive, F_OK), -1);
	/* Ours (held by this process) and the unmarked one stay. */
	assert_int_equal(access(ours, F_OK), 0);
	assert_int_equal(access(old, F_OK), 0);
	plat_remove_stale_run_dirs(note_stale, &seen);
	assert_int_equal(seen.n, 1);
	plat_remove_private_dir(ours, NULL);
	assert_int_equal(access(ours, F_OK), -1);
}

/* Under systemd the unit's runtime folder holds the run folder. */
static void test_run_dir_in_runtime_directory(void **state)
{
	struct fixture *fx = *state;
	const char *runtime = path_in(fx, "run");
	char dir[512];

	assert_int_equal(mkdir(runtime, 0755), 0);
	setenv("RUNTIME_DIRECTORY", runtime, 1);
	assert_int_equal(plat_make_private_dir(dir, sizeof dir, fx->err, sizeof fx->err), 0);
	assert_int_equal(strncmp(dir, runtime, strlen(runtime)), 0);
	assert_int_equal(mode_of(dir), 0700);
	plat_remove_private_dir(dir, NULL);
	assert_int_equal(access(dir, F_OK), -1);
}

/* ---- one name per file ---- */

static void test_canonical_path(void **state)
{
	struct fixture *fx = *state;
	const char *conf = path_in(fx, "office.ovpn"), *link = path_in(fx, "link.ovpn");
	char a[600], b[600], c[600], cwd[600], dotted[600];

	write_text(conf, "remote x\n", 0600);
	assert_int_equal(symlink("office.ovpn", link), 0);
	assert_int_equal(mkdir(path_in(fx, "sub"), 0700), 0);
	assert_int_equal(plat_canonical_path(conf, a, sizeof a), 0);
	assert_int_equal(plat_canonical_path(link, b, sizeof b), 0);
	assert_string_equal(a, b);
	snprintf(dotted, sizeof dotted, "%s/sub/../office.ovpn", fx->dir);
	assert_int_equal(plat_canonical_path(dotted, c, sizeof c), 0);
	assert_string_equal(a, c);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(plat_canonical_path("./office.ovpn", c, sizeof c), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(a, c);
	assert_int_equal(plat_canonical_path(path_in(fx, "missing"), c, sizeof c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log_new_is_private_whatever_the_umask, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_log_existing_made_private_and_kept, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_log_link_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_hard_link_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_folder_others_may_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_of_another_user_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_device_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_never_writes_through_a_link, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_replace_leaves_no_temporary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_folder_others_may_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_link_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_file_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_folder_made_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_folder_of_another_user_refused, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_systemd_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_run_dirs_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_dir_in_runtime_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_canonical_path, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
