/* Where the usual PKCS#11 providers are installed on POSIX systems. */
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
