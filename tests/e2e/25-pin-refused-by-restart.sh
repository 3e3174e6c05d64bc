#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 25-pin-refused-by-restart: a token that answers a wrong PIN with an error other than
# CKR_PIN_INCORRECT (OpenSC on a CAC card says CKR_GENERAL_ERROR) makes OpenVPN restart instead
# of asking again. A PIN that went out right before such a failure is never sent again by
# itself: --batch ends with exit 6 after that one attempt; a person is told that the token may
# have refused the PIN and is asked again. The token is SoftHSM2 behind the flag shim
# (tests/tools/flag_shim.c, FLAG_SHIM_LOGIN_ERROR=5); tests/e2e/7x show the same on the
# virtual CAC card itself.
#   a) a person: a wrong PIN, then the right one -> Connected; OpenVPN got 2 PINs
#   b) --batch --pin-file with a wrong PIN: exit 6, OpenVPN got 1 PIN
#   c) --external-key, where ovpn-token logs in itself: the same C_Login error is a PIN failure
#      (exit 6 naming the PIN), not a provider failure (12)
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hostile.sh
. "$(dirname "$0")/../lib/hostile.sh"
tb_init
require_ovpn_token

PIN=123456
WRONG=999111
make_pki "$T" client1
make_token "$T" "Test Token" "$PIN" client1
PORT=$(free_port)
start_server "$T" "$PORT"
build_flag_shim
export FLAG_SHIM_LOGIN_ERROR=5
write_client_config "$T" "$PORT" "$T/flag_shim.so"
echo "verb 4" >> "$T/client.conf"
pins_sent() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$1" 2>/dev/null || true; }

log "a) a person: a wrong PIN, then the right one"
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$WRONG"
pty_expect_text "The token may have refused the PIN: the TLS handshake failed right after it (token 'Test Token')." 20
pty_wait_count "PIN for token 'Test Token':" 2 20 || fail "a: no second PIN prompt"
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
n=$(pins_sent "$T/a.log")
[ "$n" = 2 ] || fail "a: OpenVPN got $n PINs, expected 2 (the wrong one once, then the right one)"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "b) --batch with a wrong PIN in a file: one attempt, exit 6"
printf '%s\n' "$WRONG" > "$T/pin"
chmod 600 "$T/pin"
start=$SECONDS
run_bounded b 40 "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/b.log" "$T/client.conf"
log "b: ended after $((SECONDS - start)) s"
expect_rc b 6 "a PIN the token may have refused"
grep -Fq "The token may have refused the PIN: the TLS handshake failed right after it (token 'Test Token')" "$T/b.err" \
    || fail "b: the cause was not said: $(cat "$T/b.err")"
grep -Fq "not trying the PIN again (--batch)" "$T/b.err" || fail "b: no word on --batch"
n=$(pins_sent "$T/b.log")
[ "$n" = 1 ] || fail "b: OpenVPN got the wrong PIN $n times, expected once"
wait_listening "$PORT"

log "c) --external-key --batch with a wrong PIN: exit 6"
run_bounded c 40 "$OVPN_TOKEN" start --external-key --batch --pin-file "$T/pin" \
    --log "$T/c.log" "$T/client.conf"
expect_rc c 6 "a PIN the token did not take"
grep -Fq "The token may have refused the PIN: C_Login:" "$T/c.err" || fail "c: the PIN was not named: $(cat "$T/c.err")"
pass
