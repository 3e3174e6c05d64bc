/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What start and serve share to run openvpn for a config (openvpn_setup.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/openvpn_setup.h"
#include "platform/platform.h"
#include "ui/output.h"

int setup_check_config(const struct ovpn_config_settings *settings,
                        const struct config_check_mode *mode, const char *config)
{
	struct config_finding found[CONFIG_MAX_FINDINGS];
	size_t n = config_check(settings, mode, found, CONFIG_MAX_FINDINGS);
	int fails = 0;
	char where[OVPN_CONFIG_PATH_MAX + 32];

	for (size_t i = 0; i < n; i++) {
		if (found[i].line > 0)
			snprintf(where, sizeof where, "%s line %d", config, found[i].line);
		else
			snprintf(where, sizeof where, "%s", config);
		if (found[i].severity == CONFIG_FAIL) {
			out_error("%s: %s", where, found[i].text);
			fails++;
		} else if (found[i].severity == CONFIG_WARN) {
			out_warning("%s: %s", where, found[i].text);
		} else {
			out_verbose("%s: %s", where, found[i].text);
		}
	}
	return fails > 0 ? -1 : 0;
}

int setup_write_config_copy(const char *config, const char *path)
{
	char err[600], *text;
	size_t len;
	int rc;

	if (ovpn_config_without_pkcs11(config, &text, &len, err, sizeof err) != 0) {
		out_error("%s", err);
		return -1;
	}
	rc = plat_write_private_file(path, text, len, err, sizeof err);
	free(text);
	if (rc != 0)
		out_error("%s", err);
	return rc;
}

void setup_program_path(const char *given, char *out, size_t outsz)
{
	if (given == NULL)
		plat_find_openvpn(out, outsz);
	else if (strpbrk(given, "/\\") == NULL || plat_absolute_path(given, out, outsz) != 0)
		snprintf(out, outsz, "%s", given);
}
