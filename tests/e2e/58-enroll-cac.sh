#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 58-enroll-cac: the refusal on a card that cannot make keys: a CAC card through OpenSC
# (tests/lib/smartcard.sh; OpenSC's CAC driver lists no key-pair generation and opens no
# writable token).  `enroll` refuses with the cause and what to do, exit 19, before any PIN goes
# to the card, and the card's objects are as they were; `enroll --import` of the card's own
# certificate finds it there already and writes nothing (exit 0).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

PIN=12345678
sc_card_up "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
objects() { pkcs11-tool --module "$OPENSC_LIB" --list-objects 2>/dev/null | grep -c "Object" || true; }
before=$(objects)
[ "$before" -gt 0 ] || fail "the card shows no objects"

# A wrong PIN in the file: had it gone to the card, the answer would be the PIN's (exit 6 or 1).
printf '00000000\n' > "$T/wrong"
chmod 600 "$T/wrong"
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/wrong" --provider "$OPENSC_LIB" --subject /CN=new \
    >"$T/e.out" 2>&1 || rc=$?
log "enroll: $(cat "$T/e.out")"
[ "$rc" -eq 19 ] || fail "enroll on the CAC card: exit $rc, not 19: $(cat "$T/e.out")"
grep -q "token 'client1': the token cannot generate keys: its mechanism list has no CKM_RSA_PKCS_KEY_PAIR_GEN" "$T/e.out" \
    || fail "enroll on the CAC card said: $(cat "$T/e.out")"
if grep -q "PIN" "$T/e.out"; then fail "a PIN was asked or sent: $(cat "$T/e.out")"; fi

rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$OPENSC_LIB" --import "$T/pki/client1.crt" \
    >"$T/i.out" 2>&1 || rc=$?
log "enroll --import: exit $rc: $(cat "$T/i.out")"
[ "$rc" -eq 0 ] || fail "import on the CAC card: exit $rc: $(cat "$T/i.out")"
grep -q "^client1 (issuer Test CA, .*) is on token 'client1' already (id 0001)" "$T/i.out" \
    || fail "import of the card's own certificate said: $(cat "$T/i.out")"
[ "$(objects)" = "$before" ] || fail "the card's objects changed: $before before, $(objects) after"
pass
