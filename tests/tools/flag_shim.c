/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A PKCS#11 module for tests: forwards every call to a real module (FLAG_SHIM_MODULE, e.g.
 * SoftHSM2) and makes the token behave as real ones do where SoftHSM2 cannot:
 *   FLAG_SHIM_FILE=F         token flags (one hexadecimal number in F) added to C_GetTokenInfo's:
 *                            SoftHSM2 never reports CKF_USER_PIN_FINAL_TRY or _LOCKED
 *   FLAG_SHIM_LOGIN_ERROR=X  a wrong PIN makes C_Login return CK_RV X (hexadecimal) instead of
 *                            CKR_PIN_INCORRECT: OpenSC on a CAC card says CKR_GENERAL_ERROR (5)
 *   FLAG_SHIM_PINPAD_PIN=P   a reader with its own keypad: the token has
 *                            CKF_PROTECTED_AUTHENTICATION_PATH, and C_Login(NULL) logs in with P
 *                            after FLAG_SHIM_PINPAD_DELAY_MS (default 1000): the person "typing"
 *   FLAG_SHIM_LOGIN_PAUSE_FILE=F  while F.arm exists, the next C_Login with a PIN removes F.arm,
 *                            makes F and waits (up to 60 s) until F is gone, then goes on: a test
 *                            knows the PIN is at the token and can take the card out right then
 *   FLAG_SHIM_ABSENT_FILE=F  while F exists the token is out of the reader: no slot lists it,
 *                            every call on it says CKR_TOKEN_NOT_PRESENT or CKR_DEVICE_REMOVED,
 *                            and its sessions (and so its login) are gone when it comes back
 *   FLAG_SHIM_KEYGEN_ERROR=X C_GenerateKeyPair answers CK_RV X (hexadecimal) and makes nothing:
 *                            31 (CKR_DEVICE_MEMORY) is a token without free space
 *   FLAG_SHIM_HIDE_MECHANISMS=X,Y  mechanisms (hexadecimal) the token does not have: left out of
 *                            C_GetMechanismList, CKR_MECHANISM_INVALID from C_GetMechanismInfo
 *                            (1040: CKM_EC_KEY_PAIR_GEN, a token that makes no EC keys)
 * Built as a .so on Linux and, with mingw-w64, as a DLL for the tests under wine
 * (FLAG_SHIM_MODULE then a Windows path).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
/* Windows PKCS#11 modules pack their structures to 1 byte (CK_FUNCTION_LIST among them). */
#pragma pack(push, cryptoki, 1)
#define CRYPTOKI_EXPORTS	/* the header then declares our C_GetFunctionList as exported */
#include <p11-kit/pkcs11.h>
#pragma pack(pop, cryptoki)
/* Its own DLLs beside it (softhsm2.dll: the mingw runtime), as Windows does not look there. */
static void *open_module(const char *path)
{
	return (void *)LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}
static void *module_symbol(void *lib, const char *name)
{
	return (void *)GetProcAddress((HMODULE)lib, name);
}
static void sleep_ms(unsigned long ms) { Sleep(ms); }
static int file_exists(const char *path) { return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES; }
#else
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>
#include <p11-kit/pkcs11.h>
static void *open_module(const char *path) { return dlopen(path, RTLD_NOW); }
static void *module_symbol(void *lib, const char *name) { return dlsym(lib, name); }
static void sleep_ms(unsigned long ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}
static int file_exists(const char *path) { return access(path, F_OK) == 0; }
#endif

static CK_FUNCTION_LIST shim;
static CK_FUNCTION_LIST_PTR real;
/* The token was seen out of the reader: its sessions go when it is seen back. */
static int was_absent;

static unsigned long env_number(const char *name, int base, unsigned long fallback)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? strtoul(v, NULL, base) : fallback;
}

static unsigned long extra_flags(void)
{
	const char *path = getenv("FLAG_SHIM_FILE");
	unsigned long flags = 0;
	FILE *f = path != NULL ? fopen(path, "r") : NULL;

	if (f != NULL) {
		if (fscanf(f, "%lx", &flags) != 1)
			flags = 0;
		fclose(f);
	}
	if (getenv("FLAG_SHIM_PINPAD_PIN") != NULL)
		flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
	return flags;
}

/* Whether the token is out now; coming back ends every session it had (as a card reset does). */
static int absent(void)
{
	const char *path = getenv("FLAG_SHIM_ABSENT_FILE");
	int out = path != NULL && file_exists(path);

	if (out && !was_absent) {
		CK_SLOT_ID slots[16];
		CK_ULONG n = 16;

		if (real->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK)
			for (CK_ULONG i = 0; i < n; i++)
				real->C_CloseAllSessions(slots[i]);
	}
	was_absent = out;
	return out;
}

static CK_RV shim_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
	if (present && absent()) {
		*count = 0;
		return CKR_OK;
	}
	return real->C_GetSlotList(present, list, count);
}

static CK_RV shim_get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
	CK_RV rv = real->C_GetSlotInfo(slot, info);

	if (rv == CKR_OK && absent())
		info->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
	return rv;
}

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv;

	if (absent())
		return CKR_TOKEN_NOT_PRESENT;
	rv = real->C_GetTokenInfo(slot, info);
	if (rv == CKR_OK)
		info->flags |= extra_flags();
	return rv;
}

static CK_RV shim_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                               CK_SESSION_HANDLE_PTR session)
{
	if (absent())
		return CKR_TOKEN_NOT_PRESENT;
	return real->C_OpenSession(slot, flags, app, notify, session);
}

