#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 57-enroll: from an empty SoftHSM2 token and a throwaway easy-rsa 3 CA to a tunnel, with no other
# PKCS#11 tool: `enroll` makes the key on the token and a request it signs (`openssl req -verify`
# holds), easy-rsa signs it, `enroll --import` puts the certificate beside the key, and `start`
# connects with it -- RSA 2048 and EC P-256 (tests/lib/enroll.sh: a PIV or TPM token is one more
# enroll_roundtrip line with its provider).  Then: the PIN typed at a real terminal (no echo; a
# wrong one is refused and the PIN asked again), a wrong PIN from a file (exit 6, no key made),
# --batch with no PIN (exit 9), an id in use (exit 2),
# a certificate whose key is not on the token and a CA certificate (exit 7, nothing written, the
# key it needs named), and a renewal: --renew on a config whose pkcs11-id names the certificate
# (token and provider from the config) makes a new key and request with the same subject,
# the old pair stays until --import --chain --remove-old (which also writes the issuer), and start
# connects with the new certificate.
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/enroll.sh
. "$(dirname "$0")/../lib/enroll.sh"
tb_init
require_ovpn_token
easyrsa_available || { echo "SKIP: easy-rsa 3 is not installed ($EASYRSA)"; exit 77; }

PIN=246810
TOKEN="Enroll Token"
make_pki "$T" client1
easyrsa_ca "$T"
make_token "$T" "$TOKEN" "$PIN"
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

private_keys() {
    pkcs11-tool --module "$SOFTHSM_LIB" --token-label "$TOKEN" --login --pin "$PIN" --list-objects \
        --type privkey 2>/dev/null | grep -c "^Private Key Object" || true
}
certificates() {
    pkcs11-tool --module "$SOFTHSM_LIB" --token-label "$TOKEN" --list-objects --type cert \
        2>/dev/null | grep -c "^Certificate Object" || true
}

log "a) RSA 2048 and EC P-256: enroll, sign, import, start -> Connected"
enroll_roundtrip alice rsa:2048 "$SOFTHSM_LIB" "$TOKEN" "$T/pin" "$T/client.conf"
enroll_roundtrip bob ec:P-256 "$SOFTHSM_LIB" "$TOKEN" "$T/pin" "$T/client.conf"
# The private keys: sensitive, never extractable, for signing, beside a public key of the same id.
attrs=$(pkcs11-tool --module "$SOFTHSM_LIB" --token-label "$TOKEN" --login --pin "$PIN" --list-objects 2>/dev/null)
[ "$(grep -c "never extractable" <<<"$attrs")" -eq 2 ] || fail "keys not sensitive/never extractable: $attrs"
[ "$(grep -c "^Public Key Object" <<<"$attrs")" -eq 2 ] || fail "public keys: $attrs"

log "b) the PIN typed at the terminal, without echo; the request to standard output"
pty_start bash -c "'$OVPN_TOKEN' enroll --provider '$SOFTHSM_LIB' --subject '/CN=carol/O=Example' --key ec:P-384 > '$T/carol.csr'"
pty_expect_text "PIN for token '$TOKEN':" 20
pty_type 999999
pty_expect_text "token '$TOKEN' refused the PIN (wrong PIN)" 20
pty_wait_count "PIN for token '$TOKEN':" 2 20 || fail "b: the PIN was not asked again: $(pty_screen)"
pty_type "$PIN"
pty_expect_exit 0 30
if pty_screen | grep -Fq "$PIN"; then fail "b: the PIN is visible on screen"; fi
pty_has_text "The key (EC P-384) is on the token" || fail "b: no progress on the terminal: $(pty_screen)"
openssl req -in "$T/carol.csr" -verify -noout 2>&1 | grep -q "verify OK" || fail "b: the request does not verify"
openssl req -in "$T/carol.csr" -noout -subject | grep -q "CN = carol, O = Example" \
    || fail "b: subject: $(openssl req -in "$T/carol.csr" -noout -subject)"
pty_stop
keys=$(private_keys)
[ "$keys" -eq 3 ] || fail "b: $keys private keys, not 3"

log "c) refusals: a wrong PIN, no PIN in --batch, an id in use"
printf '000000\n' > "$T/wrong"
chmod 600 "$T/wrong"
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/wrong" --provider "$SOFTHSM_LIB" --subject /CN=dave \
    >"$T/c1.out" 2>&1 || rc=$?
[ "$rc" -eq 6 ] || fail "c: wrong PIN: exit $rc, not 6: $(cat "$T/c1.out")"
grep -q "refused the PIN (wrong PIN)" "$T/c1.out" || fail "c: wrong PIN said: $(cat "$T/c1.out")"
rc=0; "$OVPN_TOKEN" enroll --batch --provider "$SOFTHSM_LIB" --subject /CN=dave </dev/null >"$T/c2.out" 2>&1 || rc=$?
[ "$rc" -eq 9 ] || fail "c: --batch without a PIN: exit $rc, not 9: $(cat "$T/c2.out")"
grep -q "needs its PIN and --batch asks nobody" "$T/c2.out" || fail "c: said: $(cat "$T/c2.out")"
alice_id=$(sed -n "s/.*pkcs11-id '.*\/\([0-9A-F]*\)'$/\1/p" "$T/alice.import.out")
[ -n "$alice_id" ] || fail "c: no pkcs11-id in: $(cat "$T/alice.import.out")"
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$SOFTHSM_LIB" --subject /CN=dave \
    --id "$alice_id" >"$T/c3.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "c: id in use: exit $rc, not 2: $(cat "$T/c3.out")"
