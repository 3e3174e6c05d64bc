/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/line_reader.h"
#include "../lib/mgmt_probe.h"

#define BLOB_LEN 5120
#define MAX_LINES 16

/*
 * What a whole session may look like: password prompt, greeting, a cert entry, mixed endings.
 * OpenVPN sends nothing after a bare prompt until we answer, so the first prompt always ends
 * a read; the stream's first PROMPT_LEN bytes are therefore fed on their own.
 */
#define PROMPT_LEN 15
static char stream[BLOB_LEN + 1024];
static size_t stream_len;
static char blob_line[BLOB_LEN + 64];
static const char *expected[MAX_LINES];
static size_t n_expected;

static void add(const char *bytes, const char *line)
{
	size_t n = strlen(bytes);

	assert_true(stream_len + n < sizeof stream);
	memcpy(stream + stream_len, bytes, n);
	stream_len += n;
	if (line != NULL)
		expected[n_expected++] = line;
}

static void build_stream(void)
{
	static char blob_wire[BLOB_LEN + 128];

	stream_len = 0;
	n_expected = 0;
	strcpy(blob_line, ">PKCS11ID-ENTRY:'0', ID:'x/45', BLOB:'");
	memset(blob_line + strlen(blob_line), 'Q', BLOB_LEN);
	blob_line[38 + BLOB_LEN] = '\0';
	strcat(blob_line, "'");
	snprintf(blob_wire, sizeof blob_wire, "%s\r\n", blob_line);

	add("ENTER PASSWORD:", "ENTER PASSWORD:");
	add("SUCCESS: password is correct\r\n", "SUCCESS: password is correct");
	add(">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n",
	    ">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info");
	add(">HOLD:Waiting for hold release:0\n", ">HOLD:Waiting for hold release:0");
	add("\r\n", "");
	add("\n", "");
	add("a\rb\r\n", "a\rb");
	add(blob_wire, blob_line);
	add("END\r\n", "END");
	add("ENTER PASSWORD:", "ENTER PASSWORD:");
}

/* Takes every complete line, checking it against the next expected one. */
static void drain(struct mgmt_line_reader *lr, size_t *seen)
{
	char *line;
	size_t len;
	enum mgmt_line_status st;

	while ((st = mgmt_line_reader_next(lr, &line, &len)) == MGMT_LINE_OK) {
		assert_true(*seen < n_expected);
		assert_int_equal(len, strlen(expected[*seen]));
		assert_string_equal(line, expected[*seen]);
		(*seen)++;
	}
	assert_int_equal(st, MGMT_LINE_NONE);
}

static void feed_all(struct mgmt_line_reader *lr, const char *data, size_t n, size_t *seen)
{
	while (n > 0) {
		size_t took = mgmt_line_reader_feed(lr, data, n);

		assert_true(took > 0);
		data += took;
		n -= took;
		drain(lr, seen);
	}
	drain(lr, seen);
}

static void test_whole(void **state)
{
	static struct mgmt_line_reader lr;
	size_t seen = 0;

	(void)state;
	build_stream();
	mgmt_line_reader_init(&lr);
	feed_all(&lr, stream, PROMPT_LEN, &seen);
	assert_int_equal(seen, 1);
	feed_all(&lr, stream + PROMPT_LEN, stream_len - PROMPT_LEN, &seen);
	assert_int_equal(seen, n_expected);
	assert_int_equal(n_expected, 10);
}

static void test_every_split(void **state)
{
	static struct mgmt_line_reader lr;
	size_t cut;

	(void)state;
	build_stream();
	for (cut = PROMPT_LEN; cut <= stream_len; cut++) {
		size_t seen = 0;

		mgmt_line_reader_init(&lr);
		feed_all(&lr, stream, PROMPT_LEN, &seen);
		feed_all(&lr, stream + PROMPT_LEN, cut - PROMPT_LEN, &seen);
		feed_all(&lr, stream + cut, stream_len - cut, &seen);
		if (seen != n_expected)
			fail_msg("split at %zu: %zu of %zu lines", cut, seen, n_expected);
	}
}

static void test_byte_by_byte_via_space(void **state)
{
	static struct mgmt_line_reader lr;
	size_t i, seen = 0;

	(void)state;
	build_stream();
	mgmt_line_reader_init(&lr);
	for (i = 0; i < stream_len; i++) {
		size_t room;
		char *dst = mgmt_line_reader_space(&lr, &room);

		assert_true(room >= 1);
		*dst = stream[i];
		mgmt_line_reader_commit(&lr, 1);
		drain(&lr, &seen);
	}
	assert_int_equal(seen, n_expected);
}

