/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one certificate model: what a user needs to recognise a certificate, whether it came as
 * a ">PKCS11ID-ENTRY:" BLOB (the session) or from the token itself (list, doctor).
 */
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
	char issuer[512];           /* whole issuer, the same way as subject */
	char serial_hex[80];        /* as `openssl x509 -serial` prints it: "0102A0FF", "-" if negative */
	char key_type[32];          /* "RSA 2048", "EC P-256", "Ed25519", ...; "?" when unknown */
	long long not_before_epoch; /* seconds since 1970-01-01 UTC; shown with codec/utc.h */
	long long not_after_epoch;
	char sha256[65];            /* SHA-256 of the DER, lowercase hex: what names it for good */
	bool ca;                    /* basicConstraints CA:TRUE: an issuer, not a login */
	bool not_for_clients;       /* an extended key usage without TLS client authentication */
	bool attestation;           /* a key-attestation certificate (YubiKey PIV's, ...) */
};

/* Why a certificate that decoded cannot log in: one reason, the first of these that holds. */
enum cert_purpose {
	CERT_FOR_LOGIN,             /* nothing speaks against it */
	CERT_AN_ISSUER,             /* a CA certificate */
	CERT_NOT_FOR_CLIENTS,       /* its extended key usage excludes clientAuth */
	CERT_AN_ATTESTATION,        /* it attests a key, it is not for logging in */
};
enum cert_purpose cert_info_purpose(const struct cert_info *ci);
/* "a CA certificate", ...; NULL for CERT_FOR_LOGIN. */
const char *cert_purpose_text(enum cert_purpose p);

/* Expiring within this much counts as soon (list marks it; doctor and status warn). */
#define CERT_SOON_SECONDS (30LL * 24 * 3600)
/* What to do about a certificate that expires soon or has expired (doctor, status). */
#define CERT_RENEW_HINT "get it renewed (ovpn-token enroll --renew)"

enum cert_validity { CERT_VALID, CERT_NOT_YET_VALID, CERT_EXPIRED, CERT_EXPIRES_SOON };

/* Where now (seconds since 1970-01-01 UTC) stands in the certificate's validity. */
enum cert_validity cert_info_validity(const struct cert_info *ci, long long now);
/* The same rule for the end alone (what the status file keeps): never CERT_NOT_YET_VALID. */
enum cert_validity cert_expiry(long long not_after, long long now);
/*
 * The warning's words for a certificate ending at not_after, when cert_expiry() says it
 * expires soon or has expired: "EXPIRES SOON (2031-05-06 12:00:00 UTC) -- hint: " or
 * "EXPIRED on 2031-05-06 12:00:00 UTC -- hint: ", then CERT_RENEW_HINT.  Returns false
 * (buf "") when there is nothing to warn of.
 */
bool cert_expiry_warning(long long not_after, long long now, char *buf, size_t bufsz);

/*
 * The one rule for whether a login can use a certificate at now: not when the server will
 * refuse it (expired, not yet valid); expiring soon is usable.  ci NULL stands for a
 * certificate our parser could not read: usable.  Its dates are unknown, not bad; OpenVPN's TLS
 * library may well read what ours cannot (a newer key type, an odd extension), and calling it
 * unusable would refuse a working certificate (--batch) or fail `doctor` on it, where trying it
 * costs one handshake that the server's answer explains.
 */
bool cert_info_in_date(const struct cert_info *ci, long long now);

/*
 * Decodes one-line base64 (padding required, no whitespace) holding exactly one DER X.509
 * certificate.  Returns 0, or -1 for NULL/empty input, bad base64, bad or trailing DER, or an
 * unreadable notBefore or notAfter (or one outside the years 0 to 9999).  *out is always fully written: zeroed on failure.
 */
int cert_info_from_base64(const char *blob, struct cert_info *out);

/*
 * The same for len bytes that must be exactly one DER X.509 certificate (what a token's
 * CKA_VALUE holds), with the same rules: -1 for NULL or empty input, bad DER, bytes after the
 * certificate, or an unreadable validity; *out always fully written, zeroed on failure.
 * The parsing is the crypto backend's (cert_openssl.c: OpenSSL, cert_wincrypt.c: CryptoAPI,
 * behind cert_backend_describe() of cert/backend.h); everything else here is shared, in
 * cert/text.c.
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
 * one-line subject, or "sha256:" (or "SHA256 Fingerprint=", as `openssl x509 -fingerprint
 * -sha256` prints it; any case) and the start (8 hex digits at least, ':' allowed between
 * bytes) of the certificate's SHA-256 fingerprint.  A NULL or empty pattern matches
 * everything; ci or pkcs11_id may be NULL.
 */
bool cert_info_matches(const struct cert_info *ci, const char *pkcs11_id, const char *pattern);
/*
 * For a pattern that names a fingerprint (as above): how many hex digits it gives, -2 when
 * anything but hex digits and ':' follows the prefix; -1 for any other pattern.
 */
int cert_pattern_fingerprint_digits(const char *pattern);

#endif
