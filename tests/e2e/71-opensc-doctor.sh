#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 71-opensc-doctor: `ovpn-token doctor` on a config whose provider is OpenSC, at each step of the
# smartcard stack (tests/lib/smartcard.sh):
#   the card in the reader: OK for pcscd, the readers, the card, the token (OpenSC names it after
#   the certificate's CN) and the certificate; exit 0;
#   the card taken out: FAIL "no card in any reader" and "no token found", exit 11;
#   pcscd stopped: FAIL "pcscd not reachable" with the hint to start it, exit 11.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_card_up 12345678 client1
write_client_config "$T" 1194 "$OPENSC_LIB"

# doctor_run NAME: doctor on the config; output in $T/NAME.out, exit status in $DOCTOR_RC.
doctor_run() {
    DOCTOR_RC=0
    "$OVPN_TOKEN" doctor "$T/client.conf" >"$T/$1.out" 2>&1 || DOCTOR_RC=$?
}
# has NAME LEVEL TEXT: a line of NAME's output starts with LEVEL and contains TEXT.
has() {
    grep -E "^$2 " "$T/$1.out" | grep -Fq -- "$3" || { cat "$T/$1.out" >&2; fail "$1: no '$2 ...$3...' line"; }
}
hasnt() {
    if grep -E "^$2 " "$T/$1.out" | grep -Fq -- "$3"; then cat "$T/$1.out" >&2; fail "$1: a '$2 ...$3...' line"; fi
}

log "the card in the reader"
doctor_run card
[ "$DOCTOR_RC" = 0 ] || { cat "$T/card.out" >&2; fail "with the card: exit $DOCTOR_RC, expected 0"; }
has card OK "PKCS#11 provider $OPENSC_LIB loads (from the config's pkcs11-providers)"
has card OK "pcscd reachable"
has card OK "2 reader(s): 'Virtual PCD 00 00', 'Virtual PCD 00 01'"
has card OK "card present in 'Virtual PCD 00 00'"
has card OK "token 'client1' in Virtual PCD 00 00: PIN ok"
has card OK "certificate 'client1' on token 'client1' valid until"
hasnt card FAIL ""
hasnt card WARN ""

log "the card taken out"
sc_card_remove
doctor_run nocard
[ "$DOCTOR_RC" = 11 ] || { cat "$T/nocard.out" >&2; fail "without the card: exit $DOCTOR_RC, expected 11"; }
has nocard OK "pcscd reachable"
has nocard OK "2 reader(s): 'Virtual PCD 00 00', 'Virtual PCD 00 01'"
has nocard FAIL "no card in any reader -- hint: insert the card"
has nocard FAIL "no token found through $OPENSC_LIB"
hasnt nocard OK "card present"
hasnt nocard OK "token 'client1'"
grep -q '^2 check(s) failed' "$T/nocard.out" || { cat "$T/nocard.out" >&2; fail "without the card: not 2 failed checks"; }

log "pcscd stopped"
sc_pcscd_stop
doctor_run nopcscd
[ "$DOCTOR_RC" = 11 ] || { cat "$T/nopcscd.out" >&2; fail "without pcscd: exit $DOCTOR_RC, expected 11"; }
has nopcscd FAIL "pcscd not reachable"
has nopcscd FAIL "hint: start pcscd"
has nopcscd FAIL "no token found through $OPENSC_LIB"
hasnt nopcscd OK "reader(s)"
hasnt nopcscd OK "pcscd reachable"
pass
