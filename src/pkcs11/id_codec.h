/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pkcs11-helper's serialized certificate id, the string OpenVPN's `pkcs11-id` takes and
 * `openvpn --show-pkcs11-ids` prints:
 *
 *     esc(manufacturerID)/esc(model)/esc(serialNumber)/esc(label)/HEX(CKA_ID)
 *
 * The token fields are C_GetTokenInfo's fixed-length, blank-padded fields with the padding
 * stripped.  esc() writes a byte as \xHH (uppercase) when it is not a printable non-space
 * ASCII character or is one of \ / " ' % & # @ ! ? $ * < > { } [ ] ( ) ` | : ; , . + - and
 * space; everything else stays.  See doc/protocol.md; checked against OpenVPN 2.6.
 * No locale, no allocation: the same bytes on every platform.
 */
#ifndef OVPN_TOKEN_ID_CODEC_H
#define OVPN_TOKEN_ID_CODEC_H

#include <stdbool.h>
#include <stddef.h>

/* Sizes of the CK_TOKEN_INFO fields (PKCS#11 2.40, section 3.2). */
#define P11_MANUFACTURER_LEN 32
#define P11_MODEL_LEN 16
#define P11_SERIAL_LEN 16
#define P11_LABEL_LEN 32
/* CKA_ID has no limit in PKCS#11; real tokens use 1 to 32 bytes (SHA-1 of a key: 20). */
#define P11_CKA_ID_MAX 128

/*
 * Longest id p11_id_encode() can write, with its NUL: four bytes per escaped field byte, two
 * per CKA_ID byte, four slashes.
 */
#define P11_ID_MAX (4 * (P11_MANUFACTURER_LEN + P11_MODEL_LEN + P11_SERIAL_LEN + P11_LABEL_LEN) + \
                    2 * P11_CKA_ID_MAX + 4 + 1)

/* Raw bytes; a field may hold any byte but NUL (pkcs11-helper treats the fields as C strings). */
struct p11_id_fields {
	unsigned char manufacturer[P11_MANUFACTURER_LEN];
	size_t manufacturer_len;
	unsigned char model[P11_MODEL_LEN];
	size_t model_len;
	unsigned char serial[P11_SERIAL_LEN];
	size_t serial_len;
	unsigned char label[P11_LABEL_LEN];
	size_t label_len;
	unsigned char cka_id[P11_CKA_ID_MAX];
	size_t cka_id_len;
};

/*
 * Fills the four token fields from what C_GetTokenInfo (or libp11) gave: each is cut at its
 * PKCS#11 size and at the first NUL, then its trailing blanks are stripped, as pkcs11-helper
 * does.  NULL counts as empty.  The CKA_ID is left alone.
 */
void p11_id_set_token(struct p11_id_fields *f, const char *manufacturer, size_t manufacturer_n,
                      const char *model, size_t model_n, const char *serial, size_t serial_n,
                      const char *label, size_t label_n);
/* -1 when id is empty or longer than P11_CKA_ID_MAX. */
int p11_id_set_cka_id(struct p11_id_fields *f, const unsigned char *id, size_t n);

/*
 * Writes the serialized id into out.  Returns its length, or -1 when the CKA_ID is empty, a
 * length is out of range, or out is too small (out is then "" when outsz > 0).
 */
int p11_id_encode(const struct p11_id_fields *f, char *out, size_t outsz);

/*
 * Parses a serialized id: \x with two hex digits of either case; the last '/' starts the
 * CKA_ID (hex, either case, not empty, even length); exactly four '/'.  Rejects a backslash
 * not followed by x and two hex digits, \x00, a field longer than its PKCS#11 size and any
 * control byte.  Returns 0, or -1 with the reason in err (and *f zeroed).
 */
int p11_id_decode(const char *id, struct p11_id_fields *f, char *err, size_t errsz);

/* Whether a and b name the same certificate: equal after decoding (so "\x2f" == "\x2F"). */
bool p11_id_equal(const char *a, const char *b);

#endif
