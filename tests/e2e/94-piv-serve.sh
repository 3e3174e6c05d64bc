#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 94-piv-serve: Linux without root, with a PIV card (tests/lib/piv.sh). Root runs `ovpn-token
# serve office` for a config whose provider is OpenSC; anna, an ordinary user in the group, runs
# `connect office` in her own terminal: her ovpn-token opens the card (the prompt names OpenSC's
# PIV token), the card verifies her PIN and signs with 9A, Connected; root's openvpn never
# loaded a PKCS#11 module and never saw the PIN. Ctrl-C: the tunnel goes down, openvpn holds.
# Kept small (79-opensc-serve covers removal under serve with the CAC card).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
if [ -z "${OVT_SERVE_NAMESPACE:-}" ]; then
    why=$(piv_missing)
    [ -z "$why" ] || sc_skip "$why"
fi
# One namespace for both beds: serve's /run/ovpn-token and the card's pcscd, vpcd and loopback.
SERVE_UNSHARE=--net serve_bed_init "$@"
export SC_NAMESPACE=$$
sc_namespace_setup

serve_user anna member
piv_card_up 123456 9a:anna:rsa
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT" "$OPENSC_LIB"
DIR=/run/ovpn-token/office

serve_start office
OVPN_PID=$(serve_openvpn_pid office)
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'anna':" 40 "no PIN prompt naming OpenSC's PIV token"
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 40 "anna is not connected"
server_log_since "$T" | grep -q "CN=anna" || fail "the server did not see anna's certificate"
[ "$(piv_verifies)" = 1 ] || fail "$(piv_verifies) PINs reached the card, expected 1"
grep -q "virt_piv: key 9A: RSA 2048 .* signature" "$T/virt_piv.log" || fail "the card did not sign"
CONNECT_PID=$(pty_connect_pid)
[ -n "$CONNECT_PID" ] || fail "no ovpn-token in the pty"
grep -q "opensc-pkcs11" "/proc/$CONNECT_PID/maps" || fail "anna's ovpn-token did not load OpenSC"
if grep -Eq 'opensc-pkcs11|softhsm|/pkcs11/' "/proc/$OVPN_PID/maps"; then
    fail "root's openvpn loaded a PKCS#11 module"
fi
for what in cmdline environ; do
    tr '\0' '\n' < "/proc/$OVPN_PID/$what" | grep -Fq -- "$SC_PIN" && fail "the PIN is in openvpn's $what"
done
grep -Fq -- "$SC_PIN" "$T/serve.log" && fail "the PIN is in root's log"

pty_send_keys C-c
pty_expect_exit 0 15
wait_until 5 grep -qx "state=HOLD" "$DIR/serve" || fail "serve file: $(cat "$DIR/serve")"
pid_alive "$OVPN_PID" || fail "openvpn ended (expected: held)"
pty_stop
piv_strict
pass
