#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 59-enroll-refusals: what a token says that SoftHSM2 alone never does, through the flag shim in
# front of it (tests/tools/flag_shim.c) and pkcs11-spy in front of that (which counts C_Login):
#   a) a token without EC key generation, asked for ec:P-256: exit 19 with what it can make, before
#      any login;
#   b) a token without free space (C_GenerateKeyPair: CKR_DEVICE_MEMORY): exit 19, nothing made;
#   c) a write-protected token: exit 19, before any login;
#   d) a locked PIN: exit 10, no C_Login; e) the final try with --batch: exit 10, no C_Login;
#   f) the final try at a terminal: the question, "n" -> exit 5, no C_Login.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token
[ -n "$SPY_LIB" ] || { echo "SKIP: pkcs11-spy.so not found (package opensc)"; exit 77; }

PIN=112233
TOKEN="Shim Token"
make_token "$T" "$TOKEN" "$PIN"
build_flag_shim
use_spy "$T"
export PKCS11SPY="$T/flag_shim.so"
# pkcs11-spy keeps 16 bytes of its own after C_Finalize: its leak, not ours.
printf 'leak:pkcs11-spy.so\n' > "$T/lsan.supp"
export LSAN_OPTIONS="suppressions=$T/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
: > "$T/flags"
export FLAG_SHIM_FILE="$T/flags"

private_keys() {
    pkcs11-tool --module "$SOFTHSM_LIB" --token-label "$TOKEN" --login --pin "$PIN" --list-objects \
        --type privkey 2>/dev/null | grep -c "^Private Key Object" || true
}
# enroll_expect NAME RC TEXT [ARGS...]: enroll --batch through the spy exits RC saying TEXT.
enroll_expect() {
    local name=$1 want=$2 text=$3 rc=0; shift 3
    "$OVPN_TOKEN" enroll --batch --pin-file "$T/pin" --provider "$SPY_LIB" --subject /CN=x "$@" \
        >"$T/$name.out" 2>&1 || rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: exit $rc, not $want: $(cat "$T/$name.out")"
    grep -Fq -- "$text" "$T/$name.out" || fail "$name: said: $(cat "$T/$name.out")"
}
logins_since() { echo $(( $(spy_login_count "$T") - $1 )); }

log "a) no EC key generation"
n=$(spy_login_count "$T")
FLAG_SHIM_HIDE_MECHANISMS=1040 enroll_expect a 19 \
    "the token cannot generate EC keys (no CKM_EC_KEY_PAIR_GEN in its mechanism list); it can make: rsa:2048, rsa:3072" \
    --key ec:P-256
[ "$(logins_since "$n")" -eq 0 ] || fail "a: a C_Login was made"

log "b) no free space"
n=$(spy_login_count "$T")
FLAG_SHIM_KEYGEN_ERROR=31 enroll_expect b 19 \
    "C_GenerateKeyPair: the token has no free space left (CKR_DEVICE_MEMORY): remove an unused key or certificate first"
[ "$(private_keys)" -eq 0 ] || fail "b: a key was made"
# The spy sees the logins that are made: this one was.
[ "$(logins_since "$n")" -eq 1 ] || fail "b: $(logins_since "$n") C_Login calls, not 1"

log "c) write-protected"
n=$(spy_login_count "$T")
echo 2 > "$T/flags"
enroll_expect c 19 "the token is write-protected (CKF_WRITE_PROTECTED)"
[ "$(logins_since "$n")" -eq 0 ] || fail "c: a C_Login was made"

log "d) locked"
echo 40000 > "$T/flags"
enroll_expect d 10 "token '$TOKEN' is locked"
[ "$(logins_since "$n")" -eq 0 ] || fail "d: a C_Login was made"

log "e) the final try, --batch"
echo 20000 > "$T/flags"
enroll_expect e 10 "token '$TOKEN' is on its final PIN try; not risking it in --batch"
[ "$(logins_since "$n")" -eq 0 ] || fail "e: a C_Login was made"

log "f) the final try at a terminal: the person says no"
pty_start "$OVPN_TOKEN" enroll --provider "$SPY_LIB" --subject /CN=x
pty_expect_text "Final try: one more wrong PIN locks token '$TOKEN'. Continue? [y/N]" 20
pty_type n
pty_expect_exit 5 15
[ "$(logins_since "$n")" -eq 0 ] || fail "f: a C_Login was made"
[ "$(private_keys)" -eq 0 ] || fail "a refusal made a key"
pass
