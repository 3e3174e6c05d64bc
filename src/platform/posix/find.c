/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finding things on POSIX systems: the openvpn program, configs by name, PKCS#11 providers. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/platform.h"

/*
 * Debian and Ubuntu put libraries in a multiarch directory named after the target triplet;
 * the compiler's own macros tell which one this binary is for.
 */
#if defined(__linux__) && defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__linux__) && defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#elif defined(__linux__) && defined(__i386__)
#define MULTIARCH "i386-linux-gnu"
#elif defined(__linux__) && defined(__arm__) && defined(__ARM_PCS_VFP)
#define MULTIARCH "arm-linux-gnueabihf"
#elif defined(__linux__) && defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__linux__) && defined(__s390x__)
#define MULTIARCH "s390x-linux-gnu"
#elif defined(__linux__) && defined(__riscv) && __riscv_xlen == 64
#define MULTIARCH "riscv64-linux-gnu"
#endif

const char *const *plat_default_pkcs11_providers(void)
{
	/* OpenSC first (it is what a smartcard needs), then p11-kit's proxy to every module. */
	static const char *const providers[] = {
#ifdef MULTIARCH
		"/usr/lib/" MULTIARCH "/opensc-pkcs11.so",
		"/usr/lib/" MULTIARCH "/pkcs11/opensc-pkcs11.so",
#endif
		"/usr/lib64/opensc-pkcs11.so",          /* Fedora, RHEL, openSUSE */
		"/usr/lib64/pkcs11/opensc-pkcs11.so",
		"/usr/lib/opensc-pkcs11.so",            /* Arch, Alpine */
		"/usr/lib/pkcs11/opensc-pkcs11.so",
		"/usr/local/lib/opensc-pkcs11.so",      /* BSDs, Homebrew on Intel */
		"/opt/homebrew/lib/opensc-pkcs11.so",   /* Homebrew on Apple silicon */
		"/Library/OpenSC/lib/opensc-pkcs11.so", /* OpenSC's macOS installer */
#ifdef MULTIARCH
		"/usr/lib/" MULTIARCH "/p11-kit-proxy.so",
#endif
		"/usr/lib64/p11-kit-proxy.so",
		"/usr/lib/p11-kit-proxy.so",
		"/usr/local/lib/p11-kit-proxy.so",
		NULL,
	};

	return providers;
}

const char *plat_pcsc_service_hint(void)
{
	return "start pcscd (on systemd: sudo systemctl start pcscd.socket)";
}

int plat_find_openvpn(char *out, size_t outsz)
{
	/* execvp searches PATH; openvpn often lives in /usr/sbin, which a user's PATH may lack. */
	static const char *const usual[] = {"/usr/sbin/openvpn", "/usr/local/sbin/openvpn"};
	const char *path = getenv("PATH");

	if (path != NULL) {
		for (const char *p = path; *p != '\0';) {
			size_t n = strcspn(p, ":");
			int len = snprintf(out, outsz, "%.*s/openvpn", (int)n, p);

			if (n > 0 && len > 0 && (size_t)len < outsz && access(out, X_OK) == 0)
				return 0;
			p += n + (p[n] == ':');
		}
	}
	for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
		if (access(usual[i], X_OK) == 0) {
			snprintf(out, outsz, "%s", usual[i]);
			return 0;
		}
	snprintf(out, outsz, "openvpn");
	return -1;
}

int plat_resolve_config(const char *name, char *out, size_t outsz)
{
	static const char *const dirs[] = {"/etc/openvpn/client", "/etc/openvpn"};
	static const char *const exts[] = {".conf", ".ovpn"};
	struct stat st;

	if (stat(name, &st) == 0 || strchr(name, '/') != NULL) {
		snprintf(out, outsz, "%s", name);
		return 0;
	}
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
		for (size_t e = 0; e < sizeof exts / sizeof exts[0]; e++) {
			int n = snprintf(out, outsz, "%s/%s%s", dirs[d], name, exts[e]);

			if (n > 0 && (size_t)n < outsz && stat(out, &st) == 0)
				return 0;
		}
	snprintf(out, outsz, "%s", name);
	return -1;
}

int plat_check_pkcs11_module(const char *path, char *err, size_t errsz)
{
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	if (lib == NULL) {
		why = dlerror();
		snprintf(err, errsz, "%s", why != NULL ? why : "cannot be loaded");
		return -1;
	}
	if (dlsym(lib, "C_GetFunctionList") == NULL) {
		snprintf(err, errsz, "%s is not a PKCS#11 module (no C_GetFunctionList)", path);
		dlclose(lib);
		return -1;
	}
	dlclose(lib);
	return 0;
}

void plat_preload_pkcs11_module(const char *path)
{
	(void)path;	/* the dynamic loader finds a module's dependencies by their own rpath */
}

void *plat_pkcs11_entry(const char *path, char *err, size_t errsz)
{
	/* Never closed: the module stays for the process, as its owner keeps it initialized. */
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL), *entry;
	const char *why;

	if (lib == NULL) {
		why = dlerror();
		snprintf(err, errsz, "%s", why != NULL ? why : "cannot be loaded");
		return NULL;
	}
	entry = dlsym(lib, "C_GetFunctionList");
	if (entry == NULL)
		snprintf(err, errsz, "%s is not a PKCS#11 module (no C_GetFunctionList)", path);
	return entry;
}
