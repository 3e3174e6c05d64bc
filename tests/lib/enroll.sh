# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for the enroll tests (sourced after testbed.sh): a throwaway easy-rsa 3 CA that the test
# server also trusts, and the round trip a user makes: enroll -> the CA signs -> enroll --import ->
# start -> Connected.  A token of another kind (the PIV card, the software TPM) needs only its
# provider, label and PIN: enroll_roundtrip takes them.

EASYRSA=${EASYRSA:-/usr/share/easy-rsa/easyrsa}

# easyrsa_available: easy-rsa 3 is installed (Debian: the easy-rsa package).
easyrsa_available() { [ -x "$EASYRSA" ]; }

# easyrsa_ca DIR: a CA in DIR/easyrsa (EC P-256, fast), and its certificate appended to
# DIR/pki/ca.crt (make_pki's, which the test server's `ca` names), so the server accepts
# certificates from both CAs.  Call after make_pki and before start_server.
easyrsa_ca() {
    local dir=$1
    export EASYRSA_BATCH=1 EASYRSA_PKI="$dir/easyrsa" EASYRSA_ALGO=ec EASYRSA_CURVE=prime256v1
    "$EASYRSA" init-pki >"$dir/easyrsa.log" 2>&1 || fail "easyrsa init-pki: $(tail -3 "$dir/easyrsa.log")"
    EASYRSA_REQ_CN="Throwaway CA" "$EASYRSA" build-ca nopass >>"$dir/easyrsa.log" 2>&1 \
        || fail "easyrsa build-ca: $(tail -3 "$dir/easyrsa.log")"
    cat "$EASYRSA_PKI/ca.crt" >> "$dir/pki/ca.crt"
}

# easyrsa_sign DIR REQ NAME: the client certificate for request REQ, as the CA's operator makes it;
# prints the certificate's path.
easyrsa_sign() {
    local dir=$1 req=$2 name=$3
    "$EASYRSA" import-req "$req" "$name" >>"$dir/easyrsa.log" 2>&1 \
        || fail "easyrsa import-req: $(tail -3 "$dir/easyrsa.log")"
    "$EASYRSA" sign-req client "$name" >>"$dir/easyrsa.log" 2>&1 \
        || fail "easyrsa sign-req: $(tail -3 "$dir/easyrsa.log")"
    echo "$EASYRSA_PKI/issued/$name.crt"
}

# request_key_type REQ: what `openssl req` says the request's key is ("RSA 2048", "EC P-256").
request_key_type() {
    local text
    text=$(openssl req -in "$1" -noout -text 2>/dev/null)
    if grep -q "rsaEncryption" <<<"$text"; then
        echo "RSA $(sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' <<<"$text")"
    else
        echo "EC $(sed -n 's/.*NIST CURVE: \(P-[0-9]*\).*/\1/p' <<<"$text")"
    fi
}

# ENROLL_ARGS: more words for the first step, e.g. "--id 01" where the card fixes the key's slot
# by its id (OpenSC's PIV driver).
# enroll_roundtrip NAME KEY PROVIDER TOKEN PINFILE CONFIG: the three steps and the login, all
# --batch: `enroll --key KEY` writes $T/NAME.csr (checked with `openssl req -verify`: signed by
# the key it carries, of the type asked, with clientAuth), easy-rsa signs it, `enroll --import`
# puts the certificate back, and `start CONFIG` connects with it (the server verifies CN=NAME).
enroll_roundtrip() {
    local name=$1 key=$2 provider=$3 token=$4 pinfile=$5 config=$6 cert want
    # shellcheck disable=SC2086  # ENROLL_ARGS are separate words
    "$OVPN_TOKEN" enroll --batch --pin-file "$pinfile" --provider "$provider" --token "$token" \
        --subject "/CN=$name" --key "$key" --out "$T/$name.csr" ${ENROLL_ARGS:-} >"$T/$name.enroll.out" 2>&1 \
        || fail "$name: enroll failed ($?): $(cat "$T/$name.enroll.out")"
    openssl req -in "$T/$name.csr" -verify -noout >"$T/$name.verify" 2>&1 \
        || fail "$name: openssl req -verify: $(cat "$T/$name.verify")"
    grep -q "verify OK" "$T/$name.verify" || fail "$name: no 'verify OK': $(cat "$T/$name.verify")"
    case $key in
        rsa:*) want="RSA ${key#rsa:}" ;;
        ec:*) want="EC ${key#ec:}" ;;
    esac
    [ "$(request_key_type "$T/$name.csr")" = "$want" ] \
        || fail "$name: the request's key is $(request_key_type "$T/$name.csr"), not $want"
    openssl req -in "$T/$name.csr" -noout -text | grep -q "TLS Web Client Authentication" \
        || fail "$name: the request asks no clientAuth"
    cert=$(easyrsa_sign "$T" "$T/$name.csr" "$name")
    "$OVPN_TOKEN" enroll --batch --pin-file "$pinfile" --provider "$provider" --token "$token" \
        --import "$cert" >"$T/$name.import.out" 2>&1 \
        || fail "$name: enroll --import failed ($?): $(cat "$T/$name.import.out")"
    grep -q "^Imported $name (issuer Throwaway CA" "$T/$name.import.out" \
        || fail "$name: import said: $(cat "$T/$name.import.out")"
    server_log_mark "$T"
    pty_start "$OVPN_TOKEN" start --batch --pin-file "$pinfile" --cert "$name" --log "$T/$name.client.log" "$config"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 40 "$name: not connected with the enrolled certificate"
    server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=$name" \
        || fail "$name: the server did not verify CN=$name"
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
    wait_listening "$PORT" || true
}
