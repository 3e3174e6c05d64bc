/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The allow-list of served tunnels (allow.h); doc/serve.md shows the same table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "served/allow.h"

/* Words in a member's command: ovpn-token-state has five, OpenVPN's commands three at most. */
#define WORDS_MAX 5

struct allowed {
	const char *verb;
	int min_args, max_args;
	const char *const *first; /* the first argument must be one of these (NULL: any) */
	bool number;              /* the first argument is a whole number */
	bool block;
	bool local;               /* serve keeps it: never sent to openvpn */
	const char *why;          /* why a member needs it: the table's reason */
};

static const char *const hold_args[] = {"release", "on", NULL};
static const char *const on_off[] = {"on", "off", NULL};
static const char *const auth_type[] = {"Auth", NULL};
static const char *const reconnect[] = {"SIGHUP", "SIGUSR1", NULL};

/*
 * Everything a client of a served tunnel needs, and nothing more.  Not here, so refused: "hold
 * off" (openvpn must wait in its hold for the next member), "signal SIGTERM/SIGINT/SIGUSR2"
 * and "exit"/"quit" semantics beyond the member's own connection (openvpn is root's), "log
 * all", "state all", "echo", bare "state"/"log N" (an earlier member's history), "status",
 * "kill", "client-*", "remote", "proxy", "auth-retry", "pkcs11-*", "env-filter", "load-stats",
 * "pid", "help", bare "version", "username"/"password" for anything but the server's login.
 */
static const struct allowed table[] = {
	{"hold", 0, 1, hold_args, false, false, false,
	 "\"hold release\" starts the member's own session; the bare query and \"hold on\" are how "
	 "a client takes the tunnel down while its token is away"},
	{"certificate", 0, 0, NULL, false, true, false,
	 "answers >NEED-CERTIFICATE with the member's own certificate"},
	{"pk-sig", 0, 0, NULL, false, true, false,
	 "answers >PK_SIGN with a signature made on the member's own token"},
	{"username", 2, 2, auth_type, false, false, false,
	 "the server's own login (auth-user-pass), when openvpn asks for it (>PASSWORD:Need 'Auth')"},
	{"password", 2, 2, auth_type, false, false, false,
	 "the server's own login (auth-user-pass, a static challenge's answer)"},
	{"cr-response", 1, 1, NULL, false, false, false,
	 "the answer to the server's challenge in this session (>INFOMSG:CR_TEXT)"},
	{"needok", 2, 2, NULL, false, false, false,
	 "answers a question openvpn itself asked in this session (>NEED-OK)"},
	{"needstr", 2, 2, NULL, false, false, false,
	 "answers a question openvpn itself asked in this session (>NEED-STR)"},
	{"state", 1, 1, on_off, false, false, false,
	 "the tunnel's state from now on (not its history: \"state all\" and bare \"state\" are "
	 "refused)"},
	{"log", 1, 1, on_off, false, false, false,
	 "openvpn's log from now on: why a connection failed (not its history: \"log all\", "
	 "\"log N\" are refused)"},
	{"bytecount", 1, 1, NULL, true, false, false, "traffic counts of the member's own session"},
	{"signal", 1, 1, reconnect, false, false, false,
	 "a reconnect: the removal watch takes the tunnel down, a restart reads the config again "
	 "(openvpn ends only when root stops serve)"},
	{"forget-passwords", 0, 0, NULL, false, false, false,
	 "drops the member's own login when the token is pulled"},
	{"version", 1, 1, NULL, true, false, false,
	 "announces what the client understands (the external key's signature algorithms)"},
	{"ovpn-token-state", 4, 4, NULL, false, false, true,
	 "serve's own, never sent to openvpn: the member's session state (state, time, tunnel IP, "
	 "remote: TOKEN_REMOVED is the member's to know) for the holder file and `status`"},
};

#define TABLE_SIZE (sizeof table / sizeof table[0])

const char *allow_verbs(void)
{
	static char list[256];

	if (list[0] == '\0') {
		size_t n = 0;

		for (size_t i = 0; i < TABLE_SIZE; i++)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i > 0 ? ", " : "",
			                      table[i].verb);
	}
	return list;
}

static bool printable(const char *text, size_t len, bool tab_ok)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if ((ch < 0x20 && !(tab_ok && ch == '\t')) || ch == 0x7f)
			return false;
	}
	return true;
}

