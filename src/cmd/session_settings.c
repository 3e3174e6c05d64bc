/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's settings from the command line (session_settings.h). */
#include "cmd/session_settings.h"

struct session_settings session_settings_from(const struct options *opts,
                                              enum session_key_mode key_mode)
{
	return (struct session_settings){
		.key_mode = key_mode,
		.cert_pattern = opts->cert_pattern,
		.provider = opts->provider,
		.pin_file = opts->pin_file,
		.pin_fd = opts->pin_fd,
		.auth_user_pass_file = opts->auth_user_pass_file,
		.mgmt_password_file = opts->mgmt_password_file,
		.mgmt_password_fd = opts->mgmt_password_fd,
		.status_file = opts->status_file,
		.batch = opts->batch,
		.no_cache = opts->no_cache,
		.restart = opts->restart,
		.keep_tunnel_on_removal = opts->removal_mode == REMOVAL_KEEP,
	};
}
