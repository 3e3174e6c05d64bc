#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 21-doctor: `ovpn-token doctor` on a good config (exit 0, OK lines, WARN for a certificate that
# expires soon), on broken ones (the right lines turn FAIL, exit 11), after a wrong PIN (WARN: PIN
# count low), and with pcscd and vsmartcard-vpcd's virtual readers: not running, running without a
# card, running with a card.
# e2e-timeout: 180
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/p11.sh
. "$(dirname "$0")/../lib/p11.sh"
tb_init
require_ovpn_token

PIN=123456
PKI_DAYS=20 make_pki "$T" client1
make_token "$T" "Test Token" "$PIN" client1
write_client_config "$T" 1194

# doctor_run NAME ARGS...: output in $T/NAME.out, exit status in $DOCTOR_RC.
doctor_run() {
    local name=$1; shift
    DOCTOR_RC=0
    "$OVPN_TOKEN" doctor "$@" >"$T/$name.out" 2>&1 || DOCTOR_RC=$?
}
# has NAME LEVEL TEXT: a line of NAME's output starts with LEVEL and contains TEXT.
has() {
    grep -E "^$2 " "$T/$1.out" | grep -Fq -- "$3" || {
        cat "$T/$1.out" >&2
        fail "$1: no '$2 ...$3...' line"
    }
}
hasnt_fail() { ! grep -q '^FAIL' "$T/$1.out" || { cat "$T/$1.out" >&2; fail "$1: unexpected FAIL"; }; }

# ---- a good config, naming its certificate
id=$("$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" | sed -n 's/^ *Serialized id: *//p')
[ -n "$id" ] || fail "no id listed"
cp "$T/client.conf" "$T/good.conf"
printf "pkcs11-id '%s'\n" "$id" >>"$T/good.conf"
doctor_run good "$T/good.conf"
hasnt_fail good
[ "$DOCTOR_RC" = 0 ] || fail "good config: exit $DOCTOR_RC"
has good OK "openvpn is built with PKCS#11 support"
has good OK "config names its PKCS#11 provider: $SOFTHSM_LIB"
has good OK "PKCS#11 provider $SOFTHSM_LIB loads (from the config's pkcs11-providers)"
has good OK "token 'Test Token' in SoftHSM slot"
has good WARN "certificate 'client1' on token 'Test Token' EXPIRES SOON"
has good OK "config's pkcs11-id names certificate 'client1' on token 'Test Token'"
# SoftHSM2 uses neither pcscd nor a reader: nothing about them is a warning.
if grep -Eq "^WARN .*(pcscd|reader|card in)" "$T/good.out"; then
    fail "doctor warns about PC/SC for SoftHSM2, which does not use it: $(grep '^WARN' "$T/good.out")"
fi

# ---- a wrong PIN: the token says so until the right one is given
pkcs11-tool --module "$SOFTHSM_LIB" --login --pin 000000 -O >/dev/null 2>&1 || true
doctor_run wrongpin "$T/good.conf"
has wrongpin WARN "token 'Test Token' in SoftHSM slot"
has wrongpin WARN "PIN count low"
[ "$DOCTOR_RC" = 0 ] || fail "a WARN alone must not fail doctor (exit $DOCTOR_RC)"
pkcs11-tool --module "$SOFTHSM_LIB" --login --pin "$PIN" -O >/dev/null 2>&1 || fail "right PIN refused"
doctor_run rightpin "$T/good.conf"
has rightpin OK "token 'Test Token' in SoftHSM slot"

# ---- broken: a provider that does not exist, start-breaking management options, a foreign id
sed "s|^pkcs11-providers .*|pkcs11-providers $T/missing-provider.so|" "$T/client.conf" >"$T/noprov.conf"
doctor_run noprov "$T/noprov.conf"
[ "$DOCTOR_RC" = 11 ] || fail "missing provider: exit $DOCTOR_RC, expected 11"
has noprov FAIL "PKCS#11 provider $T/missing-provider.so: no such file"

{ cat "$T/client.conf"; echo "management-client"; echo "management 127.0.0.1 7505"
  printf '%s\n' "pkcs11-id 'SoftHSM\\x20project/SoftHSM\\x20v2/0000000000000000/Other/45'"; } >"$T/bad.conf"
doctor_run bad "$T/bad.conf"
[ "$DOCTOR_RC" = 11 ] || fail "bad config: exit $DOCTOR_RC, expected 11"
has bad FAIL "config: management-client cannot be used with ovpn-token start"
has bad WARN "config: the config's own 'management' line is replaced by a private one"
has bad FAIL "config's pkcs11-id names no certificate on the tokens present"
has bad OK "token 'Test Token'"

grep -v '^pkcs11-providers' "$T/client.conf" >"$T/noline.conf"
doctor_run noline --provider "$SOFTHSM_LIB" "$T/noline.conf"
has noline FAIL "config has no pkcs11-providers line"
has noline OK "loads (from --provider)"

doctor_run noconf "$T/does-not-exist.conf"
has noconf FAIL "config: cannot read $T/does-not-exist.conf: No such file or directory"

# ---- PC/SC, through OpenSC (the provider that needs it)
OPENSC=
for f in /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so /usr/lib/*/opensc-pkcs11.so /usr/lib64/opensc-pkcs11.so; do
    [ -e "$f" ] && { OPENSC=$f; break; }
done
[ -n "$OPENSC" ] || { log "SKIP PC/SC part: opensc-pkcs11.so not found (package opensc-pkcs11)"; pass; }

if ! pcscd_alive; then
    doctor_run nopcscd --provider "$OPENSC"
    has nopcscd FAIL "pcscd not reachable"
    has nopcscd FAIL "no token found through $OPENSC"
    # With a token found anyway (SoftHSM2 needs no PC/SC) pcscd is not needed: no warning.
    has good OK "pcscd not running (not needed: the provider finds its token without it)"
fi

if ! pcscd_start; then
    log "SKIP pcscd running part: $PCSC_SKIP"
    pass
fi
[ "$PCSCD_OURS" = 1 ] || log "a pcscd was already running: using it, not stopping it"
doctor_run pcscd --provider "$OPENSC"
has pcscd OK "pcscd reachable"
if grep -q "Virtual PCD" "$T/pcscd.out"; then
    has pcscd OK "reader(s): 'Virtual PCD 00 00', 'Virtual PCD 00 01'"
    if [ "$PCSCD_OURS" = 1 ]; then
        has pcscd FAIL "no card in any reader"
        if vcard_insert; then
            # SoftHSM2 as the provider: OpenSC would spend ~15 s probing this unknown card.
            wait_until 10 bash -c "'$OVPN_TOKEN' doctor --provider '$SOFTHSM_LIB' | grep -q '^OK   card present'" \
                || { "$OVPN_TOKEN" doctor --provider "$SOFTHSM_LIB" >&2 || true; fail "the virtual card is not seen"; }
            doctor_run card --provider "$SOFTHSM_LIB"
            has card OK "card present in 'Virtual PCD 00 00'"
            has card OK "reader(s): 'Virtual PCD 00 00', 'Virtual PCD 00 01'"
            vcard_remove
        else
            log "SKIP card part: $PCSC_SKIP"
        fi
    fi
else
    log "the running pcscd has no vpcd readers: reader lines not checked"
fi

if [ "$PCSCD_OURS" = 1 ]; then
    pcscd_stop
    doctor_run stopped --provider "$OPENSC"
    has stopped FAIL "pcscd not reachable"
fi
pass