bool allow_block_line(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch < 0x20 || ch >= 0x7f)
			return false;
	}
	return len < MGMT_COMMAND_MAX;
}

static bool one_of(const char *word, const char *const *set)
{
	for (; *set != NULL; set++) {
		if (strcmp(word, *set) == 0)
			return true;
	}
	return false;
}

static bool whole_number(const char *word)
{
	char *end;
	long n;

	if (word[0] < '0' || word[0] > '9')
		return false;
	n = strtol(word, &end, 10);
	return *end == '\0' && n >= 0 && n <= 100000;
}

static void refuse(struct allow_verdict *v, const char *why)
{
	v->allowed = false;
	v->why = why;
}

/* The words as OpenVPN's own lexer splits them; -1 on what it would not take. */
static int split(const char *text, char words[WORDS_MAX][MGMT_PARAM_MAX], int *n)
{
	int i = 0;

	*n = 0;
	for (;;) {
		int used;

		while (text[i] == ' ' || text[i] == '\t')
			i++;
		if (text[i] == '\0')
			return 0;
		if (*n == WORDS_MAX || text[i] == '#' || text[i] == ';')
			return -1;
		used = mgmt_unquote_param(text + i, words[*n], MGMT_PARAM_MAX);
		if (used <= 0)
			return -1;
		i += used;
		(*n)++;
		/* A quoted word must end where a word ends, as OpenVPN's lexer would have it. */
		if (text[i] != '\0' && text[i] != ' ' && text[i] != '\t')
			return -1;
	}
}

static const struct allowed *lookup(const char *verb)
{
	for (size_t i = 0; i < TABLE_SIZE; i++) {
		if (strcmp(table[i].verb, verb) == 0)
			return &table[i];
	}
	return NULL;
}

static const char *args_refusal(const struct allowed *a, char words[WORDS_MAX][MGMT_PARAM_MAX],
                                int nargs)
{
	if (nargs < a->min_args || nargs > a->max_args)
		return "not with these arguments for members of a served tunnel";
	if (nargs > 0 && a->first != NULL && !one_of(words[1], a->first))
		return "not with this argument for members of a served tunnel";
	if (nargs > 0 && a->number && !whole_number(words[1]))
		return "its argument must be a whole number";
	return NULL;
}

void allow_judge(const char *text, size_t len, int mgmt_version, struct allow_verdict *v)
{
	char words[WORDS_MAX][MGMT_PARAM_MAX];
	const char *argv[WORDS_MAX + 1];
	const struct allowed *a;
	const char *why;
	int n;

	memset(v, 0, sizeof *v);
	if (len != strlen(text) || !printable(text, len, true)) {
		refuse(v, "a command holds a control byte or NUL");
		return;
	}
	if (len >= MGMT_COMMAND_MAX || split(text, words, &n) != 0) {
		refuse(v, "a command OpenVPN's lexer would not take as it is (quotes, comments, too "
		          "long or too many words)");
		return;
	}
	if (n == 0)
		return;
	snprintf(v->verb, sizeof v->verb, "%.31s", words[0]);
	a = lookup(words[0]);
	if (a == NULL) {
		refuse(v, "not for members of a served tunnel");
		goto wipe;
	}
	why = args_refusal(a, words, n - 1);
	if (why != NULL) {
		refuse(v, why);
		goto wipe;
	}
	for (int i = 1; i < n; i++)
		argv[i - 1] = words[i];
	argv[n - 1] = NULL;
	if (mgmt_command_build(v->line, sizeof v->line, &v->len, words[0], argv) != MGMT_CMD_OK) {
		refuse(v, "a command OpenVPN could not take (too long or a bad byte)");
		goto wipe;
	}
	v->allowed = true;
	v->block = a->block;
	v->local = a->local;
	for (int i = 1; a->local && i < n && i <= 4; i++)
		snprintf(v->args[i - 1], sizeof v->args[0], "%.63s", words[i]);
	v->reply = ALLOW_REPLY_LINE;
	/* "version N": 2.6 never answers; 2.7 (management version 6) answers N > 3. */
	if (strcmp(a->verb, "version") == 0 && (mgmt_version < 6 || atoi(words[1]) <= 3))
		v->reply = ALLOW_REPLY_NONE;
wipe:
	/* The words may hold a password. */
	memset(words, 0, sizeof words);
}
