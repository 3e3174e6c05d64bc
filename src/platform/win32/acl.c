/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Win32: an owner-only access control list for the files and directories we create. */
#include <stdio.h>
#include <stdlib.h>

#include "platform/platform.h"
#include "platform/win32/internal.h"

#include <sddl.h>

/* The current user's SID as text ("S-1-5-21-..."); LocalFree() it.  NULL on failure. */
static wchar_t *user_sid_string(void)
{
	HANDLE token;
	union {
		TOKEN_USER user;
		unsigned char bytes[256];
	} info;
	DWORD len = 0;
	wchar_t *sid = NULL;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return NULL;
	if (GetTokenInformation(token, TokenUser, &info, sizeof info, &len))
		(void)ConvertSidToStringSidW(info.user.User.Sid, &sid);
	CloseHandle(token);
	return sid;
}

PSECURITY_DESCRIPTOR win32_owner_only_sd(void)
{
	wchar_t *sid = user_sid_string();
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
