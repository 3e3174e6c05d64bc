/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ovpn-token: posix-only test (file modes, pipes, mkdtemp): not in the Windows run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "secret/secret.h"
#include "secret/source.h"

/* Per test: a private scratch directory, a secret buffer, no credentials directory. */
struct fixture {
	char dir[256];
	struct secret s;
	char err[700];
	int fds[4];
	int nfds;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_secret_source.XXXXXX");
	if (mkdtemp(fx->dir) == NULL || secret_init(&fx->s) != 0) {
		free(fx);
		return -1;
	}
	unsetenv("CREDENTIALS_DIRECTORY");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[300];

	/* The module closes a descriptor once it read it; close only what is still open. */
	for (int i = 0; i < fx->nfds; i++)
		if (fcntl(fx->fds[i], F_GETFD) != -1)
			close(fx->fds[i]);
	secret_free(&fx->s);
	unsetenv("CREDENTIALS_DIRECTORY");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

/* Writes n bytes to DIR/name with the given mode; returns the path (static per call slot). */
static const char *write_file(struct fixture *fx, const char *name, const void *data, size_t n,
                              mode_t mode)
{
	static char paths[4][512];
	static int slot;
	char *path = paths[slot++ % 4];
	int fd;

	snprintf(path, 512, "%s/%s", fx->dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static const char *write_text(struct fixture *fx, const char *name, const char *text,
                              mode_t mode)
{
	return write_file(fx, name, text, strlen(text), mode);
}

/* A pipe holding data, write end closed: the read end is returned (closed in teardown). */
static int pipe_with(struct fixture *fx, const void *data, size_t n)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, n), (ssize_t)n);
	close(p[1]);
	assert_true(fx->nfds < 4);
	fx->fds[fx->nfds++] = p[0];
	return p[0];
}

static struct secret_source no_source(void)
{
	struct secret_source src = {.what = "PIN", .fd = -1};

	return src;
}

static void assert_secret(const struct secret *s, const char *expected)
{
	assert_string_equal(s->data, expected);
	assert_int_equal(s->len, strlen(expected));
}

/* Nothing of a secret is left: not only the first byte, the whole buffer a reader may fill. */
static void assert_wiped(const struct secret *s)
{
	assert_int_equal(s->len, 0);
	assert_non_null(s->data);
	for (size_t i = 0; i < SECRET_BUF; i++) {
		if (s->data[i] != '\0')
			fail_msg("byte %zu of %d in the secret buffer is 0x%02x: not wiped", i, SECRET_BUF,
			         (unsigned)(unsigned char)s->data[i]);
	}
}

/* secret_set and secret_copy: the one way a secret moves from one buffer to another. */
static void test_secret_set_and_copy(void **state)
{
	struct secret a, b;
	char longest[SECRET_MAX + 2];

	(void)state;
	assert_int_equal(secret_init(&a), 0);
	assert_int_equal(secret_init(&b), 0);
	assert_int_equal(secret_set(&a, "123456789", 9), 0);
	assert_int_equal(secret_set(&a, "1234xx", 4), 0);
	assert_string_equal(a.data, "1234");
	assert_int_equal(a.len, 4);
	/* The longer secret that was there before is wiped, not only cut by the NUL. */
	assert_int_equal(a.data[5], '\0');
	assert_int_equal(a.data[8], '\0');
	secret_copy(&b, &a);
	assert_string_equal(b.data, "1234");
	assert_int_equal(b.len, 4);
	memset(longest, 'p', sizeof longest);
	assert_int_equal(secret_set(&a, longest, SECRET_MAX), 0);
	assert_int_equal(a.len, SECRET_MAX);
	assert_int_equal(secret_set(&a, longest, SECRET_MAX + 1), -1);
	assert_int_equal(a.len, SECRET_MAX);
	secret_copy(&a, &a);
	assert_int_equal(a.len, SECRET_MAX);
	secret_free(&a);
	secret_free(&b);
}

static void test_nothing_configured(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	assert_wiped(&fx->s);
}

static void test_file_plain(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "123456", 0600);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "123456");
}

