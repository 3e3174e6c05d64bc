#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 14-lockout: ovpn-token reads the token's PIN flags before any PIN goes out.
#   a) a real SoftHSM2 token after a wrong PIN (CKF_USER_PIN_COUNT_LOW): warned, then connects;
#   b) locked: exit 10, nothing sent;  c) final try in --batch: exit 10, nothing sent;
#   d) final try with a person: confirmation asked; "n" sends nothing (exit 5), "y" goes on.
# SoftHSM2 never reports FINAL_TRY or LOCKED, so b-d give ovpn-token (not openvpn) a shim module
# that forwards to SoftHSM2 and adds those flags (tests/tools/flag_shim.c).
# e2e-timeout: 180
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=112233
bed_up "Guarded Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
top=$(cd "$(dirname "$0")/../.." && pwd)
cc -shared -fPIC -I/usr/include/p11-kit-1 "$top/tests/tools/flag_shim.c" -o "$T/flag_shim.so" -ldl \
    || fail "cannot build the flag shim"
export FLAG_SHIM_MODULE=$SOFTHSM_LIB FLAG_SHIM_FILE=$T/flags
pin_answers() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$1" 2>/dev/null || true; }
stop_connected() {
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
    wait_listening "$PORT" || true
}

log "a) PIN count low (real SoftHSM2 flag after one wrong PIN); -q never hides that warning"
pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Guarded Token" --login --pin 999999 --list-objects \
    >/dev/null 2>&1 || true
pkcs11-tool --module "$SOFTHSM_LIB" -L 2>/dev/null | grep -q "user PIN count low" \
    || fail "SoftHSM2 did not set 'user PIN count low' (the premise of this case)"
pty_start "$OVPN_TOKEN" start -q --log "$T/a.log" "$T/client.conf"
pty_expect_text "PIN for token 'Guarded Token':" 20
pty_expect_text "ovpn-token: warning: token 'Guarded Token' saw a wrong PIN since the last good one: few tries are left." 2
pty_type "$PIN"
wait_for "$T/a.log" "Initialization Sequence Completed" 30 || fail "a: not connected"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT" || true

log "b) locked: nothing is sent"
printf '40000\n' > "$T/flags"   # CKF_USER_PIN_LOCKED
pty_start "$OVPN_TOKEN" start --provider "$T/flag_shim.so" --log "$T/b.log" "$T/client.conf"
pty_expect_exit 10 40
pty_expect_text "token 'Guarded Token' is locked" 2
if pty_screen | grep -Fq "PIN for token"; then fail "b: a PIN was asked for a locked token"; fi
[ "$(pin_answers "$T/b.log")" -eq 0 ] || fail "b: a PIN was sent to a locked token"
pty_stop

log "c) final try in --batch: nothing is sent"
printf '20000\n' > "$T/flags"   # CKF_USER_PIN_FINAL_TRY
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --provider "$T/flag_shim.so" \
    --log "$T/c.log" "$T/client.conf"
pty_expect_exit 10 40
pty_expect_text "final PIN try; not risking it in --batch" 2
[ "$(pin_answers "$T/c.log")" -eq 0 ] || fail "c: a PIN was sent on the final try"
pty_stop

log "d) final try with a person: 'n' sends nothing"
pty_start "$OVPN_TOKEN" start --provider "$T/flag_shim.so" --log "$T/d.log" "$T/client.conf"
pty_expect_text "Final try: one more wrong PIN locks token 'Guarded Token'. Continue? [y/N]" 20
pty_type n
pty_expect_exit 5 20
if pty_screen | grep -Fq "PIN for token"; then fail "d: the PIN was asked after 'n'"; fi
[ "$(pin_answers "$T/d.log")" -eq 0 ] || fail "d: a PIN was sent after 'n'"
pty_stop
wait_listening "$PORT" || true

log "d) ... and 'y' asks for the PIN and goes on"
pty_start "$OVPN_TOKEN" start --provider "$T/flag_shim.so" --log "$T/e.log" "$T/client.conf"
pty_expect_text "Continue? [y/N]" 20
pty_type y
pty_expect_text "PIN for token 'Guarded Token':" 10
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "d: not connected after confirming"
stop_connected
pass
