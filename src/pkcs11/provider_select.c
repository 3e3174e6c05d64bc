/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "pkcs11/provider_select.h"

static struct p11_provider *open_named(const char *path, enum p11_provider_source src,
                                       char *used, size_t usedsz,
                                       enum p11_provider_source *source, char *err,
                                       size_t errsz)
{
	snprintf(used, usedsz, "%s", path);
	*source = src;
	return p11_provider_open(path, err, errsz);
}

struct p11_provider *p11_provider_select(const char *option, const char *config_provider,
                                         char *used, size_t usedsz,
                                         enum p11_provider_source *source, char *err,
                                         size_t errsz)
{
	const char *const *defaults = plat_default_pkcs11_providers();
	char last[512] = "";

	if (usedsz > 0)
		used[0] = '\0';
	if (option != NULL && option[0] != '\0')
		return open_named(option, P11_FROM_OPTION, used, usedsz, source, err, errsz);
	if (config_provider != NULL && config_provider[0] != '\0')
		return open_named(config_provider, P11_FROM_CONFIG, used, usedsz, source, err,
		                  errsz);
	*source = P11_FROM_DEFAULT;
	for (size_t i = 0; defaults != NULL && defaults[i] != NULL; i++) {
		struct p11_provider *p = p11_provider_open(defaults[i], last, sizeof last);

		if (p != NULL) {
			snprintf(used, usedsz, "%s", defaults[i]);
			return p;
		}
	}
	/* The last reason tells most when only one default was installed but broken. */
	if (!p11_available())
		snprintf(err, errsz, "%s", last);
	else
		snprintf(err, errsz, "no PKCS#11 provider found where OpenSC or p11-kit usually "
		         "are%s%s", last[0] != '\0' ? "; last: " : "", last);
	return NULL;
}

const char *p11_provider_source_name(enum p11_provider_source s)
{
	switch (s) {
	case P11_FROM_OPTION:
		return "--provider";
	case P11_FROM_CONFIG:
		return "the config's pkcs11-providers";
	case P11_FROM_DEFAULT:
		break;
	}
	return "the system default";
}