static void test_file_newline_trimmed(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "123456\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "123456");

	src.file = write_text(fx, "pin2", "s3cr3t pass\r\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "s3cr3t pass");
}

static void test_file_read_again(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	/* A file, unlike a descriptor, gives its secret every time. */
	src.file = write_text(fx, "pin", "4711\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "4711");
}

static void test_file_two_lines(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "1234\n5678\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.file = write_text(fx, "pin2", "1234\n5678", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.file = write_text(fx, "pin3", "1234\r5678\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	/* A blank line after the secret is a second line too. */
	src.file = write_text(fx, "pin4", "1234\n\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_file_empty(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.file = write_text(fx, "pin2", "\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.file = write_text(fx, "pin3", "\r\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_file_missing(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char path[512];

	snprintf(path, sizeof path, "%s/does-not-exist", fx->dir);
	src.file = path;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	assert_non_null(strstr(fx->err, "cannot read the PIN: "));
	assert_non_null(strstr(fx->err, "does-not-exist"));
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_file_not_private(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	/* Mode bits, not access: this holds for root as well. */
	src.file = write_text(fx, "pin", "123456\n", 0644);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);

	src.file = write_text(fx, "pin2", "123456\n", 0640);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);

	src.file = write_text(fx, "pin3", "123456\n", 0604);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);

	src.file = write_text(fx, "pin4", "123456\n", 0610);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
}

static void test_file_private_modes_accepted(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "123456\n", 0600);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "123456");
	src.file = write_text(fx, "pin2", "654321\n", 0400);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "654321");
}

/*
 * Every secret's file must be private, the management password's as the PIN's: the flag that
 * once let a management password file be read by others is gone.
 */
static void test_every_file_must_be_private(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.what = "management password";
	src.file = write_text(fx, "password", "hunter2\n", 0644);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "refusing the management password file"));
	assert_non_null(strstr(fx->err, "can be read by other users"));
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_non_null(strstr(fx->err, "can be read by other users"));
	assert_wiped(&fx->s);
	/* A credential as well: whoever could read it has the secret. */
	src = no_source();
	write_text(fx, "management-password", "hunter2\n", 0640);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "management-password";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

/* The reason goes to the caller's err, whole, naming the source: nothing is printed. */
static void test_reasons_in_err(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "two", "1\n2\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_string_equal(fx->err, "the PIN source holds more than one line");
	src.file = write_text(fx, "empty", "", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_string_equal(fx->err, "the PIN source is empty");
}

/*
 * A secret is judged by the descriptor it is read from: a FIFO (--pin-file <(...)) is judged
 * without blocking and read once, and a link to a private file of ours is that file.
 */
static void test_fifo_and_link(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char fifo[512], link[512];
	pid_t writer;
	int status;

	snprintf(fifo, sizeof fifo, "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	src.file = fifo;
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	/* A writer as bash's <(...) is: it writes once the reader opens, then ends. */
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		int wfd = open(fifo, O_WRONLY);

		_exit(wfd >= 0 && write(wfd, "424242\n", 7) == 7 ? 0 : 1);
	}
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "424242");
	assert_int_equal(waitpid(writer, &status, 0), writer);
	assert_int_equal(status, 0);

	snprintf(link, sizeof link, "%s/link", fx->dir);
	assert_int_equal(symlink(write_text(fx, "target", "777\n", 0600), link), 0);
	src.file = link;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "777");
	assert_int_equal(chmod(link, 0644), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
}

static void test_fd_read_once(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.fd = pipe_with(fx, "2468\n", 5);
	assert_int_equal(secret_source_check(&src, fx->err, sizeof fx->err), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "2468");
	assert_true(src.fd_consumed);
	/* Closed once read: nothing started later can hold the PIN's descriptor. */
	assert_int_equal(fcntl(src.fd, F_GETFD), -1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	assert_wiped(&fx->s);
}

static void test_fd_crlf_and_no_newline(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.fd = pipe_with(fx, "pw one\r\n", 8);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "pw one");

	src = no_source();
	src.fd = pipe_with(fx, "1357", 4);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "1357");
}

