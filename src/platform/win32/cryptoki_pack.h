/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How PKCS#11 modules lay out their structures here (pkcs11/cryptoki.h): Windows modules pack them
 * to 1 byte (the PKCS#11 standard's rule for Windows). The build puts this folder on the include path.
 */
#ifndef OVPN_TOKEN_CRYPTOKI_PACK_H
#define OVPN_TOKEN_CRYPTOKI_PACK_H

#define CRYPTOKI_PACK_BEGIN _Pragma("pack(push, cryptoki, 1)")
#define CRYPTOKI_PACK_END _Pragma("pack(pop, cryptoki)")

#endif
