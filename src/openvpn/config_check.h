/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a config's lines mean for a managed start, judged once for both `start` (which refuses a
 * config with a FAIL and shows the warnings) and `doctor` (which lists them all).
 */
#ifndef OVPN_TOKEN_CONFIG_CHECK_H
#define OVPN_TOKEN_CONFIG_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "openvpn/config.h"

enum config_severity { CONFIG_NOTE, CONFIG_WARN, CONFIG_FAIL };

struct config_finding {
	enum config_severity severity;
	int line;          /* 0 when it is about the config as a whole */
	char text[480];    /* what it means and what to do, without the config's name */
};

#define CONFIG_MAX_FINDINGS 8

/* What the command line adds to the judgment. */
struct config_check_mode {
	bool cert_pattern;  /* --cert */
	bool external_key;  /* ovpn-token signs (--external-key, or signer_choose()) */
};

/* Returns the number of findings put in out. */
size_t config_check(const struct ovpn_config_settings *settings, const struct config_check_mode *mode,
                    struct config_finding *out, size_t max);

#endif
