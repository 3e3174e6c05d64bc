/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What start and serve both do with a config before openvpn gets it: judge its lines, write
 * the copy without its pkcs11-* lines that --external-key needs, and name the program.
 */
#ifndef OVPN_TOKEN_CMD_OPENVPN_SETUP_H
#define OVPN_TOKEN_CMD_OPENVPN_SETUP_H

#include <stddef.h>

#include "openvpn/config.h"
#include "openvpn/config_check.h"

/*
 * Says each finding of config_check() (a FAIL as an error, with the line named); -1 when one
 * FAILed: the config is refused.
 */
int setup_check_config(const struct ovpn_config_settings *settings,
                        const struct config_check_mode *mode, const char *config);
/*
 * The config at config without its pkcs11-* lines (which OpenVPN refuses next to the external
 * key), written to path, a file only we can read.  -1 after saying why.
 */
int setup_write_config_copy(const char *config, const char *path);
/*
 * The openvpn program: given (--openvpn) made absolute when it is a path, since openvpn runs in
 * the config's folder; without one, the one this system has (plat_find_openvpn).
 */
void setup_program_path(const char *given, char *out, size_t outsz);

#endif
