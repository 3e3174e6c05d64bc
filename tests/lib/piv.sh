# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# A PIV card in the test bed, beside the CAC card of smartcard.sh (whose namespace, pcscd and
# reader helpers it uses): OpenSC's real `piv` driver talks through pcscd and vpcd to virt_piv,
# a virtual PIV card (tests/tools/virt_piv.py, NIST SP 800-73-4) with a real PIN retry counter:
#
#   ovpn-token / openvpn -> opensc-pkcs11.so (piv driver) -> pcscd -> vpcd (TCP 35963) -> virt_piv
#
# Usage in a test (the card's key slots: 9a authentication, 9c signature (PIN before every
# signature), 9d key management, 9e card authentication (no PIN)):
#   set -eu
#   . "$(dirname "$0")/../lib/testbed.sh"
#   . "$(dirname "$0")/../lib/smartcard.sh"
#   . "$(dirname "$0")/../lib/piv.sh"
#   piv_init "$@"                      # SKIP (77) when a part is missing; else re-runs the test in
#                                      # its own namespace, then tb_init ($T, cleanup trap) there
#   require_ovpn_token
#   piv_card_up 123456 9a:client1:rsa 9c:sign1:ec   # PKI, the card's state, pcscd, the card in
#   PORT=$(free_port); start_server "$T" "$PORT"; write_client_config "$T" "$PORT" "$OPENSC_LIB"
#   ... sc_card_remove / sc_card_insert (SIGUSR1 / SIGUSR2 to the card, as for the CAC card)
#   piv_strict                         # at the end: fail if OpenSC sent an APDU the card lacks
#
# An empty card (no keys, no certificates: for enrollment, `ovpn-token enroll`):
#   PIV_EMPTY=1 piv_card_up 123456
# The card then answers GENERATE ASYMMETRIC KEY PAIR (RSA 2048, P-256, P-384 in 9a 9c 9d 9e) and
# PUT DATA after the management key (3DES, the default 010203040506070801020304050607080102030405060708,
# $PIV_MGMT_KEY) was authenticated, mutual or external (GENERAL AUTHENTICATE, key 9B). With
# OpenSC 0.23's piv-tool (PIV_EXT_AUTH_KEY names a file holding the key as 01:02:...):
#   piv-tool -A M:9B:03 -G 9A:11          the card makes the key; piv-tool 0.23 on OpenSSL 3 then
#                                         fails to decode the public key it got ("gen_key unable
#                                         to gen EC key"): an OpenSC bug, the card's key is there
#                                         (piv_public_key 9a prints it, for a test's checks)
#   piv-tool -A M:9B:03 -C 9A -i cert.pem writes the certificate (PUT DATA 5FC105)
# `-A A:9B:03` (external authentication) fails inside piv-tool 0.23 (-1400) before its second
# step; the mutual one works. OpenSC's PKCS#11 module cannot generate keys on a PIV card.
#
# The card's state is the JSON file $PIV_STATE (PIN, PUK, counters, keys, objects); the card's log,
# one line per APDU (secrets not written), is $T/virt_piv.log.
#
# Facts behind the choices (OpenSC 0.23, pcsc-lite 1.9.9):
# - OpenSC names the token after the certificate in 9a (its CN), manufacturer "piv_II", model
#   "PKCS#15 emulated"; its serial comes from the CHUID's GUID (a fresh one per card).
# - OpenSC learns the tries left (VERIFY without data: 63Cx) but not the maximum: a PKCS#11 token
#   says nothing after one wrong PIN of three, "final user PIN try" after two, "user PIN locked"
#   after three. A wrong PIN is CKR_PIN_INCORRECT, a blocked card CKR_PIN_LOCKED.
# - virt_piv runs under Debian's /usr/bin/python3 (python3-cryptography) when it is there: the
#   package CI installs, whatever python3 comes first on PATH.

PIV_TOOL=${PIV_TOOL:-$SC_TOP/tests/tools/virt_piv.py}
PIV_STATE=          # the card's state file (piv_card_up)
# shellcheck disable=SC2034  # for the tests that authenticate the management key
PIV_MGMT_KEY=010203040506070801020304050607080102030405060708

# piv_python: the python with the cryptography package the card needs.
piv_python() {
    if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
        echo /usr/bin/python3
    elif command -v python3 >/dev/null && python3 -c 'import cryptography' 2>/dev/null; then
        command -v python3
    fi
}

