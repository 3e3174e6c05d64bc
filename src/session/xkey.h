/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Handler: the external key (start --external-key, or an openvpn started with
 * --management-external-key/-cert): OpenVPN asks for the certificate (>NEED-CERTIFICATE) and
 * for every signature (>PK_SIGN), and ovpn-token answers from the token through its own signer.
 *
 * The login is ours, so unlike OpenVPN's PASSWORD requests its result is exact: C_Login says
 * CKR_PIN_INCORRECT or CKR_PIN_LOCKED, and a PIN the token took is known to be right at once
 * (it counts as confirmed).  The PIN comes from the same supply (pin_supply.h) as for PASSWORD
 * requests.  A signature we cannot make gets the empty pk-sig, which OpenVPN reports as a
 * failed signature: never a wrong one.
 */
#ifndef OVPN_TOKEN_SESSION_XKEY_H
#define OVPN_TOKEN_SESSION_XKEY_H

#include <stdbool.h>

#include "mgmt/event.h"
#include "mgmt/pk_sign.h"
#include "pkcs11/id_codec.h"
#include "session/core.h"
#include "session/pin_supply.h"

/* What the request under way still needs from the token. */
enum xkey_task { XKEY_IDLE, XKEY_CERTIFICATE, XKEY_SIGNATURE };

struct xkey {
	struct pin_supply *supply;
	struct {
		bool selected;              /* the signer holds the chosen certificate and key */
		char *id;                   /* ... by this serialized id */
		enum xkey_task task;
		int attempts;               /* signatures tried for the request under way */
		char what[128];             /* the algorithm, for messages */
		char label[P11_LABEL_LEN + 1];
		bool pin_refused;           /* the last PIN for this request was refused */
		bool stepping;              /* step() runs: an answer that comes at once needs no call */
		struct pk_request request;  /* the signature under way */
	} run;
};

void xkey_init(struct xkey *x, struct pin_supply *supply);
void xkey_new_run(struct xkey *x);
void xkey_free(struct xkey *x);
/* The greeting: with --external-key announce client version 3 (no reply is awaited). */
void xkey_on_greeting(struct session_core *c);
/*
 * An ">NAME:text" the event parser does not know: PK_REQ_NONE when it is not an external-key
 * one, or when it asked for the certificate chosen_id names and the signer still holds it (it
 * was answered here: the token stayed since); PK_REQ_NEED_CERTIFICATE when the certificate must
 * be chosen (then answer it with xkey_answer_certificate); a signature request is answered here,
 * with chosen_id's key.
 */
enum pk_request_type xkey_on_request(struct session_core *c, struct xkey *x,
                                     const struct mgmt_event *ev, const char *chosen_id);
/* The token left the reader: its selection and login are gone with it. */
void xkey_on_token_gone(struct xkey *x);
/* Sends the certificate with this id (selected on the token first). */
void xkey_answer_certificate(struct session_core *c, struct xkey *x, const char *id);

#endif
