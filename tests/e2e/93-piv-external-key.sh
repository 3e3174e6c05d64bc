#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 93-piv-external-key: `start --external-key` with a PIV card, through OpenSC's piv driver
# (tests/lib/piv.sh): openvpn gets no PKCS#11 option, ovpn-token signs on the card.
#   a) 9A RSA 2048, TLS 1.3: the card made an RSA-PSS signature (its log names the block's
#      padding) and the server verified it; the PIN went to the card once
#   b) another card, 9A EC P-256, TLS 1.2 (tls-version-max 1.2): an ECDSA signature on the card
#   c) 9A EC P-384, TLS 1.3: ECDSA with the card's P-384 key
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
piv_init "$@"
require_ovpn_token

piv_card_up 123456 9a:client1:rsa
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$OPENSC_LIB"
printf '%s\n' "$SC_PIN" >"$T/pin"
chmod 600 "$T/pin"

# connect_xkey NAME CONF CN: start --batch --external-key with CONF until Connected as CN; stopped.
connect_xkey() {
    local name=$1 conf=$2 cn=$3 pid
    wait_listening "$PORT" 15
    server_log_mark "$T"
    "$OVPN_TOKEN" start --batch --external-key --pin-file "$T/pin" --log "$T/$name.log" "$conf" \
        </dev/null >"$T/$name.out" 2>&1 &
    pid=$!
    TB_PIDS+=("$pid")
    wait_for "$T/$name.out" "Connected to 127.0.0.1:$PORT" 40 || { cat "$T/$name.out" >&2; fail "$name: not connected"; }
    server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=$cn" || fail "$name: the server did not verify $cn"
    local ovpn
    ovpn=$(pgrep -f -- "--config $conf" | head -n 1 || true)
    [ -n "$ovpn" ] && proc_args "$ovpn" | grep -q -- pkcs11 && fail "$name: openvpn got a PKCS#11 option"
    grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/$name.log" || fail "$name: no signature sent to OpenVPN"
    kill "$pid"
    wait_until 20 pid_gone "$pid" || fail "$name: start did not stop"
}

log "a) RSA 2048, TLS 1.3: RSA-PSS on the card"
connect_xkey rsa13 "$T/client.conf" client1
server_log_since "$T" | grep "Control Channel:" | grep -q "TLSv1.3, .*peer certificate: 2048 bits RSA" \
    || fail "a: the server did not see TLS 1.3 with the card's RSA certificate"
grep -q "virt_piv: key 9A: RSA 2048 RSA-PSS signature" "$T/virt_piv.log" || fail "a: the card made no RSA-PSS signature"
if grep -q "virt_piv: key 9A: RSA 2048 PKCS#1" "$T/virt_piv.log"; then fail "a: a PKCS#1 v1.5 signature in TLS 1.3"; fi
[ "$(piv_verifies)" = 1 ] || fail "a: $(piv_verifies) PINs reached the card, expected 1"

log "b) EC P-256, TLS 1.2: ECDSA on the card"
piv_card_replace 9a:ec256:ec
cp "$T/client.conf" "$T/client12.conf"
echo "tls-version-max 1.2" >>"$T/client12.conf"
connect_xkey ec12 "$T/client12.conf" ec256
server_log_since "$T" | grep "Control Channel:" | grep -Eq "TLSv1.2, .*peer certificate: 256 bits? EC" \
    || { server_log_since "$T" | grep "Control Channel:" >&2; fail "b: the server did not see TLS 1.2 with the card's P-256 certificate"; }
grep -q "virt_piv: key 9A: ECDSA secp256r1 signature" "$T/virt_piv.log" || fail "b: the card made no ECDSA signature"

log "c) EC P-384, TLS 1.3: ECDSA on the card"
piv_card_replace 9a:ec384:p384
connect_xkey ec13 "$T/client.conf" ec384
server_log_since "$T" | grep "Control Channel:" | grep -Eq "TLSv1.3, .*peer certificate: 384 bits? EC" \
    || { server_log_since "$T" | grep "Control Channel:" >&2; fail "c: the server did not see TLS 1.3 with the card's P-384 certificate"; }
grep -q "virt_piv: key 9A: ECDSA secp384r1 signature" "$T/virt_piv.log" || fail "c: the card made no P-384 signature"
piv_strict
pass
