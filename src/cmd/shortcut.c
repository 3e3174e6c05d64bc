/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn-token shortcut NAME [--cert PATTERN] [--start-menu]: a "Connect NAME (token)" shortcut
 * on the Desktop (and in the Start menu) that runs "start NAME" in a console window, where the
 * PIN is typed and Ctrl-C or closing the window disconnects.  Windows only.
 */
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "cmd/cmd.h"
#include "platform/platform.h"
#include "ui/output.h"

/* "C:\vpn\office.ovpn" or "office" -> "office": what the shortcut is called. */
static void display_name(const char *config, char *out, size_t outsz)
{
	const char *base = config, *dot;
	size_t n;

	for (const char *p = config; *p != '\0'; p++)
		if (*p == '/' || *p == '\\' || *p == ':')
			base = p + 1;
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base &&
	            (strcmp(dot, ".ovpn") == 0 || strcmp(dot, ".conf") == 0)
	        ? (size_t)(dot - base)
	        : strlen(base);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}

static void report_link(const char *path)
{
	out_status("Created %s", path);
}

int cmd_shortcut(const struct options *opts)
{
	char name[128], title[160], description[300], config[512], found[512], err[600];
	const char *args[6];
	struct plat_shortcut sc;
	enum plat_shortcut_result rc;
	size_t n = 0;

	/*
	 * The shortcut starts in ovpn-token's own folder: a config given by a path must not depend
	 * on where this command was typed.  A bare name is looked up by start itself, later.
	 */
	if (strpbrk(opts->target, "/\\") != NULL) {
		if (plat_absolute_path(opts->target, config, sizeof config) != 0) {
			out_error("shortcut: the config's path is too long: %s", opts->target);
			return EXIT_USAGE;
		}
	} else {
		snprintf(config, sizeof config, "%s", opts->target);
	}
	display_name(config, name, sizeof name);
	snprintf(title, sizeof title, "Connect %s (token)", name);
	snprintf(description, sizeof description,
	         "Connect to the VPN %s with the smartcard or token (ovpn-token)", name);
	args[n++] = "start";
	args[n++] = config;
	if (opts->cert_pattern != NULL) {
		args[n++] = "--cert";
		args[n++] = opts->cert_pattern;
	}
	args[n] = NULL;
	sc.title = title;
	sc.args = args;
	sc.description = description;
	sc.start_menu = opts->start_menu;
	rc = plat_shortcut_create(&sc, report_link, err, sizeof err);
	if (rc != PLAT_SHORTCUT_MADE) {
		out_error("shortcut: %s", err);
		return rc == PLAT_SHORTCUT_FAILED ? EXIT_INTERNAL : EXIT_USAGE;
	}
	/* Not an error: the config may be put in place after the shortcut. */
	if (plat_resolve_config(config, found, sizeof found) != 0)
		out_warning("no config '%s' is there yet; the shortcut will run 'start %s' anyway",
		            config, config);
	return EXIT_OK;
}