grep -qi "id $alice_id is in use" "$T/c3.out" || fail "c: id in use said: $(cat "$T/c3.out")"
keys=$(private_keys)
[ "$keys" -eq 3 ] || fail "c: a refusal made a key: $keys private keys"

log "d) imports refused: the key is not on the token; a CA certificate"
certs=$(certificates)
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$SOFTHSM_LIB" --import "$T/pki/client1.crt" \
    >"$T/d1.out" 2>&1 || rc=$?
[ "$rc" -eq 7 ] || fail "d: foreign certificate: exit $rc, not 7: $(cat "$T/d1.out")"
grep -q "no key on the token belongs to this certificate: it needs the private key of EC P-256 point" "$T/d1.out" \
    || fail "d: foreign certificate said: $(cat "$T/d1.out")"
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$SOFTHSM_LIB" --import "$EASYRSA_PKI/ca.crt" \
    >"$T/d2.out" 2>&1 || rc=$?
[ "$rc" -eq 7 ] || fail "d: CA certificate: exit $rc, not 7: $(cat "$T/d2.out")"
grep -q "cannot log in (a CA certificate)" "$T/d2.out" || fail "d: CA certificate said: $(cat "$T/d2.out")"
[ "$(certificates)" -eq "$certs" ] || fail "d: a refused import wrote a certificate"

log "e) renewal: a new key and request for alice; the old pair stays until --import --remove-old"
# The certificate in use is the one of the config's pkcs11-id; the provider is the config's.
cp "$T/client.conf" "$T/alice.conf"
echo "pkcs11-id '$(sed -n "s/^pkcs11-id '\(.*\)'$/\1/p" "$T/alice.import.out")'" >> "$T/alice.conf"
"$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --renew --out "$T/alice-new.csr" "$T/alice.conf" \
    >"$T/e1.out" 2>&1 || fail "e: --renew failed: $(cat "$T/e1.out")"
grep -q "Renewing 'CN=alice' (id $(tr 'A-F' 'a-f' <<<"$alice_id")): the old key and certificate stay" "$T/e1.out" \
    || fail "e: --renew said: $(cat "$T/e1.out")"
openssl req -in "$T/alice-new.csr" -verify -noout 2>&1 | grep -q "verify OK" || fail "e: the request does not verify"
[ "$(request_key_type "$T/alice-new.csr")" = "RSA 2048" ] || fail "e: the renewal changed the key type"
openssl req -in "$T/alice-new.csr" -noout -subject | grep -q "subject=CN = alice$" \
    || fail "e: subject: $(openssl req -in "$T/alice-new.csr" -noout -subject)"
[ "$(private_keys)" -eq 4 ] || fail "e: the old key did not stay beside the new one"
cert=$(easyrsa_sign "$T" "$T/alice-new.csr" alice-renewed)
# The CA's answer with its own certificate after it: --chain puts that on the token too.
cat "$cert" "$EASYRSA_PKI/ca.crt" > "$T/alice-bundle.pem"
certs=$(certificates)
"$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$SOFTHSM_LIB" --import "$T/alice-bundle.pem" \
    --chain --remove-old >"$T/e2.out" 2>&1 || fail "e: import of the renewal failed: $(cat "$T/e2.out")"
grep -q "The issuer's certificate 'Throwaway CA' is on the token too." "$T/e2.out" \
    || fail "e: --chain said: $(cat "$T/e2.out")"
# + the new certificate + the issuer - the old certificate
[ "$(certificates)" -eq $((certs + 1)) ] || fail "e: $(certificates) certificates, not $((certs + 1))"
grep -q "Removed the old certificate and its keys (id $(tr 'A-F' 'a-f' <<<"$alice_id"))" "$T/e2.out" \
    || fail "e: --remove-old said: $(cat "$T/e2.out")"
[ "$(private_keys)" -eq 3 ] || fail "e: the old key is still there"
"$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --import "$cert" "$T/alice.conf" >"$T/e4.out" 2>&1 \
    || fail "e: a second import failed: $(cat "$T/e4.out")"
grep -q "is on token '$TOKEN' already" "$T/e4.out" || fail "e: second import said: $(cat "$T/e4.out")"
grep -q "warning: the config's pkcs11-id names another certificate" "$T/e4.out" \
    || fail "e: no word that the config names the old certificate: $(cat "$T/e4.out")"
new_serial=$(openssl x509 -in "$cert" -noout -serial | sed 's/serial=//')
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" >"$T/e3.out" 2>&1 || true
grep -q "Serial: *$new_serial" "$T/e3.out" || fail "e: list does not show the new certificate: $(cat "$T/e3.out")"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --cert alice --log "$T/e.client.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 40 "e: not connected with the renewed certificate"
pty_send_keys C-c
pty_expect_exit 0 20
pass
