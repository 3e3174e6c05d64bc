#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 28-attach-console-asks: an openvpn started by hand without --management-query-passwords asks
# its own console for the certificate and the PIN ("Enter pkcs11-id-request Username:") and is
# silent on the management interface meanwhile. attach says so after 5 s of that silence, and
# what to add, instead of waiting without a word. The same openvpn with the option: no such word.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
cp "$T/client.conf" "$T/query.conf"
printf 'management %s unix\nmanagement-hold\npkcs11-id-management\n' "$T/mgmt.sock" >> "$T/client.conf"
printf 'management %s unix\nmanagement-hold\npkcs11-id-management\nmanagement-query-passwords\n' \
    "$T/query.sock" >> "$T/query.conf"

# openvpn_in_a_terminal NAME CONFIG: openvpn run by hand in a terminal of its own.
openvpn_in_a_terminal() {
    tmux -L "$TB_TMUX-$1" -f /dev/null new-session -d -s o -x 200 -y 50 \
        "$(printf '%q --config %q > %q 2>&1; sleep 600' "$OPENVPN" "$2" "$T/$1.openvpn.out")" \
        || fail "tmux for $1"
}
end_terminals() {
    local rc=$?
    tmux -L "$TB_TMUX-a" kill-server 2>/dev/null || true
    tmux -L "$TB_TMUX-b" kill-server 2>/dev/null || true
    return "$rc"
}
trap 'end_terminals; tb_cleanup' EXIT

log "a) without management-query-passwords: the silence is explained"
openvpn_in_a_terminal a "$T/client.conf"
wait_until 10 test -S "$T/mgmt.sock" || fail "a: openvpn has no management socket"
pty_start "$OVPN_TOKEN" attach "$T/mgmt.sock"
pty_expect_text "OpenVPN has said nothing for 5 s: it may be asking for the certificate or the PIN on its own console" 15
pty_expect_text "add management-query-passwords" 2
pty_send_keys C-c
pty_expect_exit 0 10
pty_stop
tmux -L "$TB_TMUX-a" kill-server 2>/dev/null || true
wait_listening "$PORT"

log "b) with it: answered, connected, no such word"
openvpn_in_a_terminal b "$T/query.conf"
wait_until 10 test -S "$T/query.sock" || fail "b: openvpn has no management socket"
pty_start "$OVPN_TOKEN" attach "$T/query.sock"
pty_expect_text "PIN for token 'Test Token':" 20
sleep 6
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "b: not connected"
if pty_has_text "said nothing"; then fail "b: silence was claimed while a question waited"; fi
pty_send_keys C-c
pty_expect_exit 0 10
pass
