#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 50-external-key: `ovpn-token start --external-key` signs on the token itself. RSA 2048 and EC
# P-256 tokens, each with TLS 1.3 and with tls-version-max 1.2: the tunnel comes up, the server
# verified the token's certificate, openvpn was started with --management-external-key and no
# PKCS#11 option nor "nopadding" (raw RSA, a decryption oracle), and the PIN was asked once.
# What 2.6.14 and 2.7.6 ask, alike (seen with -v; tests/tools/xkey_wire.sh):
# RSA: RSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest,data=message (TLS 1.3 and 1.2),
# EC: ECDSA,hashalg=SHA256,data=message (both); and from a TLS 1.2 server that takes only
# rsa_pkcs1_sha256: RSA_PKCS1_PADDING,hashalg=SHA256,data=message.
# The RSA runs name the provider with --provider (the config has no pkcs11-* line); the EC runs
# keep the config's pkcs11-providers line, which openvpn never sees (it gets a private copy).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
make_pki "$T" ecclient
pki=$T/pki
# An RSA 2048 client beside the EC one, signed by the same CA.
openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$pki/rsaclient.key" -out "$pki/rsaclient.csr" \
    -subj "/CN=rsaclient" 2>>"$pki/openssl.err" || fail "openssl: RSA key"
openssl x509 -req -in "$pki/rsaclient.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$pki/ecclient.ext" -out "$pki/rsaclient.crt" 2>>"$pki/openssl.err" \
    || fail "openssl: RSA certificate"
openssl x509 -in "$pki/rsaclient.crt" -outform DER -out "$pki/rsaclient.der"
openssl pkcs8 -topk8 -nocrypt -in "$pki/rsaclient.key" -out "$pki/rsaclient.p8"
PORT=$(free_port)
start_server "$T" "$PORT"

# asked WHAT ALG: every signature OpenVPN asked for (shown with -v) was of kind ALG.
asked() {
    local got
    got=$(pty_screen | sed -n 's/.*Signed on the token (\(.*\))$/\1/p' | sort -u | paste -sd ';')
    [ "$got" = "$2" ] || fail "$1: OpenVPN $OPENVPN_VERSION asked '${got:-nothing}', expected '$2'"
}

for cn in rsaclient ecclient; do
    # One token per key type, each the only token: the certificate is chosen by itself.
    rm -rf "$T/tokens"
    make_token "$T" "Test Token" "$PIN" "$cn"
    for tls in 1.3 1.2; do
        conf=$T/$cn-$tls.conf
        write_client_config "$T" "$PORT" "$SOFTHSM_LIB" "$conf"
        provider=()
        if [ "$cn" = rsaclient ]; then
            sed -i '/^pkcs11-providers/d' "$conf"
            provider=(--provider "$SOFTHSM_LIB")
        fi
        [ "$tls" = 1.2 ] && echo "tls-version-max 1.2" >> "$conf"
        wait_listening "$PORT" 15
        server_log_mark "$T"
        pty_start "$OVPN_TOKEN" start -v --external-key "${provider[@]}" \
            --log "$T/$cn-$tls.log" "$conf"
        pty_expect_text "PIN for token 'Test Token':" 20
        pty_type "$PIN"
        pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "$cn TLS $tls: not connected"
        server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=$cn" \
            || fail "$cn TLS $tls: the server did not verify $cn"
        server_log_since "$T" | grep -q "Control Channel: TLSv$tls" \
            || fail "$cn TLS $tls: not TLS $tls"
        ovpn_pid=$(pty_openvpn_pid)
        proc_args "$ovpn_pid" | grep -qx -- "--management-external-key" \
            || fail "$cn TLS $tls: openvpn without --management-external-key"
        if proc_args "$ovpn_pid" | grep -q -- "pkcs11"; then
            fail "$cn TLS $tls: openvpn got a PKCS#11 option"
        fi
        grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/$cn-$tls.log" || fail "$cn TLS $tls: no pk-sig sent"
        [ "$(pty_count "PIN for token")" -eq 1 ] || fail "$cn TLS $tls: PIN asked more than once"
        if [ "$cn" = rsaclient ]; then
            asked "$cn TLS $tls" "RSA PSS SHA256 saltlen=digest (message)"
        else
            asked "$cn TLS $tls" "ECDSA SHA256 (message)"
        fi
        if proc_args "$ovpn_pid" | grep -qx -- "nopadding"; then
            fail "$cn TLS $tls: openvpn was offered raw RSA (nopadding)"
        fi
        pty_send_keys C-c
        pty_expect_exit 0 20
        pty_stop
    done
done

# A wrong PIN: the token's own answer (CKR_PIN_INCORRECT) is shown and the PIN asked again.
rm -rf "$T/tokens"
make_token "$T" "Test Token" "$PIN" ecclient
write_client_config "$T" "$PORT" "$SOFTHSM_LIB" "$T/client.conf"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --external-key --log "$T/wrong.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "111111"
pty_expect_text "The PIN was rejected by token 'Test Token' (CKR_PIN_INCORRECT)." 20
pty_wait_count "PIN for token 'Test Token':" 2 20 || fail "the PIN was not asked again"
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected after the right PIN"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

# RSA PKCS#1 v1.5: a server that takes only rsa_pkcs1_sha256 from clients (OpenSSL's
# ClientSignatureAlgorithms; TLS 1.2, as TLS 1.3 has no PKCS#1 signatures).
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
printf '%s\n' "openssl_conf = conf" "[conf]" "ssl_conf = ssl" "[ssl]" \
    "system_default = only_pkcs1" "[only_pkcs1]" "ClientSignatureAlgorithms = RSA+SHA256" \
    > "$T/pkcs1-only.cnf"
PORT=$(free_port)
OPENSSL_CONF="$T/pkcs1-only.cnf" start_server "$T" "$PORT"
rm -rf "$T/tokens"
make_token "$T" "Test Token" "$PIN" rsaclient
conf=$T/rsa-pkcs1.conf
write_client_config "$T" "$PORT" "$SOFTHSM_LIB" "$conf"
sed -i '/^pkcs11-providers/d' "$conf"
echo "tls-version-max 1.2" >> "$conf"
server_log_mark "$T"
pty_start "$OVPN_TOKEN" start -v --external-key --provider "$SOFTHSM_LIB" --log "$T/rsa-pkcs1.log" "$conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "RSA PKCS#1: not connected"
server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=rsaclient" || fail "RSA PKCS#1: not verified"
asked "rsaclient PKCS#1 TLS 1.2" "RSA PKCS#1 SHA256 (message)"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

pass
