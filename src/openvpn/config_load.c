/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ovpn_config_load(): find the user's config, read it once, and resolve every path it names
 * from where openvpn will run.  openvpn is started in the config's folder and follows the
 * config's "cd" before it opens anything, so a relative "ca ca.crt" or "pkcs11-providers
 * lib/p11.so" is never the one in the folder ovpn-token was started from: judging (doctor),
 * listing (list) or loading (start, the token watch) that one would load a stranger's module
 * into ovpn-token and report on the wrong file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "openvpn/config.h"
#include "platform/platform.h"

static int read_settings(const char *path, struct ovpn_config_settings *settings, char *err, size_t errsz)
{
	struct stat st;
	FILE *f;
	int rc;

	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s is a directory, not a config file", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s is not a regular file (a device or a pipe?): not a config",
		         path);
		return -1;
	}
	if (st.st_size > OVPN_CONFIG_MAX_BYTES) {
		snprintf(err, errsz, "%s is %lld bytes: larger than any OpenVPN config (%d at most)",
		         path, (long long)st.st_size, OVPN_CONFIG_MAX_BYTES);
		return -1;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	rc = ovpn_config_scan(f, settings);
	fclose(f);
	if (rc != 0)
		snprintf(err, errsz, "cannot read %s", path);
	return rc;
}

static int too_long(const char *what, int line, char *err, size_t errsz)
{
	if (line > 0)
		snprintf(err, errsz, "the config's %s (line %d) makes a path too long", what, line);
	else
		snprintf(err, errsz, "the config's %s makes a path too long", what);
	return -1;
}

/* Each path in settings, seen from workdir: the files, the scripts' programs, the log, the provider. */
static int resolve_paths(struct ovpn_config *cfg, char *err, size_t errsz)
{
	struct ovpn_config_settings *settings = &cfg->settings;
	char name[sizeof settings->pkcs11_providers];

	for (size_t i = 0; i < settings->nfiles; i++) {
		struct ovpn_config_file *f = &settings->files[i];

		/* A script line is a command: openvpn runs its first word, from workdir. */
		snprintf(name, sizeof name, "%.*s", (int)(f->is_script ? strcspn(f->path, " \t") :
		                                          strlen(f->path)), f->path);
		if (plat_path_join(cfg->workdir, name, f->resolved, sizeof f->resolved) != 0)
			return too_long(f->option, f->line, err, errsz);
	}
	if (settings->log_line != 0 && settings->log_file[0] != '\0') {
		snprintf(name, sizeof name, "%s", settings->log_file);
		if (plat_path_join(cfg->workdir, name, settings->log_file, sizeof settings->log_file) != 0)
			return too_long("log file", settings->log_line, err, errsz);
	}
	if (settings->pkcs11_providers[0] != '\0') {
		snprintf(name, sizeof name, "%s", settings->pkcs11_providers);
		if (plat_module_path(cfg->workdir, name, settings->pkcs11_providers,
		                     sizeof settings->pkcs11_providers) != 0)
			return too_long("pkcs11-providers", 0, err, errsz);
	}
	return 0;
}

int ovpn_config_load(const char *name, struct ovpn_config *cfg, char *err, size_t errsz)
{
	char found[OVPN_CONFIG_PATH_MAX], dir[OVPN_CONFIG_PATH_MAX];

	memset(cfg, 0, sizeof *cfg);
	if (plat_resolve_config(name, found, sizeof found) != 0) {
		snprintf(err, errsz, "no config '%s' (neither a file nor a config name OpenVPN knows)",
		         name);
		return -1;
	}
	if (plat_absolute_path(found, cfg->path, sizeof cfg->path) != 0) {
		snprintf(err, errsz, "the config's path is too long: %s", found);
		return -1;
	}
	if (read_settings(cfg->path, &cfg->settings, err, errsz) != 0)
		return -1;
	/*
	 * Its folder without "..", "." or links ("vpn/../vpn/office.ovpn" is "/home/a/vpn/
	 * office.ovpn"); the file itself stays as named.  It was just read, so only a path too
	 * long for us keeps the text as it is.
	 */
	plat_path_dir(cfg->path, dir, sizeof dir);
	if (plat_canonical_path(dir, cfg->dir, sizeof cfg->dir) != 0 ||
	    plat_path_join(cfg->dir, plat_path_base(cfg->path), found, sizeof found) != 0)
		snprintf(cfg->dir, sizeof cfg->dir, "%s", dir);
	else
		snprintf(cfg->path, sizeof cfg->path, "%s", found);
	if (plat_canonical_path(cfg->path, cfg->canonical, sizeof cfg->canonical) != 0)
		snprintf(cfg->canonical, sizeof cfg->canonical, "%s", cfg->path);
	if (cfg->settings.cd_line == 0)
		snprintf(cfg->workdir, sizeof cfg->workdir, "%s", cfg->dir);
	else if (plat_path_join(cfg->dir, cfg->settings.cd_dir, cfg->workdir, sizeof cfg->workdir) != 0)
		return too_long("cd", cfg->settings.cd_line, err, errsz);
	return resolve_paths(cfg, err, errsz);
}

void ovpn_config_name(const char *path, char *out, size_t outsz)
{
	const char *base = plat_path_base(path), *dot;
	size_t n;

	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, base, n);
	out[n] = '\0';
}