static void test_fd_empty_and_two_lines(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.fd = pipe_with(fx, "", 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	assert_true(src.fd_consumed);

	src = no_source();
	src.fd = pipe_with(fx, "1234\n5678\n", 10);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_fd_bad(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	int fd = open("/dev/null", O_RDONLY);

	assert_true(fd >= 0);
	close(fd); /* now certainly not open */
	src.fd = fd;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	assert_true(src.fd_consumed);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
}

static void test_credential(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	write_text(fx, "pin", "112233\n", 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "pin";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "112233");
	/* A credential, like a file, may be read again. */
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "112233");
}

static void test_credential_absent(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.credential = "pin";
	/* No CREDENTIALS_DIRECTORY. */
	write_text(fx, "pin", "112233\n", 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	/* Empty CREDENTIALS_DIRECTORY. */
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", "", 1), 0);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	/* A directory without that credential. */
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "management-password";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	assert_wiped(&fx->s);
	/* No credential name. */
	src.credential = NULL;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
}

static void test_credential_bad_content(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	write_text(fx, "pin", "1\n2\n", 0600);
	write_text(fx, "empty", "", 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "pin";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.credential = "empty";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_disabled(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.file = write_text(fx, "pin", "123456\n", 0600);
	src.fd = pipe_with(fx, "999\n", 4);
	write_text(fx, "cred", "777\n", 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "cred";
	src.disabled = true;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 0);
	assert_wiped(&fx->s);
	assert_false(src.fd_consumed);
}

static void test_precedence(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	write_text(fx, "cred", "from-credential\n", 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "cred";
	src.fd = pipe_with(fx, "from-fd\n", 8);
	src.file = write_text(fx, "file", "from-file\n", 0600);

	/* The file first, and the descriptor stays unread. */
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "from-file");
	assert_false(src.fd_consumed);

	/* Without the file: the descriptor, once. */
	src.file = NULL;
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "from-fd");
	assert_true(src.fd_consumed);

	/* After that: the credential. */
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "from-credential");
}

static void test_failing_file_does_not_fall_back(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();

	src.fd = pipe_with(fx, "from-fd\n", 8);
	src.file = write_text(fx, "file", "from-file\n", 0644);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	assert_false(src.fd_consumed);
}

static void test_longest_secret(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char data[SECRET_MAX + 1];

	memset(data, 'k', SECRET_MAX);
	data[SECRET_MAX] = '\0';
	src.file = write_file(fx, "pin", data, SECRET_MAX, 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, data);

	src = no_source();
	src.fd = pipe_with(fx, data, SECRET_MAX);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, data);
}

/*
 * A SECRET_MAX-byte secret followed by the newline the module trims is taken (it was once
 * refused as "too large", the newline counted against the limit).
 */
static void test_longest_secret_with_newline(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char data[SECRET_MAX + 2];

	memset(data, 'k', SECRET_MAX);
	data[SECRET_MAX] = '\n';
	data[SECRET_MAX + 1] = '\0';
	src.file = write_file(fx, "pin", data, SECRET_MAX + 1, 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), 1);
	data[SECRET_MAX] = '\0';
	assert_secret(&fx->s, data);
}

