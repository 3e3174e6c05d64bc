/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The judgments of config_check.h. */
#include <stdarg.h>
#include <stdio.h>

#include "openvpn/config_check.h"
#include "ui/output.h"

struct findings {
	struct config_finding *items;
	size_t n, max;
};

static void add(struct findings *f, enum config_severity sev, int line, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
static void add(struct findings *f, enum config_severity sev, int line, const char *fmt, ...)
{
	va_list ap;

	if (f->n >= f->max)
		return;
	f->items[f->n].severity = sev;
	f->items[f->n].line = line;
	va_start(ap, fmt);
	vsnprintf(f->items[f->n].text, sizeof f->items[f->n].text, fmt, ap);
	va_end(ap);
	f->n++;
}

size_t config_check(const struct ovpn_config_settings *settings, const struct config_check_mode *mode,
                    struct config_finding *out, size_t max)
{
	struct findings f = {out, 0, max};

	if (settings->daemon_line != 0)
		add(&f, CONFIG_FAIL, settings->daemon_line,
		    "'daemon' makes openvpn leave ovpn-token behind (it would wait for a hold release "
		    "nobody can give) -- remove it; to run in the background use ovpn-token@.service");
	if (settings->management_conflicts[0] != '\0')
		add(&f, CONFIG_FAIL, 0,
		    "%s cannot be used with ovpn-token start, which drives the management interface "
		    "itself -- remove it", settings->management_conflicts);
	if (mode->cert_pattern && settings->pkcs11_id)
		add(&f, CONFIG_FAIL, settings->pkcs11_id_line,
		    "'pkcs11-id' fixes the certificate, so --cert cannot choose one -- remove the line "
		    "or leave out --cert");
	/*
	 * OpenVPN refuses --management-external-key next to any PKCS#11 option: start hands it a
	 * copy of the config without them, and loads the config's provider itself.
	 */
	if (mode->external_key && settings->pkcs11_options[0] != '\0')
		add(&f, CONFIG_NOTE, 0,
		    "ovpn-token signs as openvpn's external key: openvpn reads the config without its "
		    "%s lines; ovpn-token loads the provider itself", settings->pkcs11_options);
	if (settings->askpass_line != 0 && !settings->askpass_has_file)
		add(&f, CONFIG_WARN, settings->askpass_line,
		    "'askpass' makes OpenVPN ask for a private key passphrase; a key on a token needs "
		    "none, only the token PIN -- remove it");
	if (settings->log_line != 0)
		add(&f, CONFIG_NOTE, settings->log_line,
		    "openvpn writes its log to %s (the config's log line), not to ovpn-token's",
		    settings->log_file);
	if (settings->management)
		add(&f, CONFIG_WARN, 0,
		    "the config's own 'management' line is replaced by a private one -- remove it");
	return f.n;
}
