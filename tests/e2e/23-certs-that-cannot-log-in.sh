#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 23-certs-that-cannot-log-in: certificates a login cannot use are never offered.
# An expired certificate: the server would refuse it and the client would reconnect for ever, so:
#   a) beside a valid one, the expired one is not a choice: the valid one is used by itself
#   b) the menu (two valid ones and an expired one) marks the expired one [EXPIRED]
#   c) only an expired one: a warning that names it before it is used
#   d) only an expired one in --batch: refused, exit 7, nothing sent
# A certificate without its private key, and one whose key has another CKA_ID (OpenVPN lists both,
# and a login with either fails in a loop: PIN, handshake failed, PIN, ...):
#   e) list shows only the one with its key and says how many more cannot; --all shows them with
#      the reason; doctor warns about each with a hint
#   f) start uses the one with its key by itself (no menu), and connects
#   g) only keyless ones: start --batch says each one's reason and exits 7, no id sent
#   h) --cert sha256:PREFIX selects by the fingerprint list shows, and connects
#   k) --external-key signs with a key under another CKA_ID (found by its public key): twin connects
# Certificates stored as private objects (pkcs11-cert-private 1): OpenVPN asks the PIN in the
# middle of pkcs11-id-count, and hangs for good if any command comes then (2.6 and 2.7 alike):
#   i) that PIN request is named with the way out, nothing is sent, exit 7, openvpn stopped
#   j) the way out: pkcs11-id in the config, the PIN asked for the login, connected
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
make_pki "$T" valid1 valid2
make_cert_dated "$T" oldcert 20240101000000Z 20250101000000Z
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
echo "verb 4" >> "$T/client.conf"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

log "a) the valid one beside an expired one"
mkdir -p "$T/a"; ln -s "$T/pki" "$T/a/pki"
make_token "$T/a" "Two Token" "$PIN" oldcert valid1
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "Using the only valid certificate: valid1" 30 "a: the valid one was not used by itself"
if pty_screen | grep -Fq "Certificates on the token:"; then fail "a: a menu was shown"; fi
pty_expect_text "PIN for token 'Two Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "b) the menu marks the expired one"
mkdir -p "$T/b"; ln -s "$T/pki" "$T/b/pki"
make_token "$T/b" "Three Token" "$PIN" oldcert valid1 valid2
pty_start "$OVPN_TOKEN" start --log "$T/b.log" "$T/client.conf"
pty_expect_text "Certificates on the token:" 30 "b: no menu"
pty_expect "oldcert .*\[EXPIRED\]" 2 "b: the expired certificate is not marked"
if pty_screen | grep -E "valid[12] .*\[EXPIRED\]" >/dev/null; then fail "b: a valid certificate is marked expired"; fi
pty_send_keys C-c
pty_expect_exit 5 20
pty_stop
wait_listening "$PORT"

log "c) only an expired one: warned"
mkdir -p "$T/c"; ln -s "$T/pki" "$T/c/pki"
make_token "$T/c" "Old Token" "$PIN" oldcert
pty_start "$OVPN_TOKEN" start --log "$T/c.log" "$T/client.conf"
pty_expect "ovpn-token: warning: certificate oldcert .*\[EXPIRED\].*: the server will refuse it" 30 \
    "c: no warning before using an expired certificate"
pty_send_keys C-c
pty_wait_exit 20 || fail "c: did not end after Ctrl-C"
pty_stop
wait_listening "$PORT"

log "d) only an expired one, --batch: refused"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/d.log" "$T/client.conf"
pty_expect_exit 7 30
pty_expect_text "not trying in --batch" 2 "d: the refusal does not say why"
if grep -q "MANAGEMENT: CMD 'needstr" "$T/d.log"; then fail "d: the expired certificate was sent"; fi
if grep -q "MANAGEMENT: CMD 'password" "$T/d.log"; then fail "d: a PIN was sent"; fi
pty_stop
wait_listening "$PORT"