/* One byte over the limit, with or without a newline after it, is refused, not cut. */
static void test_one_over_longest(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char data[SECRET_MAX + 2];

	memset(data, 'k', SECRET_MAX + 1);
	data[SECRET_MAX + 1] = '\n';
	src.file = write_file(fx, "pin", data, SECRET_MAX + 1, 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	src.file = write_file(fx, "pin2", data, SECRET_MAX + 2, 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);

	src = no_source();
	src.fd = pipe_with(fx, data, SECRET_MAX + 1);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

static void test_too_long_file(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char data[300];

	memset(data, 'x', sizeof data);
	src.file = write_file(fx, "pin", data, sizeof data, 0600);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);

	write_file(fx, "cred", data, sizeof data, 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src = no_source();
	src.credential = "cred";
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

/*
 * A descriptor that holds more than SECRET_MAX bytes without a newline is refused like an
 * over-long file, not cut to its head (a wrong PIN sent that way would cost a try on the token).
 */
static void test_too_long_fd(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = no_source();
	char data[300];

	memset(data, 'x', sizeof data);
	src.fd = pipe_with(fx, data, sizeof data);
	assert_int_equal(secret_source_read(&src, &fx->s, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
}

/* ---- two secrets from one file: --auth-user-pass-file --------------------------------------- */

static void read_pair_expect(struct fixture *fx, const char *content, size_t n, int rc,
                             const char *user, const char *pass)
{
	struct secret_source src = {.what = "username/password", .fd = -1};
	struct secret second;

	assert_int_equal(secret_init(&second), 0);
	src.file = write_file(fx, "up", content, n, 0600);
	assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), rc);
	if (rc == 1) {
		assert_secret(&fx->s, user);
		assert_secret(&second, pass);
		/* nothing of the second line is left behind the first in its buffer */
		for (size_t i = fx->s.len; i < 2 * SECRET_BUF; i++)
			assert_int_equal(fx->s.data[i], 0);
	} else {
		assert_wiped(&fx->s);
		for (size_t i = SECRET_BUF; i < 2 * SECRET_BUF; i++)
			assert_int_equal(fx->s.data[i], 0);
		assert_wiped(&second);
	}
	secret_free(&second);
}

static void test_pair_forms(void **state)
{
	struct fixture *fx = *state;

	read_pair_expect(fx, "alice\ns3cret pass\n", 18, 1, "alice", "s3cret pass");
	read_pair_expect(fx, "alice\ns3cret pass", 17, 1, "alice", "s3cret pass");
	read_pair_expect(fx, "alice\r\np\"w\\#\r\n", 13, 1, "alice", "p\"w\\#");
	read_pair_expect(fx, "alice\n", 6, 1, "alice", "");    /* username only */
	read_pair_expect(fx, "alice", 5, 1, "alice", "");
	read_pair_expect(fx, "alice\n\n", 7, 1, "alice", "");
}

static void test_pair_refused(void **state)
{
	struct fixture *fx = *state;
	char big[2 * SECRET_MAX + 4];

	read_pair_expect(fx, "", 0, -1, NULL, NULL);
	read_pair_expect(fx, "\npass\n", 6, -1, NULL, NULL);
	read_pair_expect(fx, "a\nb\nc\n", 6, -1, NULL, NULL);
	read_pair_expect(fx, "a\nb\n\n", 5, -1, NULL, NULL);
	read_pair_expect(fx, "a\0b\npass\n", 9, -1, NULL, NULL);
	read_pair_expect(fx, "a\npa\rss\n", 9, -1, NULL, NULL);
	/* each line at most SECRET_MAX bytes: the longest pair is taken, one more byte refused */
	memset(big, 'u', SECRET_MAX);
	big[SECRET_MAX] = '\n';
	memset(big + SECRET_MAX + 1, 'p', SECRET_MAX);
	big[2 * SECRET_MAX + 1] = '\n';
	big[2 * SECRET_MAX + 2] = '\0';
	{
		struct secret_source src = {.what = "u/p", .fd = -1};
		struct secret second;

		assert_int_equal(secret_init(&second), 0);
		src.file = write_file(fx, "big", big, 2 * SECRET_MAX + 2, 0600);
		assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), 1);
		assert_int_equal(fx->s.len, SECRET_MAX);
		assert_int_equal(second.len, SECRET_MAX);
		secret_free(&second);
	}
	memset(big, 'u', SECRET_MAX + 1);
	big[SECRET_MAX + 1] = '\n';
	read_pair_expect(fx, big, SECRET_MAX + 2, -1, NULL, NULL);
	memset(big, 'x', sizeof big);
	read_pair_expect(fx, big, sizeof big, -1, NULL, NULL);
}

static void test_pair_private_and_credential(void **state)
{
	struct fixture *fx = *state;
	struct secret_source src = {.what = "u/p", .fd = -1};
	struct secret second;

	assert_int_equal(secret_init(&second), 0);
	src.file = write_text(fx, "open", "alice\npw\n", 0644);
	assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), -1);
	assert_wiped(&fx->s);
	assert_wiped(&second);

	src.file = NULL;
	assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), 0);
	write_text(fx, "auth-user-pass", "bob\npw2\n", 0600);
	assert_int_equal(setenv("CREDENTIALS_DIRECTORY", fx->dir, 1), 0);
	src.credential = "auth-user-pass";
	assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), 1);
	assert_secret(&fx->s, "bob");
	assert_secret(&second, "pw2");
	src.disabled = true;
	assert_int_equal(secret_source_read_pair(&src, &fx->s, &second, fx->err, sizeof fx->err), 0);
	assert_wiped(&fx->s);
	assert_wiped(&second);
	secret_free(&second);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_set_and_copy),
		cmocka_unit_test_setup_teardown(test_nothing_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_newline_trimmed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_read_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_two_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_not_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_private_modes_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_file_must_be_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reasons_in_err, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_and_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_read_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_crlf_and_no_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_empty_and_two_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credential, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credential_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credential_bad_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_file_does_not_fall_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_secret_with_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_over_longest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_private_and_credential, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
