/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's settings from the command line: what start, attach and connect tell it. */
#ifndef OVPN_TOKEN_CMD_SESSION_SETTINGS_H
#define OVPN_TOKEN_CMD_SESSION_SETTINGS_H

#include "cli/options.h"
#include "session/settings.h"

/* The session options of opts (cli/commands.h's SESSION_OPTIONS) and the command's key mode. */
struct session_settings session_settings_from(const struct options *opts,
                                              enum session_key_mode key_mode);

#endif