# piv_missing: what this machine lacks for the PIV card (empty when nothing), naming the package.
piv_missing() {
    local pkg tool
    if [ "$(id -u)" != 0 ]; then
        echo "not root (pcscd and vpcd need a private /run/pcscd and port 35963: unshare --mount --net)"
        return
    fi
    command -v unshare >/dev/null || { echo "no unshare (package util-linux)"; return; }
    [ -n "$(piv_python)" ] || { echo "no python3 with cryptography (package python3-cryptography)"; return; }
    for pkg in pcscd:pcscd pkcs11-tool:opensc opensc-tool:opensc ip:iproute2; do
        tool=${pkg%%:*}
        command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] \
            || { echo "no $tool (package ${pkg#*:})"; return; }
    done
    [ -n "$OPENSC_LIB" ] || { echo "no opensc-pkcs11.so (package opensc-pkcs11)"; return; }
    [ -e /etc/reader.conf.d/vpcd ] || { echo "no vpcd reader driver (package vsmartcard-vpcd)"; return; }
    unshare --mount --net true 2>/dev/null || echo "unshare --mount --net does not work here"
}

# piv_init [ARGS...]: as sc_init, for the PIV card.
piv_init() {
    local why
    why=$(piv_missing)
    [ -z "$why" ] || sc_skip "$why"
    sc_enter "$@"
    tb_init
    sc_namespace_setup
}

# piv_card_up PIN [SLOT:CN[:KIND[:USE]]...]: the PKI ($T/pki: CA and server RSA), for each SLOT
# (9a 9c 9d 9e) a key of KIND (rsa: 2048, the default; ec: P-256; p384) and a certificate for CN
# with the usage a PIV card's slot has (piv_make_cert; USE=client: TLS client authentication
# whatever the slot), the card's state in $T/piv.json, pcscd, and the card inserted: returns once
# OpenSC lists the token.
#   PIV_EMPTY=1       a card without keys and certificates (for enrollment)
#   SC_CARD_ABSENT=1  everything but the card (piv_card_start inserts it)
#   PIV_TRIES=N       the PIN's retry maximum (3)
piv_card_up() {
    SC_PIN=$1; shift
    local spec slot cn kind use args=() PKI_DAYS=${PKI_DAYS:-400}
    PKI_KEY=rsa make_pki "$T" client1
    for spec in "$@"; do
        IFS=: read -r slot cn kind use <<<"$spec"
        piv_make_cert "$slot" "$cn" "${kind:-rsa}" "${use:-}"
        args+=(--slot "$slot:$T/pki/$cn.key:$T/pki/$cn.crt")
    done
    [ "${PIV_EMPTY:-0}" = 1 ] && args=(--empty)
    PIV_STATE=$T/piv.json
    "$(piv_python)" "$PIV_TOOL" setup "$PIV_STATE" --pin "$SC_PIN" --tries "${PIV_TRIES:-3}" "${args[@]}" \
        || fail "virt_piv setup failed"
    [ -n "$SC_PCSCD_PID" ] || sc_pcscd_start
    [ "${SC_CARD_ABSENT:-0}" = 1 ] && return 0
    piv_card_start
    piv_wait_token 30 || fail "OpenSC does not list the PIV card's token (see $T/virt_piv.log)"
}

