/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The whole session under libFuzzer: the input is one byte of options and the person's habits,
 * then what OpenVPN sends (with the step and Ctrl-C marks of tests/lib/session_io_script.h).  The
 * session runs twice over it (a restart of openvpn), through its io seam with a scripted
 * person and a stub token; no OpenSSL, no terminal, no sockets.
 *
 * Invariants besides "no crash, no leak": every run ends (the script's person presses Ctrl-C
 * when nothing else can happen; libFuzzer's -timeout catches a loop that never waits), and
 * the result is one of the exit codes.
 */
#include <stdint.h>
#include <string.h>

#include "exit_codes.h"
#include "cert/cert_info.h"
#include "cert/backend.h"
#include "platform/platform.h"
#include "session/session.h"
#include "fuzz_common.h"
#include "../lib/session_io_script.h"

/* ---- the few platform calls the session makes outside its io (secrets, status file) ---- */

void *plat_secure_alloc(size_t n)
{
	return calloc(1, n);
}

void plat_secure_free(void *p, size_t n)
{
	(void)n;
	free(p);
}

void plat_wipe(void *p, size_t n)
{
	if (p != NULL)
		memset(p, 0, n);
}

void plat_keep_from_children(int fd)
{
	(void)fd;
}

void plat_close_fd(int fd)
{
	(void)fd;
}

bool plat_interactive(void)
{
	return false;
}

int plat_replace_file(const char *path, const void *data, size_t n, char *err, size_t errsz)
{
	(void)path, (void)data, (void)n, (void)err, (void)errsz;
	return 0;
}

int plat_file_is_private(const char *path, char *err, size_t errsz)
{
	(void)path, (void)err, (void)errsz;
	return 0;
}

long plat_read_private_file(const char *path, char *buf, size_t bufsz, char *err, size_t errsz)
{
	(void)path, (void)buf, (void)bufsz;
	snprintf(err, errsz, "no files here");
	return -1;
}

long plat_read_fd(int fd, char *buf, size_t bufsz, char *err, size_t errsz)
{
	(void)fd, (void)buf, (void)bufsz;
	snprintf(err, errsz, "no descriptors here");
	return -1;
}

/* No crypto backend: BLOBs from the peer decode (base64 is real) but describe nothing. */
int cert_backend_describe(const unsigned char *der, size_t len, struct cert_info *out)
{
	(void)der, (void)len, (void)out;
	return -1;
}

static const char *const habits[] = {
	"1234", "1", "y", "", ANSWER_WATCH, ANSWER_EOF, "2", ANSWER_CTRL_C, "4321", "n",
};

static int run_once(struct session *s, struct script *sc, uint8_t flags, uint8_t who,
                    const char *input, size_t len)
{
	struct session_world world;
	int rc;

	script_init(sc, input, len);
	sc->interactive = flags & 4;
	sc->provider = flags & 16;
	sc->pin_state = (enum p11_pin_state)(1 + ((flags >> 5) & 3));
	sc->certs_from_listing = who & 3;
	sc->certs_on_token = (who >> 2) & 3;
	sc->present_from_listing = (who >> 4) & 3;
	/* The external key's signer: absent for a while, a PIN that may lock, a login that drops. */
	sc->xkey_absent_selects = (who >> 4) & 3;
	sc->xkey_pin = (who & 64) ? "4321" : "1234";
	sc->xkey_wrong_locks = flags & 32;
	sc->xkey_state = sc->pin_state;
	sc->xkey_nsign = 0;
	if (who & 128)
		sc->xkey_sign[sc->xkey_nsign++] = (enum p11_sign_result)((who >> 2) % 6);
	sc->desktop = who & 64; /* (shared with xkey_pin: both only vary the run) */
	for (size_t i = 0; i < SCRIPT_MAX_ANSWERS; i++)
		sc->answers[sc->nanswers++] = habits[(who + i * (1 + (who >> 6))) %
		                                     (sizeof habits / sizeof habits[0])];
	world = script_world(sc);
	rc = session_run(s, &world);
	CHECK(rc >= EXIT_OK && rc <= EXIT_AUTH_REFUSED && rc != EXIT_CHECK_FAILED &&
	      rc != EXIT_PROVIDER && rc != EXIT_ALREADY_RUNNING);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct script sc;
	struct session_settings opts;
	struct session *s;
	char *input;

	if (size < 2)
		return 0;
	memset(&opts, 0, sizeof opts);
	opts.pin_fd = opts.mgmt_password_fd = -1;
	opts.batch = data[0] & 1;
	opts.no_cache = data[0] & 2;
	opts.cert_pattern = (data[0] & 128) ? "tok" : NULL;
	opts.key_mode = (data[1] & 3) == 3 ? SESSION_KEY_EXTERNAL : SESSION_KEY_OPENVPN;
	input = malloc(size - 2 + 1);
	if (input == NULL)
		return 0;
	memcpy(input, data + 2, size - 2);
	input[size - 2] = '\0';
	s = session_new(&opts, data[0] & 8);
	if (s != NULL) {
		run_once(s, &sc, data[0], data[1], input, size - 2);
		run_once(s, &sc, data[0], data[1], input, size - 2);
	}
	session_free(s);
	free(input);
	return 0;
}
