#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 70-opensc-list: a card in a reader, through OpenSC (tests/lib/smartcard.sh). `ovpn-token list`
# prints exactly the ids `openvpn --show-pkcs11-ids opensc-pkcs11.so` prints, byte for byte, for a
# card with two certificates; the token shown is OpenSC's name for it (a certificate's CN). With the
# card taken out of the reader: exit 7, no certificate.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_card_up 12345678 client1 client2

"$OVPN_TOKEN" list --provider "$OPENSC_LIB" >"$T/list.out" 2>"$T/list.err" || fail "list failed ($?)"
openvpn --show-pkcs11-ids "$OPENSC_LIB" >"$T/show.out" 2>&1 || fail "openvpn --show-pkcs11-ids failed"
# Whole lines after the label, nothing trimmed but the label and its padding: byte for byte.
ids_of() { sed -n 's/^ *Serialized id: *//p' "$1" | sort; }
ids_of "$T/list.out" >"$T/ours.ids"
ids_of "$T/show.out" >"$T/openvpn.ids"
[ "$(wc -l <"$T/openvpn.ids")" = 2 ] || { cat "$T/show.out" >&2; fail "openvpn shows $(wc -l <"$T/openvpn.ids") ids, expected 2"; }
cmp -s "$T/ours.ids" "$T/openvpn.ids" || {
    diff "$T/ours.ids" "$T/openvpn.ids" >&2 || true
    fail "list ids differ from openvpn --show-pkcs11-ids"
}
# OpenSC's CAC emulation: manufacturer, model, the card's serial, and the token named after the
# CN of the card's first certificate (which one is first is the card's order, not ours).
token=$(sed -n 's/^  Token: *//p' "$T/list.out" | sort -u)
case $token in client1|client2) ;; *) cat "$T/list.out" >&2; fail "token name '$token' is not OpenSC's (a CN)" ;; esac
[ "$(grep -c "^Common\\\\x20Access\\\\x20Card/PKCS\\\\x2315\\\\x20emulated/[0-9a-f]\\{16\\}/$token/" "$T/ours.ids")" = 2 ] \
    || { cat "$T/ours.ids" >&2; fail "the ids are not OpenSC's CAC ids for token $token"; }
grep -q '^  Slot: *Virtual PCD 00 00' "$T/list.out" || fail "the reader is not shown as the slot"
grep -q '^  Key: *RSA 2048' "$T/list.out" || fail "key type not shown"
for cn in client1 client2; do
    grep -q "^  Subject: *CN=$cn\$" "$T/list.out" || { cat "$T/list.out" >&2; fail "$cn not listed"; }
done

sc_card_remove
rc=0; "$OVPN_TOKEN" list --provider "$OPENSC_LIB" >"$T/nocard.out" 2>&1 || rc=$?
[ "$rc" = 7 ] || { cat "$T/nocard.out" >&2; fail "list without the card: exit $rc, expected 7"; }
grep -Fq "ovpn-token: no certificate found through $OPENSC_LIB" "$T/nocard.out" \
    || { cat "$T/nocard.out" >&2; fail "list without the card does not say so"; }
pass
