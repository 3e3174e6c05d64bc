#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 53-attach-external-key-other-id: a certificate whose private key has another CKA_ID than the
# certificate (only the external key can use such a pair: our signer finds the key by its public
# key; OpenVPN's PKCS#11 support cannot). An openvpn started by someone else in external-key mode
# (--management-external-key/-cert) asks us for the certificate (>NEED-CERTIFICATE), so `attach`
# must offer that certificate there, as `start --external-key` does (23 k), and never send the
# person to --external-key, an option attach does not take:
#   a) attach: the only certificate is used by itself, the PIN asked once, Connected, and the
#      server saw CN=twin; no "cannot log in", no --external-key hint
#   b) the same in --batch with --pin-file
#   c) attach without --provider: exit 7, and the way out is --provider (attach has no config,
#      and takes no --external-key)
# (`connect` is the same session through serve's openvpn, always in external-key mode: 54.)
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
make_pki "$T" twin
# The key under CKA_ID 52, its certificate under 53.
make_token "$T" "Twin Token" "$PIN"
softhsm2-util --import "$T/pki/twin.p8" --token "Twin Token" --label twin --id 52 --pin "$PIN" \
    >>"$T/token.out" 2>&1 || fail "softhsm2-util: twin key"
pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Twin Token" --login --pin "$PIN" \
    --write-object "$T/pki/twin.der" --type cert --id 53 --label twin >>"$T/token.out" 2>&1 \
    || fail "pkcs11-tool: twin certificate"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
# OpenVPN refuses --management-external-key beside pkcs11-providers: the admin's config has none.
grep -v '^pkcs11-' "$T/client.conf" > "$T/xkey.conf"
cat >> "$T/xkey.conf" <<EOF
management $T/mgmt.sock unix
management-query-passwords
management-hold
management-external-key pkcs1 pss digest
management-external-cert twin
verb 4
EOF

# run_client LOG: openvpn in external-key mode, as an admin would run it for attach.
run_client() {
    openvpn --config "$T/xkey.conf" --log "$1" &
    TB_PIDS+=("$!")
    CLIENT_PID=$!
    wait_for "$1" "MANAGEMENT: unix domain socket listening" 15 || fail "openvpn management not listening"
}

# attached_twin STEP: connected with twin, and nothing said that it cannot log in.
attached_twin() {
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "$1: twin was not offered to openvpn: $(pty_screen | grep -v '^$' | tail -n 5)"
    wait_until 5 eval 'server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=twin"' \
        || fail "$1: the server did not verify twin"
    if pty_screen | grep -Eq "cannot log in|--external-key"; then
        fail "$1: twin was judged by the PKCS#11 rule: $(pty_screen | grep -E 'cannot log in|--external-key')"
    fi
}

log "a) attach to an openvpn in external-key mode"
server_log_mark "$T"
run_client "$T/a.log"
pty_start "$OVPN_TOKEN" attach --provider "$SOFTHSM_LIB" "$T/mgmt.sock"
pty_expect_text "PIN for token 'Twin Token':" 30 "a: no PIN asked: $(pty_screen | grep -v '^$' | tail -n 5)"
pty_type "$PIN"
attached_twin a
[ "$(pty_count "PIN for token")" -eq 1 ] || fail "a: the PIN was asked more than once"
grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/a.log" || fail "a: no signature was sent"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
kill "$CLIENT_PID" 2>/dev/null || true
wait "$CLIENT_PID" 2>/dev/null || true
rm -f "$T/mgmt.sock"
wait_listening "$PORT"

log "b) the same in --batch"
server_log_mark "$T"
run_client "$T/b.log"
pty_start "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" --provider "$SOFTHSM_LIB" "$T/mgmt.sock"
attached_twin b
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
kill "$CLIENT_PID" 2>/dev/null || true
wait "$CLIENT_PID" 2>/dev/null || true
rm -f "$T/mgmt.sock"

log "c) attach without --provider"
run_client "$T/c.log"
pty_start "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" "$T/mgmt.sock"
pty_expect_exit 7 30
pty_expect_text "ovpn-token has no PKCS#11 module to list the token's certificates with: name it with --provider" 2 \
    "c: the way out is not said"
if pty_screen | grep -Eq -- "--external-key|pkcs11-providers"; then
    fail "c: attach is sent to what it does not take: $(pty_screen | grep -E -- '--external-key|pkcs11-providers')"
fi
pty_stop

pass
