/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How PKCS#11 modules lay out their structures here (pkcs11/cryptoki.h): natural alignment, as the
 * C compiler lays them out. The build puts this folder on the include path.
 */
#ifndef OVPN_TOKEN_CRYPTOKI_PACK_H
#define OVPN_TOKEN_CRYPTOKI_PACK_H

#define CRYPTOKI_PACK_BEGIN
#define CRYPTOKI_PACK_END

#endif