# A token with client1 (its key under its id), orphan (no key at all) and twin (its key under
# another CKA_ID than the certificate).
make_pki "$T" client1 orphan twin
mixed_token() {
    local dir=$1; shift
    mkdir -p "$dir"; ln -sfn "$T/pki" "$dir/pki"
    make_token "$dir" "Mixed" "$PIN" "$@"
    pkcs11-tool --module "$SOFTHSM_LIB" --token-label Mixed --login --pin "$PIN" \
        --write-object "$T/pki/orphan.der" --type cert --id 50 --label orphan >>"$dir/token.out" 2>&1 \
        || fail "pkcs11-tool: orphan certificate"
    softhsm2-util --import "$T/pki/twin.p8" --token Mixed --label twin --id 52 --pin "$PIN" \
        >>"$dir/token.out" 2>&1 || fail "softhsm2-util: twin key"
    pkcs11-tool --module "$SOFTHSM_LIB" --token-label Mixed --login --pin "$PIN" \
        --write-object "$T/pki/twin.der" --type cert --id 53 --label twin >>"$dir/token.out" 2>&1 \
        || fail "pkcs11-tool: twin certificate"
}

log "e) list, list --all and doctor"
mixed_token "$T/e" client1
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" >"$T/e.out" 2>"$T/e.err" || fail "e: list failed: $(cat "$T/e.err")"
grep -q "CN=client1" "$T/e.out" || fail "e: list does not show client1: $(cat "$T/e.out")"
if grep -Eq "CN=(orphan|twin)" "$T/e.out"; then fail "e: list shows a certificate that cannot log in"; fi
grep -Fq "(2 more cannot log in: --all shows them and why)" "$T/e.err" \
    || fail "e: list does not say that 2 are left out: $(cat "$T/e.err")"
SHA=$(sed -n 's/^  SHA-256: *//p' "$T/e.out")
[ "$SHA" = "$(openssl x509 -in "$T/pki/client1.crt" -outform DER | sha256sum | cut -d' ' -f1)" ] \
    || fail "e: list's SHA-256 is not client1's fingerprint: '$SHA'"
"$OVPN_TOKEN" list --all --provider "$SOFTHSM_LIB" >"$T/e-all.out" 2>&1 || fail "e: list --all failed"
grep -B1 -A4 "Cannot log in: the token holds no private key for it" "$T/e-all.out" | grep -q "CN=orphan" \
    || fail "e: list --all does not mark orphan as keyless: $(cat "$T/e-all.out")"
grep -A4 "Cannot log in: its private key has another CKA_ID" "$T/e-all.out" | grep -q "CN=twin" \
    || fail "e: list --all does not mark twin's other id"
"$OVPN_TOKEN" list --json --provider "$SOFTHSM_LIB" >"$T/e.json" || fail "e: list --json failed"
python3 - "$T/e.json" <<'PY' || fail "e: list --json is not what list shows"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["certificates"]
assert [x["subject"] for x in c] == ["CN=client1"], c
assert c[0]["can_log_in"] is True and len(c[0]["sha256"]) == 64, c
PY
"$OVPN_TOKEN" doctor --provider "$SOFTHSM_LIB" >"$T/e-doctor.out" 2>&1 || true
grep -q "^WARN certificate 'orphan' on token 'Mixed' cannot log in: the token holds no private key for it -- hint:" \
    "$T/e-doctor.out" || fail "e: doctor does not warn about orphan: $(cat "$T/e-doctor.out")"
grep -q "^WARN certificate 'twin' .*another CKA_ID.*-- hint: give the key the certificate's CKA_ID" \
    "$T/e-doctor.out" || fail "e: doctor does not warn about twin's id"

log "f) start uses the one with its key, by itself"
pty_start "$OVPN_TOKEN" start --log "$T/f.log" "$T/client.conf"
pty_expect_text "Using the only certificate that can log in: client1 " 30 "f: client1 was not used by itself"
if pty_screen | grep -Fq "Certificates on the token:"; then fail "f: a menu was shown"; fi
pty_expect_text "PIN for token 'Mixed':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "f: not connected"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "g) only certificates that cannot log in, --batch"
mkdir -p "$T/g"; ln -sfn "$T/pki" "$T/g/pki"
mixed_token "$T/g"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/g.log" "$T/client.conf"
pty_expect_exit 7 30
pty_expect_text "no certificate on the token can log in:" 2 "g: the refusal does not say why"
pty_expect "orphan .*: the token holds no private key for it" 2 "g: orphan's reason is not said"
pty_expect "twin .*: its private key has another CKA_ID" 2 "g: twin's reason is not said"
if grep -q "MANAGEMENT: CMD 'needstr" "$T/g.log"; then fail "g: an id was sent"; fi
pty_stop
wait_listening "$PORT"

