/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Win32: an owner-only access control list for the files and directories we create, and the
 * judgment whether a file's access list lets anyone but the user read it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <aclapi.h>
#include <sddl.h>

/* The current user's SID; free() it.  NULL on failure. */
static PSID user_sid(void)
{
	HANDLE token;
	union {
		TOKEN_USER user;
		unsigned char bytes[256];
	} info;
	DWORD len = 0;
	PSID sid = NULL;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return NULL;
	if (GetTokenInformation(token, TokenUser, &info, sizeof info, &len)) {
		DWORD n = GetLengthSid(info.user.User.Sid);

		sid = malloc(n);
		if (sid != NULL && !CopySid(n, sid, info.user.User.Sid)) {
			free(sid);
			sid = NULL;
		}
	}
	CloseHandle(token);
	return sid;
}

wchar_t *win32_user_sid_string(void)
{
	PSID sid = user_sid();
	wchar_t *text = NULL;

	if (sid != NULL && !ConvertSidToStringSidW(sid, &text))
		text = NULL;
	free(sid);
	return text;
}

PSECURITY_DESCRIPTOR win32_owner_only_sd(void)
{
	wchar_t *sid = win32_user_sid_string();
	wchar_t sddl[256];
	PSECURITY_DESCRIPTOR sd = NULL;

	if (sid == NULL)
		return NULL;
	/*
	 * D:P protected DACL (the parent's entries are not inherited); OICI: files and folders made
	 * inside inherit it.  SYSTEM keeps access like everywhere in a profile (backup, indexer).
	 */
	if (_snwprintf(sddl, sizeof sddl / sizeof sddl[0], L"D:P(A;OICI;FA;;;%ls)(A;OICI;FA;;;SY)",
	               sid) > 0)
		(void)ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd,
		                                                           NULL);
	LocalFree(sid);
	return sd;
}

/* Accounts that may read a private file: the user, SYSTEM and Administrators (as root on POSIX). */
static bool trusted_sid(PSID sid, PSID user)
{
	return EqualSid(sid, user) || IsWellKnownSid(sid, WinLocalSystemSid) ||
	       IsWellKnownSid(sid, WinBuiltinAdministratorsSid);
}

/* What lets an account read the file, or give itself that right. */
#define READ_OR_TAKE                                                                           \
	(FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED | WRITE_DAC | WRITE_OWNER)

int win32_sd_is_private(PSECURITY_DESCRIPTOR sd, PSID user, char *why, size_t whysz)
{
	PSID owner = NULL;
	PACL dacl = NULL;
	BOOL present = FALSE, defaulted = FALSE;
	ACL_SIZE_INFORMATION info;
	wchar_t *text = NULL;

	if (!GetSecurityDescriptorOwner(sd, &owner, &defaulted) || owner == NULL ||
	    !trusted_sid(owner, user)) {
		snprintf(why, whysz, "it belongs to another user");
		return -1;
	}
	if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) || !present || dacl == NULL) {
		snprintf(why, whysz, "it has no access list: everyone can read it");
		return -2;
	}
	if (!GetAclInformation(dacl, &info, sizeof info, AclSizeInformation))
		info.AceCount = 0;
	/* Only what grants counts: a deny entry takes away, it never lets anyone in. */
	for (DWORD i = 0; i < info.AceCount; i++) {
		ACE_HEADER *ace;
		PSID sid;

		if (!GetAce(dacl, i, (void **)&ace) || (ace->AceFlags & INHERIT_ONLY_ACE) != 0 ||
		    ace->AceType == ACCESS_DENIED_ACE_TYPE ||
		    ace->AceType == ACCESS_DENIED_OBJECT_ACE_TYPE)
			continue;
		/* An allowing entry of a kind we do not read: counted as letting others in. */
		if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE) {
			snprintf(why, whysz, "its access list has entries of a kind not checked here");
			return -2;
		}
		sid = (PSID)&((ACCESS_ALLOWED_ACE *)ace)->SidStart;
		if ((((ACCESS_ALLOWED_ACE *)ace)->Mask & READ_OR_TAKE) == 0 || trusted_sid(sid, user))
			continue;
		if (ConvertSidToStringSidW(sid, &text)) {
			char name[200];

			if (win32_narrow(text, -1, name, sizeof name) != 0)
				snprintf(name, sizeof name, "another account");
			snprintf(why, whysz, "its access list lets %s read it", name);
			LocalFree(text);
		} else {
			snprintf(why, whysz, "its access list lets another account read it");
		}
		return -2;
	}
	return 0;
}

int win32_handle_is_private(HANDLE h, char *why, size_t whysz)
{
	PSECURITY_DESCRIPTOR sd = NULL;
	PSID user = user_sid();
	DWORD e = GetSecurityInfo(h, SE_FILE_OBJECT,
	                          OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL, NULL,
	                          NULL, NULL, &sd);
	int rc = -1;

	if (e != ERROR_SUCCESS || user == NULL)
		snprintf(why, whysz, "cannot read its access list (Windows error %lu)",
		         (unsigned long)(e != ERROR_SUCCESS ? e : GetLastError()));
	else
		rc = win32_sd_is_private(sd, user, why, whysz);
	LocalFree(sd);
	free(user);
	return rc;
}

int win32_make_private(HANDLE h)
{
	PSECURITY_DESCRIPTOR sd = win32_owner_only_sd();
	BOOL ok;

	/*
	 * The descriptor's DACL is protected (D:P): nothing inherited is merged in.  (Not
	 * SetSecurityInfo, which wine 8 answers with success while leaving the file as it was.)
	 */
	ok = sd != NULL && SetKernelObjectSecurity(h, DACL_SECURITY_INFORMATION, sd);
	LocalFree(sd);
	return ok ? 0 : -1;
}
