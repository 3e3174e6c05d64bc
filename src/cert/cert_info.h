/* What a user needs to recognise the certificate behind a ">PKCS11ID-ENTRY:" BLOB. */
#ifndef OVPN_TOKEN_CERT_INFO_H
#define OVPN_TOKEN_CERT_INFO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Every string is NUL-terminated, valid UTF-8 and safe to print: the certificate comes from
 * whatever is on the token, so control characters (C0, DEL, C1), bidi overrides, invalid
 * UTF-8 and embedded NULs are already replaced by '?'.  Over-long values are cut at a
 * character boundary.
 */
struct cert_info {
	char subject_cn[256];       /* last CN of the subject (the most specific), "" when none */
	char subject[512];          /* whole subject, one line, RFC 2253 order and escaping */
	char issuer_cn[256];        /* last CN of the issuer, "" when none */
	char serial_hex[80];        /* as `openssl x509 -serial` prints it: "0102A0FF", "-" if negative */
	char not_after[11];         /* "YYYY-MM-DD", UTC */
	long long not_after_epoch;  /* seconds since 1970-01-01 UTC */
};

/*
 * Decodes one-line base64 (padding required, no whitespace) holding exactly one DER X.509
 * certificate.  Returns 0, or -1 for NULL/empty input, bad base64, bad or trailing DER, or an
 * unreadable notAfter.  *out is always fully written: zeroed on failure.
 */
int cert_info_from_base64(const char *blob, struct cert_info *out);

/*
 * The same for len bytes that must be exactly one DER X.509 certificate (what a token's
 * CKA_VALUE holds), with the same rules: -1 for NULL or empty input, bad DER, bytes after the
 * certificate, or an unreadable notAfter; *out always fully written, zeroed on failure.
 * Implemented by the crypto backend (cert_openssl.c: OpenSSL, cert_wincrypt.c: CryptoAPI);
 * everything else here is shared, in cert/text.c.
 */
int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *out);

/*
 * "<subject CN> (issuer <issuer CN>, expires YYYY-MM-DD)"; the one-line subject stands in for a
 * missing subject CN, and " (expires ...)" alone is used without an issuer CN.  Always
 * NUL-terminates when bufsz > 0, cutting at a character boundary; sanitizes again so that a
 * struct filled by hand cannot carry escapes to the terminal either.
 */
void cert_info_summary(const struct cert_info *ci, char *buf, size_t bufsz);

/*
 * True when pattern is an ASCII-case-insensitive substring of pkcs11_id, the subject CN or the
 * one-line subject.  A NULL or empty pattern matches everything; ci or pkcs11_id may be NULL.
 */
bool cert_info_matches(const struct cert_info *ci, const char *pkcs11_id, const char *pattern);

#endif