# piv_make_cert SLOT CN KIND [client]: $T/pki/CN.key of KIND (rsa, ec, p384) and CN.crt from the
# CA, with the key usage an issuer gives that slot (SP 800-78 and FIPS 201 practice): 9a PIV
# authentication (TLS client), 9c digital signature (signing mail: no client authentication),
# 9d key management (encryption only), 9e card authentication (id-PIV-cardAuth: door readers).
# USE=client gives any slot's certificate TLS client authentication.
piv_make_cert() {
    local slot=$1 cn=$2 kind=$3 use=${4:-} pki=$T/pki newkey ku eku
    case $kind in
        rsa) newkey="-newkey rsa:2048" ;;
        ec) newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
        p384) newkey="-newkey ec -pkeyopt ec_paramgen_curve:P-384" ;;
        *) fail "piv_make_cert: key kind '$kind' (rsa, ec or p384)" ;;
    esac
    case $slot in
        9a) ku=digitalSignature eku=clientAuth ;;
        9c) ku=critical,digitalSignature,nonRepudiation eku=emailProtection ;;
        9d) ku=critical,keyEncipherment eku=emailProtection
            [ "$kind" = rsa ] || ku=critical,keyAgreement ;;
        9e) ku=critical,digitalSignature eku=2.16.840.1.101.3.6.8 ;;
        *) fail "piv_make_cert: slot '$slot' (9a 9c 9d 9e)" ;;
    esac
    [ "$use" = client ] && ku=critical,digitalSignature eku=clientAuth
    printf 'basicConstraints=CA:FALSE\nkeyUsage=%s\nextendedKeyUsage=%s\n' "$ku" "$eku" >"$pki/$cn.ext"
    # shellcheck disable=SC2086  # newkey's words are separate arguments
    openssl req $newkey -nodes -sha256 -keyout "$pki/$cn.key" -out "$pki/$cn.csr" -subj "/CN=$cn" \
        2>>"$pki/openssl.err" || fail "openssl: key for $cn"
    openssl x509 -req -in "$pki/$cn.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
        -days "${PKI_DAYS:-400}" -sha256 -extfile "$pki/$cn.ext" -out "$pki/$cn.crt" \
        2>>"$pki/openssl.err" || fail "openssl: certificate for $cn"
}

# piv_card_start: the card goes into the reader (virt_piv connects to vpcd).
piv_card_start() {
    "$(piv_python)" "$PIV_TOOL" run "$PIV_STATE" --log "$T/virt_piv.log" >>"$T/virt_piv.out" 2>&1 &
    SC_CARD_PID=$!
    TB_PIDS+=("$SC_CARD_PID")
}

# piv_wait_token TIMEOUT: until OpenSC's module lists the PIV card's token.
piv_wait_token() { wait_until "$1" piv_token_listed; }
piv_token_listed() {
    pkcs11-tool --module "$OPENSC_LIB" --list-token-slots 2>/dev/null | grep -q 'token manufacturer *: *piv_II'
}

# piv_tries_left: the PIN's retry counter as the card keeps it.
piv_tries_left() {
    "$(piv_python)" -c 'import json, sys; print(json.load(open(sys.argv[1]))["pin_tries_left"])' "$PIV_STATE"
}

# piv_public_key SLOT: the public key (PEM) of the card's key in SLOT (9a ...), read from its
# state file: what a test checks an enrollment against; nothing else ever reads the key there.
piv_public_key() {
    "$(piv_python)" -c 'import json, sys; print(json.load(open(sys.argv[1]))["keys"][sys.argv[2].upper()])' \
        "$PIV_STATE" "$1" | openssl pkey -pubout
}

# piv_verifies: how many VERIFY commands with a PIN reached the card (the log's redacted lines).
piv_verifies() { grep -c '^[0-9:]* virt_piv: 00200080[0-9a-f]*<' "$T/virt_piv.log" 2>/dev/null || true; }

# piv_strict: fail when OpenSC sent the card an APDU it does not implement (a newer OpenSC that
# asks for more shows up here, not as a hang).
piv_strict() {
    if grep -q 'UNSUPPORTED' "$T/virt_piv.log" 2>/dev/null; then
        grep 'UNSUPPORTED' "$T/virt_piv.log" >&2
        fail "OpenSC sent the PIV card APDUs it does not implement (above)"
    fi
}

# piv_card_replace SLOT:CN[:KIND[:USE]]...: another card in the reader: the card taken out, its
# state made anew (a new CHUID, so OpenSC sees another serial) with these slots, and put back;
# returns once OpenSC lists it. The PIN stays $SC_PIN.
piv_card_replace() {
    local spec slot cn kind use args=() PKI_DAYS=${PKI_DAYS:-400}
    sc_card_remove
    for spec in "$@"; do
        IFS=: read -r slot cn kind use <<<"$spec"
        piv_make_cert "$slot" "$cn" "${kind:-rsa}" "${use:-}"
        args+=(--slot "$slot:$T/pki/$cn.key:$T/pki/$cn.crt")
    done
    "$(piv_python)" "$PIV_TOOL" setup "$PIV_STATE" --pin "$SC_PIN" --tries "${PIV_TRIES:-3}" "${args[@]}" \
        || fail "virt_piv setup failed"
    sc_card_insert
    piv_wait_token 30 || fail "OpenSC does not list the new PIV card (see $T/virt_piv.log)"
}
