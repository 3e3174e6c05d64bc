/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The few PKCS#11 (v2.40) types and calls the module owner makes itself (module_libp11.c):
 * the slots and tokens, read without a session.  Only the head of CK_FUNCTION_LIST, up to
 * C_GetTokenInfo: the module's own list is longer, and only read through a pointer.  The layout
 * of the structures is the platform's (cryptoki_pack.h, from the platform folder).
 */
#ifndef OVPN_TOKEN_CRYPTOKI_H
#define OVPN_TOKEN_CRYPTOKI_H

#include "cryptoki_pack.h"

typedef unsigned long ck_ulong;
typedef ck_ulong ck_rv;

#define CKR_OK_ 0x0UL
#define CKR_CRYPTOKI_NOT_INITIALIZED_ 0x190UL
#define CKR_TOKEN_NOT_PRESENT_ 0xE0UL
#define CKR_TOKEN_NOT_RECOGNIZED_ 0xE1UL
#define CKF_TOKEN_PRESENT_ 0x1UL
#define CKF_LOGIN_REQUIRED_ 0x4UL
#define CKF_PROTECTED_AUTHENTICATION_PATH_ 0x100UL
#define CKF_TOKEN_INITIALIZED_ 0x400UL
#define CKF_USER_PIN_COUNT_LOW_ 0x10000UL
#define CKF_USER_PIN_FINAL_TRY_ 0x20000UL
#define CKF_USER_PIN_LOCKED_ 0x40000UL

CRYPTOKI_PACK_BEGIN

struct ck_version {
	unsigned char major, minor;
};

struct ck_slot_info {
	unsigned char slot_description[64];
	unsigned char manufacturer_id[32];
	ck_ulong flags;
	struct ck_version hardware_version, firmware_version;
};

struct ck_token_info {
	unsigned char label[32];
	unsigned char manufacturer_id[32];
	unsigned char model[16];
	unsigned char serial_number[16];
	ck_ulong flags;
	ck_ulong max_session_count, session_count, max_rw_session_count, rw_session_count;
	ck_ulong max_pin_len, min_pin_len;
	ck_ulong total_public_memory, free_public_memory, total_private_memory, free_private_memory;
	struct ck_version hardware_version, firmware_version;
	unsigned char utc_time[16];
};

struct ck_function_list_head {
	struct ck_version version;
	ck_rv (*initialize)(void *args);
	ck_rv (*finalize)(void *reserved);
	ck_rv (*get_info)(void *info);
	ck_rv (*get_function_list)(void *list);
	ck_rv (*get_slot_list)(unsigned char token_present, ck_ulong *slots, ck_ulong *count);
	ck_rv (*get_slot_info)(ck_ulong slot, struct ck_slot_info *info);
	ck_rv (*get_token_info)(ck_ulong slot, struct ck_token_info *info);
};

CRYPTOKI_PACK_END

typedef ck_rv (*ck_get_function_list_fn)(struct ck_function_list_head **list);

#endif
