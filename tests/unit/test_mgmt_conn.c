/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mgmt/conn.c against a peer that behaves as openvpn on Windows does: a multi-line reply
 * (certificate, pk-sig) must not have more than its first line waiting to be read while that
 * line's echo is written, so the rest goes only after the echo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mgmt/conn.h"
#include "platform/platform.h"

static const char reply[] = "certificate\n-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\nEND\n";

struct bed {
	char dir[64];
	struct mgmt_address addr;
	struct mgmt_conn conn;
	int lfd, peer;
};

static void bed_up(struct bed *b)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char err[256];

	memset(b, 0, sizeof *b);
	snprintf(b->dir, sizeof b->dir, "/tmp/test_mgmt_conn_XXXXXX");
	assert_non_null(mkdtemp(b->dir));
	b->addr.is_unix = true;
	snprintf(b->addr.path, sizeof b->addr.path, "%s/s", b->dir);
	memcpy(sun.sun_path, b->addr.path, strlen(b->addr.path) + 1);
	b->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(b->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	assert_int_equal(listen(b->lfd, 1), 0);
	assert_int_equal(mgmt_conn_open(&b->conn, &b->addr, err, sizeof err), 0);
	b->conn.split_replies = true; /* openvpn.exe's way, here on a POSIX socket */
	b->peer = accept(b->lfd, NULL, NULL);
	assert_true(b->peer >= 0);
}

static void bed_down(struct bed *b)
{
	mgmt_conn_close(&b->conn);
	close(b->peer);
	close(b->lfd);
	unlink(b->addr.path);
	rmdir(b->dir);
}

/* The peer says something; the connection reads it. */
static void peer_says(struct bed *b, const char *text)
{
	char err[256];

	assert_int_equal(write(b->peer, text, strlen(text)), (ssize_t)strlen(text));
	assert_true(mgmt_conn_fill(&b->conn, err, sizeof err) > 0);
}

/* What the peer read, and whether more came before it echoed the first line. */
struct peer_run {
	int fd;
	bool echo;                /* it echoes the first line */
	char got[512];
	size_t len;
	size_t before_echo;       /* bytes it had read when it echoed */
};

static bool read_some(struct peer_run *r, int ms)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, ms) != 1)
		return false;
	n = read(r->fd, r->got + r->len, sizeof r->got - 1 - r->len);
	if (n <= 0)
		return false;
	r->len += (size_t)n;
	r->got[r->len] = '\0';
	return true;
}

static void *peer_run(void *arg)
{
	struct peer_run *r = arg;
	static const char echo[] = ">LOG:1796664339,D,MANAGEMENT: CMD 'certificate'\r\n";

	while (strchr(r->got, '\n') == NULL && read_some(r, 5000))
		;
	/* What more arrives before the echo would be read while openvpn writes it. */
	while (read_some(r, 300))
		;
	r->before_echo = r->len;
	if (r->echo && write(r->fd, echo, sizeof echo - 1) != (ssize_t)(sizeof echo - 1))
		return NULL;
	while (strstr(r->got, "\nEND\n") == NULL && read_some(r, 5000))
		;
	return NULL;
}

static void send_against(struct bed *b, struct peer_run *r)
{
	pthread_t t;

	r->fd = b->peer;
	assert_int_equal(pthread_create(&t, NULL, peer_run, r), 0);
	assert_int_equal(mgmt_conn_send_lines(&b->conn, reply, sizeof reply - 1, true, 7), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(r->got, reply);
}

static void a_reply_waits_for_its_first_lines_echo(void **state)
{
	struct bed b;
	struct peer_run r = {.echo = true};
	char *line;
	size_t len;

	(void)state;
	bed_up(&b);
	peer_says(&b, ">LOG:1796664338,D,MANAGEMENT: CMD 'hold release'\r\n");
	assert_true(b.conn.echoes);
	assert_int_equal(mgmt_line_reader_next(&b.conn.reader, &line, &len), MGMT_LINE_OK);
	send_against(&b, &r);
	assert_int_equal(r.before_echo, strlen("certificate\n"));
	/* The echo read while waiting is the caller's next line. */
	assert_int_equal(mgmt_line_reader_next(&b.conn.reader, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, ">LOG:1796664339,D,MANAGEMENT: CMD 'certificate'");
	bed_down(&b);
}

static void without_echoes_the_reply_goes_whole(void **state)
{
	struct bed b;
	struct peer_run r = {.echo = false};

	(void)state;
	bed_up(&b);
	peer_says(&b, ">LOG:1796664338,I,Initialization Sequence Completed\r\n");
	assert_false(b.conn.echoes);
	send_against(&b, &r);
	assert_int_equal(r.before_echo, sizeof reply - 1);
	bed_down(&b);
}

/* An echo that never comes holds the rest back for a bounded time only. */
static void a_missing_echo_is_waited_for_a_bounded_time(void **state)
{
	struct bed b;
	struct peer_run r = {.echo = false};
	long long t0;

	(void)state;
	bed_up(&b);
	peer_says(&b, ">LOG:1796664338,D,MANAGEMENT: CMD 'hold release'\r\n");
	t0 = plat_now_ms();
	send_against(&b, &r);
	assert_true(plat_now_ms() - t0 >= 1900 && plat_now_ms() - t0 < 10000);
	bed_down(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reply_waits_for_its_first_lines_echo),
		cmocka_unit_test(without_echoes_the_reply_goes_whole),
		cmocka_unit_test(a_missing_echo_is_waited_for_a_bounded_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
