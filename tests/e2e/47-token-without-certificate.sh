#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 47-token-without-certificate: the token is inserted and holds its key, but no certificate.
# ovpn-token says so, naming the token ("token 'X' holds no certificate"), not "insert the token";
# --batch ends with 7 at once rather than waiting for ever for a certificate.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Anna card" "$PIN" client1
pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Anna card" --login --pin "$PIN" \
    --delete-object --type cert --id 45 >"$T/delete.out" 2>&1 || fail "cannot delete the certificate"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

rc=0
timeout 30 "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/client.log" "$T/client.conf" \
    </dev/null >"$T/out" 2>&1 || rc=$?
[ "$rc" = 7 ] || fail "exit $rc, not 7: $(cat "$T/out")"
grep -Fq "token 'Anna card' holds no certificate" "$T/out" || fail "the token is not named: $(cat "$T/out")"
if grep -Eq "Insert the token|waiting for a token" "$T/out"; then
    fail "asks to insert a token that is there: $(cat "$T/out")"
fi
pass
