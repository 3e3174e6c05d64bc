# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# A TPM 2.0 as a token in the test bed: a software TPM (swtpm) in the test's own network
# namespace, reached by tpm2-pkcs11 (libtpm2_pkcs11.so) over swtpm's TCP port (the direct tcti:
# no resource manager, no D-Bus):
#
#   ovpn-token / openvpn -> libtpm2_pkcs11.so (store: sqlite in $TPM2_PKCS11_STORE)
#       -> tcti swtpm (TCP 127.0.0.1:2321) -> swtpm (state in $T/tpm)
#
# Usage in a test:
#   set -eu
#   . "$(dirname "$0")/../lib/testbed.sh"
#   . "$(dirname "$0")/../lib/smartcard.sh"     # (the namespace helpers)
#   . "$(dirname "$0")/../lib/tpm.sh"
#   tpm_init "$@"              # SKIP (77) when a part is missing; else the test again in its own
#                              # namespace, tb_init there
#   require_ovpn_token
#   tpm_up 1234 client1        # swtpm, a token 'tpm' with the PIN, a P-256 key made IN the TPM
#                              # for each CN and a certificate for it from $T/pki's CA
#   TPM_EMPTY=1 tpm_up 1234    # a token with no key (for enrollment)
#   PORT=$(free_port); start_server "$T" "$PORT"; write_client_config "$T" "$PORT" "$TPM_LIB"
#
# The module reads TPM2_PKCS11_TCTI and TPM2_PKCS11_STORE from the environment; tpm_up exports
# both, so ovpn-token and the openvpn it starts find the same TPM and store.
# Facts (tpm2-pkcs11 1.9, swtpm 0.7, Debian 12):
# - tpm2_ptool drives tpm2-tools that leave objects loaded: without a resource manager swtpm runs
#   out of object slots ("out of memory for object contexts"). The token is made through the
#   module itself instead (C_InitToken, C_InitPIN, C_GenerateKeyPair), which flushes what it loads.
# - The token: manufacturer and model are the TPM's (swtpm: "IBM", "SW   TPM"), serial
#   0000000000000000; the module always shows one more slot with an uninitialized token.
# - No removal: a TPM is part of the machine.

TPM_LIB=${TPM_LIB:-}
if [ -z "$TPM_LIB" ]; then
    for f in /usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so /usr/lib/*/pkcs11/libtpm2_pkcs11.so \
             /usr/lib64/pkcs11/libtpm2_pkcs11.so; do
        if [ -e "$f" ]; then TPM_LIB=$f; break; fi
    done
fi
TPM_PIN=
TPM_SO_PIN=87654321
TPM_PID=
TPM_PORT=2321

# tpm_missing: what this machine lacks for the software TPM (empty when nothing).
tpm_missing() {
    if [ "$(id -u)" != 0 ]; then
        echo "not root (the software TPM's port 2321 needs a network namespace: unshare --net)"
        return
    fi
    command -v unshare >/dev/null || { echo "no unshare (package util-linux)"; return; }
    command -v swtpm >/dev/null || { echo "no swtpm (package swtpm)"; return; }
    [ -n "$TPM_LIB" ] || { echo "no libtpm2_pkcs11.so (package libtpm2-pkcs11-1)"; return; }
    ldconfig -p | grep -q 'libtss2-tcti-swtpm.so' || { echo "no swtpm tcti (package libtss2-tcti-swtpm0)"; return; }
    command -v pkcs11-tool >/dev/null || { echo "no pkcs11-tool (package opensc)"; return; }
    command -v ip >/dev/null || { echo "no ip (package iproute2)"; return; }
    unshare --mount --net true 2>/dev/null || echo "unshare --mount --net does not work here"
}

# tpm_init [ARGS...]: SKIP when a part is missing; the test again in a namespace of its own.
tpm_init() {
    local why
    why=$(tpm_missing)
    [ -z "$why" ] || sc_skip "$why"
    sc_enter "$@"
    tb_init
    sc_namespace_setup
}

# tpm_up PIN [CN...]: swtpm, the token 'tpm' (user PIN PIN, SO PIN $TPM_SO_PIN), for each CN
# (default client1) a P-256 key generated in the TPM (CKA_ID 01, 02, ...) and its certificate
# from $T/pki's CA written beside it. TPM_EMPTY=1: the token without keys.
tpm_up() {
    TPM_PIN=$1; shift
    local PKI_DAYS=${PKI_DAYS:-400}
    [ $# -gt 0 ] || set -- client1
    make_pki "$T"
    mkdir -p "$T/tpm" "$T/tpm-store"
    swtpm socket --tpm2 --tpmstate dir="$T/tpm" \
        --server type=tcp,port=$TPM_PORT,bindaddr=127.0.0.1 \
        --ctrl type=tcp,port=$((TPM_PORT + 1)),bindaddr=127.0.0.1 \
        --flags not-need-init,startup-clear --log file="$T/swtpm.log" >>"$T/swtpm.out" 2>&1 &
    TPM_PID=$!
    TB_PIDS+=("$TPM_PID")
    wait_until 10 port_listening "$TPM_PORT" || fail "swtpm does not listen on port $TPM_PORT"
    export TPM2_PKCS11_TCTI="swtpm:host=127.0.0.1,port=$TPM_PORT" TPM2_PKCS11_STORE="$T/tpm-store"
    tpm_p11 --init-token --label tpm --so-pin "$TPM_SO_PIN" || fail "C_InitToken on the TPM failed"
    tpm_p11 --token-label tpm --login --login-type so --so-pin "$TPM_SO_PIN" --init-pin --pin "$TPM_PIN" \
        || fail "C_InitPIN on the TPM failed"
    [ "${TPM_EMPTY:-0}" = 1 ] && return 0
    local cn n=0 id
    for cn in "$@"; do
        n=$((n + 1)); id=$(printf '%02x' "$n")
        tpm_p11 --token-label tpm --login --pin "$TPM_PIN" --keypairgen --key-type EC:prime256v1 \
            --id "$id" --label "$cn" || fail "key generation in the TPM failed"
        tpm_p11 --token-label tpm --read-object --type pubkey --id "$id" -o "$T/pki/$cn.pub.der" \
            || fail "cannot read the TPM key's public half"
        openssl pkey -pubin -inform DER -in "$T/pki/$cn.pub.der" -out "$T/pki/$cn.pub.pem" \
            || fail "openssl: the TPM's public key"
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' \
            >"$T/pki/$cn.ext"
        openssl x509 -new -force_pubkey "$T/pki/$cn.pub.pem" -subj "/CN=$cn" -CA "$T/pki/ca.crt" \
            -CAkey "$T/pki/ca.key" -days "${PKI_DAYS:-30}" -sha256 -extfile "$T/pki/$cn.ext" \
            -out "$T/pki/$cn.crt" 2>>"$T/pki/openssl.err" || fail "openssl: certificate for the TPM key $cn"
        openssl x509 -in "$T/pki/$cn.crt" -outform DER -out "$T/pki/$cn.der"
        tpm_p11 --token-label tpm --login --pin "$TPM_PIN" --write-object "$T/pki/$cn.der" --type cert \
            --id "$id" --label "$cn" || fail "cannot write the certificate to the TPM token"
    done
}

# tpm_p11 ARGS...: pkcs11-tool on the TPM's module, its output in $T/tpm-p11.out.
tpm_p11() { pkcs11-tool --module "$TPM_LIB" "$@" >>"$T/tpm-p11.out" 2>&1; }
