#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 56-enroll-cards: enroll on the two tokens people carry besides SoftHSM2 (57 is SoftHSM2).
#   a) the software TPM (tests/lib/tpm.sh), an empty token through tpm2-pkcs11: enroll an EC P-256
#      key in the TPM -> `openssl req -verify` -> the throwaway CA signs -> `enroll --import` ->
#      `start` -> Connected with the enrolled certificate (tests/lib/enroll.sh's round trip)
#   b) an empty PIV card (tests/lib/piv.sh) through OpenSC's piv driver, whose PKCS#11 module
#      cannot generate keys on a PIV card: enroll refuses with the cause and what to do, exit 19,
#      and no PIN reached the card (its log shows no VERIFY with a PIN)
# e2e-timeout: 180
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/tpm.sh
. "$(dirname "$0")/../lib/tpm.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/enroll.sh
. "$(dirname "$0")/../lib/enroll.sh"
easyrsa_available || { echo "SKIP: easy-rsa 3 is not installed ($EASYRSA)"; exit 77; }
why=$(piv_missing)
[ -z "$why" ] || sc_skip "$why"
tpm_init "$@"     # the namespace piv.sh needs too (the same sc_enter)
require_ovpn_token
# tpm2-pkcs11 1.9 keeps 66 bytes of its own in C_SignInit (ssl_util_attrs_to_evp): its leak, not ours.
printf 'leak:libtpm2_pkcs11.so\n' > "$T/lsan.supp"
# The full stack (no fast unwind) so that the suppression sees the module's frame.
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$T/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

log "a) the software TPM: enroll, sign, import, start -> Connected"
TPM_EMPTY=1 tpm_up 1234
easyrsa_ca "$T"
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$TPM_LIB"
printf '%s\n' "$TPM_PIN" >"$T/tpm.pin"
chmod 600 "$T/tpm.pin"
enroll_roundtrip tpmuser ec:P-256 "$TPM_LIB" tpm "$T/tpm.pin" "$T/client.conf"

log "b) the empty PIV card: the refusal, before any PIN"
PIV_STATE=$T/piv.json
"$(piv_python)" "$PIV_TOOL" setup "$PIV_STATE" --pin 123456 --tries 3 --empty || fail "virt_piv setup failed"
sc_pcscd_start
piv_card_start
piv_wait_token 30 || fail "OpenSC does not list the empty PIV card (see $T/virt_piv.log)"
printf '123456\n' >"$T/piv.pin"
chmod 600 "$T/piv.pin"
rc=0; "$OVPN_TOKEN" enroll --batch --pin-file "$T/piv.pin" --provider "$OPENSC_LIB" --subject /CN=pivuser \
    --key ec:P-256 --out "$T/piv.csr" >"$T/piv.out" 2>&1 || rc=$?
log "enroll on the PIV card: exit $rc: $(cat "$T/piv.out")"
[ "$rc" -eq 19 ] || fail "b: exit $rc, not 19: $(cat "$T/piv.out")"
grep -q "the token cannot generate keys" "$T/piv.out" || fail "b: no cause: $(cat "$T/piv.out")"
grep -q "OpenSC's PIV driver cannot generate keys" "$T/piv.out" \
    || fail "b: the PIV card and its driver are not named: $(cat "$T/piv.out")"
grep -q "piv-tool" "$T/piv.out" || fail "b: not said what to do: $(cat "$T/piv.out")"
[ ! -e "$T/piv.csr" ] || fail "b: a request was written"
[ "$(piv_verifies)" = 0 ] || fail "b: $(piv_verifies) VERIFY with a PIN reached the card"
pass