log "h) --cert sha256: selects by fingerprint"
mkdir -p "$T/h"; ln -sfn "$T/pki" "$T/h/pki"
make_token "$T/h" "Pair" "$PIN" client1 valid1
pty_start "$OVPN_TOKEN" start --cert "sha256:${SHA:0:12}" --batch --pin-file "$T/pin" --log "$T/h.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "h: not connected"
grep -q "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \".*/Pair/45\"'" "$T/h.log" \
    || fail "h: the id sent is not client1's (45): $(grep 'CMD .needstr' "$T/h.log")"
pty_send_keys C-c
pty_wait_exit 20 || fail "h: did not end after Ctrl-C"
pty_stop
wait_listening "$PORT"

log "k) --external-key: the key under another CKA_ID"
export SOFTHSM2_CONF="$T/e/softhsm2.conf"
server_log_mark "$T"
pty_start "$OVPN_TOKEN" start --external-key --cert twin --batch --pin-file "$T/pin" --log "$T/k.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "k: twin's key under another id did not sign"
wait_until 5 eval 'server_log_since "$T" | grep -q "CN=twin"' || fail "k: the server did not see CN=twin"
pty_send_keys C-c
pty_wait_exit 20 || fail "k: did not end after Ctrl-C"
pty_stop
wait_listening "$PORT"

log "i) pkcs11-cert-private: the PIN asked while OpenVPN lists"
mkdir -p "$T/i"; ln -sfn "$T/pki" "$T/i/pki"
make_token "$T/i" "Priv" "$PIN"
softhsm2-util --import "$T/pki/client1.p8" --token Priv --label client1 --id 45 --pin "$PIN" \
    >>"$T/i/token.out" 2>&1 || fail "softhsm2-util: client1 key"
pkcs11-tool --module "$SOFTHSM_LIB" --token-label Priv --login --pin "$PIN" --private \
    --write-object "$T/pki/client1.der" --type cert --id 45 --label client1 >>"$T/i/token.out" 2>&1 \
    || fail "pkcs11-tool: private certificate"
cp "$T/client.conf" "$T/private.conf"
echo "pkcs11-cert-private 1" >> "$T/private.conf"
pty_start "$OVPN_TOKEN" start --log "$T/i.log" "$T/private.conf"
pty_expect_exit 7 40
pty_expect_text "OpenVPN asks the token's PIN to list its certificates (pkcs11-cert-private)" 2 \
    "i: the cause is not named"
pty_expect_text "put the certificate's id in the config as pkcs11-id" 2 "i: no way out is said"
if pty_screen | grep -Fq "PIN for token"; then fail "i: a PIN was asked that OpenVPN cannot take"; fi
if grep -q "CMD 'password" "$T/i.log"; then fail "i: a PIN was sent"; fi
no_openvpn_for() { ! pgrep -f -- "$1" >/dev/null; }
wait_until 10 no_openvpn_for "$T/private.conf" || fail "i: openvpn was left running"
pty_stop
wait_listening "$PORT"

log "j) pkcs11-cert-private with pkcs11-id in the config"
SERIAL=$(pkcs11-tool --module "$SOFTHSM_LIB" -L 2>/dev/null | sed -n 's/^ *serial num *: *//p' | head -n 1)
printf "pkcs11-id 'SoftHSM\\x20project/SoftHSM\\x20v2/%s/Priv/45'\n" "$SERIAL" >> "$T/private.conf"
pty_start "$OVPN_TOKEN" start --log "$T/j.log" "$T/private.conf"
pty_expect_text "PIN for token 'Priv':" 30 "j: the PIN was not asked"
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "j: not connected"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pass
