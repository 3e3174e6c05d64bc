/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * External-key requests (--management-external-key / --management-external-cert) and the
 * multi-line replies that answer them.  Pure: no I/O, no allocation.
 *
 *   >NEED-CERTIFICATE:HINT          -> "certificate", the PEM lines, "END"
 *   >PK_SIGN:BASE64DATA,ALG         -> "pk-sig", base64 lines of the signature, "END"
 *   >PK_SIGN:BASE64DATA / >RSA_SIGN:BASE64DATA (client version < 3: no algorithm; means
 *                                      RSA_PKCS1_PADDING with the DigestInfo given)
 *
 * ALG as OpenVPN 2.6/2.7 builds it (xkey_helper.c): a padding word followed by ",key=value"
 * parts: hashalg=H, saltlen=digest|max, data=message (the data is the message itself, not its
 * digest: hash it first; only with the "digest" flag of --management-external-key).
 */
#ifndef OVPN_TOKEN_PK_SIGN_H
#define OVPN_TOKEN_PK_SIGN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The largest PK_SIGN input we accept, decoded.  With the "digest" flag OpenVPN 2.6.14 sends
 * the message itself: 146 bytes for TLS 1.3, but for TLS 1.2 the whole handshake transcript
 * (2101 and 2307 bytes seen, growing with the certificate chain).  The line reader takes
 * lines up to 16 KiB, whose base64 holds at most 12 KiB.
 */
#define PK_SIGN_DATA_MAX 12288

enum pk_padding {
	PK_PAD_UNSUPPORTED, /* unknown word, unknown option or a malformed string: refuse */
	PK_PAD_PKCS1,       /* RSA PKCS#1 v1.5; without hashalg the data already is a DigestInfo */
	PK_PAD_NONE,        /* raw RSA: the data is the whole block (pk_alg_parse only; requests refuse it) */
	PK_PAD_PSS,         /* RSA PSS with MGF1(hashalg) */
	PK_PAD_ECDSA,       /* ECDSA; reply with the DER signature */
	PK_PAD_EDDSA,       /* ED25519 / ED448: always the message itself */
};

enum pk_hash {
	PK_HASH_NONE, /* not given */
	PK_HASH_MD5_SHA1, /* "MD5-SHA1": TLS 1.0/1.1 RSA; never hashed by us */
	PK_HASH_SHA1,
	PK_HASH_SHA224,
	PK_HASH_SHA256,
	PK_HASH_SHA384,
	PK_HASH_SHA512,
};

enum pk_saltlen {
	PK_SALT_NONE,   /* not PSS */
	PK_SALT_DIGEST, /* salt length = digest length */
	PK_SALT_MAX,    /* the largest the key allows */
};

struct pk_alg {
	enum pk_padding padding;
	enum pk_hash hash;
	enum pk_saltlen saltlen;
	bool message;      /* data=message: the input is not digested */
	bool ed448;        /* with PK_PAD_EDDSA: ED448 instead of ED25519 */
};

/*
 * Maps an ALG string ("" or NULL: the pre-version-3 RSA_PKCS1_PADDING) to a pk_alg.  Returns
 * false, with alg->padding = PK_PAD_UNSUPPORTED, for anything not understood exactly: an
 * unknown padding or hash, an option twice, PSS without hashalg or saltlen, saltlen on a
 * non-PSS padding, data=message without a hash where one is needed.
 */
bool pk_alg_parse(const char *text, struct pk_alg *alg);

/* "SHA256" etc., "" for PK_HASH_NONE. */
const char *pk_hash_name(enum pk_hash h);
/* Output size of the hash in bytes (MD5-SHA1: 36), 0 for PK_HASH_NONE. */
size_t pk_hash_size(enum pk_hash h);
/* A short description for messages: "RSA PSS SHA256 saltlen=digest", "ECDSA", ... */
void pk_alg_describe(const struct pk_alg *alg, char *out, size_t outsz);

enum pk_request_type {
	PK_REQ_NONE,             /* not an external-key line */
	PK_REQ_NEED_CERTIFICATE, /* hint in text */
	PK_REQ_SIGN,             /* data/alg below */
	PK_REQ_MALFORMED,        /* an external-key line we cannot use: refuse it */
};

struct pk_request {
	enum pk_request_type type;
	bool legacy_rsa;      /* it came as >RSA_SIGN */
	const char *hint;     /* NEED_CERTIFICATE: the text after ':', points into the line */
	const char *alg_text; /* SIGN: the algorithm as sent ("" if none), points into the line */
	struct pk_alg alg;    /* SIGN: alg.padding = PK_PAD_UNSUPPORTED when not understood */
	unsigned char data[PK_SIGN_DATA_MAX + 1]; /* + the NUL b64_decode() adds */
	size_t data_len;
};

/*
 * Parses a ">NEED-CERTIFICATE:", ">PK_SIGN:" or ">RSA_SIGN:" line from what mgmt_parse_line()
 * makes of it: it knows none of the three, so they come as MGMT_EV_UNKNOWN with notify.name
 * ("PK_SIGN") and notify.text (after ':'); any other name gives PK_REQ_NONE.  A sign request
 * with bad base64 or over-long data gives PK_REQ_MALFORMED; one with an algorithm we do not
 * support gives PK_REQ_SIGN with alg.padding == PK_PAD_UNSUPPORTED (the data is decoded all the
 * same, so the caller can say what was refused).  RSA_NO_PADDING is one of those: raw RSA would
 * decrypt anything for the peer, and TLS never needs it.  hint and alg_text point into text.
 */
void pk_request_parse_notification(const char *name, const char *text, struct pk_request *req);

/*
 * A multi-line reply: the verb line, body lines, "END", each ending in "\n".  The body lines
 * are sent as they are (not quoted: OpenVPN reads them raw until END), so each must be free of
 * CR, LF and other control bytes, and must not be "END" itself.
 */
enum pk_reply_status {
	PK_REPLY_OK,
	PK_REPLY_BAD_LINE, /* a body line with a control byte, or the word END */
	PK_REPLY_TOO_LONG, /* a line over OpenVPN's 1024-byte input line, or no room in out */
	PK_REPLY_BAD_PEM,  /* certificate: not one PEM CERTIFICATE block */
};

/* "certificate\n" + the PEM's lines from BEGIN to END CERTIFICATE + "END\n". */
enum pk_reply_status pk_reply_certificate(const char *pem, char *out, size_t outsz,
                                          size_t *outlen);
/* "pk-sig\n" + base64 of sig in 64-column lines + "END\n".  sig_len 0 gives no body lines:
 * OpenVPN takes that as a failed signature (the refusal). */
enum pk_reply_status pk_reply_signature(const unsigned char *sig, size_t sig_len, char *out,
                                        size_t outsz, size_t *outlen);

const char *pk_reply_status_text(enum pk_reply_status st);

#endif