static void test_prompt_needs_exact_rest(void **state)
{
	static struct mgmt_line_reader lr;
	char *line;
	size_t len;

	(void)state;
	mgmt_line_reader_init(&lr);
	mgmt_line_reader_feed(&lr, "ENTER PASSWORD", 14);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
	/* 16 bytes without a line end is not the bare prompt: wait for the line end. */
	mgmt_line_reader_feed(&lr, ":x", 2);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
	mgmt_line_reader_feed(&lr, "\n", 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, "ENTER PASSWORD:x");
	assert_int_equal(len, 16);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
}

static void test_prompt_after_line_in_one_read(void **state)
{
	static struct mgmt_line_reader lr;
	static const char data[] = "ENTER PASSWORD:ENTER PASSWORD:";
	char *line;
	size_t len;

	(void)state;
	mgmt_line_reader_init(&lr);
	/* Two prompts in one read: 30 bytes are not "exactly the prompt", so wait. */
	mgmt_line_reader_feed(&lr, data, sizeof data - 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);

	mgmt_line_reader_init(&lr);
	mgmt_line_reader_feed(&lr, "SUCCESS: x\r\nENTER PASSWORD:", 27);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, "SUCCESS: x");
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, "ENTER PASSWORD:");
	assert_int_equal(len, 15);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
}

static void test_too_long(void **state)
{
	static struct mgmt_line_reader lr;
	static char data[MGMT_LINE_MAX + 10];
	char *line;
	size_t len, room;

	(void)state;
	memset(data, 'x', sizeof data);
	mgmt_line_reader_init(&lr);
	assert_int_equal(mgmt_line_reader_feed(&lr, data, MGMT_LINE_MAX - 1), MGMT_LINE_MAX - 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
	assert_int_equal(mgmt_line_reader_feed(&lr, data, 10), 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_TOO_LONG);
	/* Sticky: nothing more fits and the state does not go away. */
	assert_int_equal(mgmt_line_reader_feed(&lr, "\n", 1), 0);
	mgmt_line_reader_space(&lr, &room);
	assert_int_equal(room, 0);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_TOO_LONG);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_TOO_LONG);
}

static void test_longest_line_fits(void **state)
{
	static struct mgmt_line_reader lr;
	static char data[MGMT_LINE_MAX];
	char *line;
	size_t len;

	(void)state;
	memset(data, 'y', sizeof data);
	data[MGMT_LINE_MAX - 1] = '\n';
	mgmt_line_reader_init(&lr);
	mgmt_line_reader_feed(&lr, "z\n", 2);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	/* The consumed line is compacted away, so the full capacity is free again. */
	assert_int_equal(mgmt_line_reader_feed(&lr, data, sizeof data), sizeof data);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_int_equal(len, MGMT_LINE_MAX - 1);
	assert_int_equal(strlen(line), MGMT_LINE_MAX - 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
}

static void test_nul_inside_line(void **state)
{
	static struct mgmt_line_reader lr;
	static const char data[] = "ab\0cd\r\nEND\n";
	char *line;
	size_t len;

	(void)state;
	mgmt_line_reader_init(&lr);
	mgmt_line_reader_feed(&lr, data, sizeof data - 1);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(line, "ab\0cd", 5);
	assert_string_equal(line, "ab");
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, "END");
	assert_int_equal(len, 3);
}

static void test_lone_cr_kept(void **state)
{
	static struct mgmt_line_reader lr;
	char *line;
	size_t len;

	(void)state;
	mgmt_line_reader_init(&lr);
	mgmt_line_reader_feed(&lr, "a\r", 2);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_NONE);
	mgmt_line_reader_feed(&lr, "\r\n", 2);
	assert_int_equal(mgmt_line_reader_next(&lr, &line, &len), MGMT_LINE_OK);
	assert_string_equal(line, "a\r");
	assert_int_equal(len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_byte_by_byte_via_space),
		cmocka_unit_test(test_prompt_needs_exact_rest),
		cmocka_unit_test(test_prompt_after_line_in_one_read),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_longest_line_fits),
		cmocka_unit_test(test_nul_inside_line),
		cmocka_unit_test(test_lone_cr_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