/* FLAG_SHIM_LOGIN_PAUSE_FILE: once armed, a login with a PIN waits for the test. */
static void pause_login(int with_pin)
{
	const char *pause_file = getenv("FLAG_SHIM_LOGIN_PAUSE_FILE");
	char arm[1024];
	FILE *f;

	if (pause_file == NULL || !with_pin || snprintf(arm, sizeof arm, "%s.arm", pause_file) >= (int)sizeof arm ||
	    !file_exists(arm))
		return;
	remove(arm);
	if ((f = fopen(pause_file, "w")) != NULL)
		fclose(f);
	for (int i = 0; i < 600 && file_exists(pause_file); i++)
		sleep_ms(100);
}

static CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                        CK_ULONG len)
{
	const char *pad = getenv("FLAG_SHIM_PINPAD_PIN");
	CK_RV rv;

	pause_login(pin != NULL);
	if (absent())
		return CKR_DEVICE_REMOVED;
	if (pin == NULL && pad != NULL) {
		sleep_ms(env_number("FLAG_SHIM_PINPAD_DELAY_MS", 10, 1000));
		pin = (CK_UTF8CHAR_PTR)pad;
		len = (CK_ULONG)strlen(pad);
	}
	rv = real->C_Login(session, user, pin, len);
	if (rv == CKR_PIN_INCORRECT)
		rv = env_number("FLAG_SHIM_LOGIN_ERROR", 16, CKR_PIN_INCORRECT);
	return rv;
}

static CK_RV shim_get_session_info(CK_SESSION_HANDLE session, CK_SESSION_INFO_PTR info)
{
	return absent() ? CKR_DEVICE_REMOVED : real->C_GetSessionInfo(session, info);
}

static CK_RV shim_sign_init(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key)
{
	return absent() ? CKR_DEVICE_REMOVED : real->C_SignInit(session, mech, key);
}

static CK_RV shim_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                       CK_ULONG_PTR siglen)
{
	return absent() ? CKR_DEVICE_REMOVED : real->C_Sign(session, data, len, sig, siglen);
}

static CK_RV shim_find_objects_init(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR tmpl,
                                    CK_ULONG count)
{
	return absent() ? CKR_DEVICE_REMOVED : real->C_FindObjectsInit(session, tmpl, count);
}

static CK_RV shim_generate_key_pair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mech,
                                    CK_ATTRIBUTE_PTR pub, CK_ULONG npub, CK_ATTRIBUTE_PTR priv,
                                    CK_ULONG npriv, CK_OBJECT_HANDLE_PTR hpub,
                                    CK_OBJECT_HANDLE_PTR hpriv)
{
	unsigned long e = env_number("FLAG_SHIM_KEYGEN_ERROR", 16, 0);

	if (e != 0)
		return (CK_RV)e;
	return real->C_GenerateKeyPair(session, mech, pub, npub, priv, npriv, hpub, hpriv);
}

static int mechanism_hidden(CK_MECHANISM_TYPE t)
{
	const char *p = getenv("FLAG_SHIM_HIDE_MECHANISMS");
	char *end;

	while (p != NULL && *p != '\0') {
		if (strtoul(p, &end, 16) == t && end != p)
			return 1;
		p = strchr(end, ',');
		if (p != NULL)
			p++;
	}
	return 0;
}

static CK_RV shim_get_mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list,
                                     CK_ULONG_PTR count)
{
	CK_RV rv = real->C_GetMechanismList(slot, list, count);
	CK_ULONG kept = 0;

	if (rv != CKR_OK || list == NULL)
		return rv;
	for (CK_ULONG i = 0; i < *count; i++)
		if (!mechanism_hidden(list[i]))
			list[kept++] = list[i];
	*count = kept;
	return CKR_OK;
}

static CK_RV shim_get_mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE t,
                                     CK_MECHANISM_INFO_PTR info)
{
	return mechanism_hidden(t) ? CKR_MECHANISM_INVALID : real->C_GetMechanismInfo(slot, t, info);
}

static CK_RV load_real(void)
{
	const char *path = getenv("FLAG_SHIM_MODULE");
	void *lib;
	CK_C_GetFunctionList get;

	if (real != NULL)
		return CKR_OK;
	lib = open_module(path != NULL ? path : "/usr/lib/softhsm/libsofthsm2.so");
	if (lib == NULL)
		return CKR_GENERAL_ERROR;
	get = (CK_C_GetFunctionList)module_symbol(lib, "C_GetFunctionList");
	if (get == NULL || get(&real) != CKR_OK)
		return CKR_GENERAL_ERROR;
	shim = *real;
	shim.C_GetSlotList = shim_get_slot_list;
	shim.C_GetSlotInfo = shim_get_slot_info;
	shim.C_GetTokenInfo = shim_get_token_info;
	shim.C_OpenSession = shim_open_session;
	shim.C_Login = shim_login;
	shim.C_GetSessionInfo = shim_get_session_info;
	shim.C_SignInit = shim_sign_init;
	shim.C_Sign = shim_sign;
	shim.C_FindObjectsInit = shim_find_objects_init;
	shim.C_GenerateKeyPair = shim_generate_key_pair;
	shim.C_GetMechanismList = shim_get_mechanism_list;
	shim.C_GetMechanismInfo = shim_get_mechanism_info;
	return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	CK_RV rv = load_real();

	if (rv == CKR_OK)
		*list = &shim;
	return rv;
}
