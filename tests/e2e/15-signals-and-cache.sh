#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 15-signals-and-cache: stopping by signal, --batch with a choice to make, and --no-cache.
#   a) SIGTERM to ovpn-token while connected: it stops OpenVPN as Ctrl-C does ("Stopping
#      OpenVPN...", "OpenVPN stopped."), exits 0, and no openvpn with our config is left;
#   b) start --batch, two certificates on the token, no --cert, in a terminal: no menu, exit 7,
#      on stderr "choose one with --cert", and openvpn is gone;
#   c) --no-cache --restart: after openvpn is killed and started again the PIN is asked again
#      (with the cache, 12-restart shows it is not), typed, and the tunnel comes up again;
#   d) SIGTERM while start --batch waits for a token that is not there: exit 0 within 5 s,
#      openvpn gone.
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=246813
bed_up "Signal Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"
MAIN_SOFTHSM2_CONF=$SOFTHSM2_CONF

# pty_ovpn_token_pid: pid of the ovpn-token running in the pty (the pane's descendant whose
# executable is $OVPN_TOKEN). Empty if none.
pty_ovpn_token_pid() {
    local p exe pane
    exe=$(readlink -f "$OVPN_TOKEN")
    pane=$(pty_pid) || true
    [ -n "$pane" ] || return 0
    for p in $(descendants "$pane"); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && { echo "$p"; return 0; }
    done
    return 0
}

# no_sanitizer_on_screen WHAT: an ASan/UBSan report in the pty is a crash, whatever the exit status.
no_sanitizer_on_screen() {
    if pty_screen | grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'; then
        fail "$1: sanitizer report on screen"
    fi
}

# no_client_left WHAT: no process at all with our client config on its command line (a few
# seconds' grace for a helper of the pty command, such as the tee of b, to end).
client_left() { pgrep -f -- "$T/client.conf" 2>/dev/null || true; }
# shellcheck disable=SC2317  # called through wait_until
no_client() { [ -z "$(client_left)" ]; }
# shellcheck disable=SC2317  # called through wait_until
no_openvpn() { [ -z "$(openvpn_pid_for "$T/client.conf")" ]; }
no_client_left() {
    local left
    wait_until 3 no_client || true
    left=$(client_left)
    [ -z "$left" ] || fail "$1: still running with $T/client.conf: $(for p in $left; do tr '\0' ' ' < "/proc/$p/cmdline"; echo; done)"
}

pin_answers() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$1" 2>/dev/null || true; }

# next_part: end the pty and let the server listen again.
next_part() {
    pty_stop
    wait_listening "$PORT" || true
}

# ---------------------------------------------------------------- a
log "a) SIGTERM while connected"
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "PIN for token 'Signal Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
otp=$(pty_ovpn_token_pid)
ovp=$(pty_openvpn_pid)
[ -n "$otp" ] || fail "a: ovpn-token process not found"
[ -n "$ovp" ] || fail "a: openvpn process not found"
kill -TERM "$otp"
pty_expect_text "Stopping OpenVPN..." 10 "a: no \"Stopping OpenVPN...\" after SIGTERM"
pty_expect_text "OpenVPN stopped." 20 "a: no \"OpenVPN stopped.\" after SIGTERM"
pty_expect_exit 0 10
wait_until 5 pid_gone "$ovp" || fail "a: openvpn ($ovp) still running after ovpn-token exited"
no_client_left a
no_sanitizer_on_screen a
next_part

# ---------------------------------------------------------------- b
log "b) --batch with two certificates and no --cert: no menu, exit 7"
# A second token directory holding two certificates, with its own SoftHSM2 config.
make_pki "$T" client2
mkdir -p "$T/two"
ln -s "$T/pki" "$T/two/pki"
make_token "$T/two" "Two Token" "$PIN" client1 client2   # exports SOFTHSM2_CONF=$T/two/...
# stderr is copied to a file (and still shown): the message must be on stderr.
# shellcheck disable=SC2016  # expanded by the inner bash
pty_start bash -c 'exec "$1" start --batch --log "$2" "$3" 2> >(tee "$4" >&2)' _ \
    "$OVPN_TOKEN" "$T/b.log" "$T/client.conf" "$T/b.err"
export SOFTHSM2_CONF=$MAIN_SOFTHSM2_CONF
pty_expect_exit 7 40
wait_for "$T/b.err" "choose one with --cert" 3 \
    || fail "b: no \"choose one with --cert\" on stderr: $(cat "$T/b.err")"
grep -Eq "^ovpn-token: .*2 certificates.*choose one with --cert" "$T/b.err" \
    || fail "b: the message does not say there are 2 certificates: $(grep -F -- "--cert" "$T/b.err")"
for what in "Choose a certificate" "Certificates on the token:"; do
    if pty_screen | grep -Fq "$what" || grep -Fq "$what" "$T/b.err"; then
        fail "b: a menu was shown under --batch (\"$what\")"
    fi
done
if pty_screen | grep -Fq "PIN for token"; then fail "b: a PIN was asked"; fi
wait_until 5 no_openvpn || fail "b: openvpn still running"
no_client_left b
no_sanitizer_on_screen b
next_part

# ---------------------------------------------------------------- c
log "c) --no-cache --restart: the PIN is asked again after the restart"
pty_start "$OVPN_TOKEN" start --no-cache --restart --log "$T/c.log" "$T/client.conf"
pty_expect_text "PIN for token 'Signal Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
old=$(pty_openvpn_pid)
[ -n "$old" ] || fail "c: no openvpn"
kill -KILL "$old"
pty_wait_count "Starting OpenVPN again in" 1 20 || fail "c: no restart announced$(pty_ended_note)"
pty_wait_count "PIN for token 'Signal Token':" 2 30 \
    || fail "c: the PIN was not asked again after the restart (--no-cache)$(pty_ended_note)"
new=$(pty_openvpn_pid)
if [ -z "$new" ] || [ "$new" = "$old" ]; then fail "c: no new openvpn ($old -> $new)"; fi
# Only the typed PIN went out so far: the new openvpn got nothing by itself.
[ "$(pin_answers "$T/c.log")" -eq 1 ] || fail "c: before the second PIN was typed, OpenVPN logged $(pin_answers "$T/c.log") PIN answers"
pty_type "$PIN"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 40 || fail "c: not connected again$(pty_ended_note)"
[ "$(pty_count "PIN for token")" -eq 2 ] || fail "c: $(pty_count "PIN for token") PIN prompts, expected 2"
[ "$(pin_answers "$T/c.log")" -eq 2 ] || fail "c: expected 2 PIN answers, OpenVPN logged $(pin_answers "$T/c.log")"
if pty_screen | grep -Fq "$PIN"; then fail "c: the PIN is visible on screen"; fi
pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
no_client_left c
no_sanitizer_on_screen c
next_part

# ---------------------------------------------------------------- d
log "d) SIGTERM while --batch waits for a token"
token_dir=$(find "$T/tokens" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$token_dir" ] || fail "d: no token directory"
mv "$token_dir" "$T/away"
pty_start "$OVPN_TOKEN" start --batch --log "$T/d.log" "$T/client.conf"
pty_expect_text "No certificate found; waiting for a token" 30
sleep 1
if [ -f "$T/pty.rc" ]; then fail "d: ovpn-token gave up instead of waiting$(pty_ended_note)"; fi
otp=$(pty_ovpn_token_pid)
ovp=$(pty_openvpn_pid)
[ -n "$otp" ] || fail "d: ovpn-token process not found"
[ -n "$ovp" ] || fail "d: openvpn process not found"
kill -TERM "$otp"
pty_wait_exit 5 || fail "d: ovpn-token still running 5 s after SIGTERM"
[ "$PTY_EXIT" = 0 ] || fail "d: exit status $PTY_EXIT after SIGTERM, expected 0"
wait_until 1 pid_gone "$ovp" || fail "d: openvpn ($ovp) still running after ovpn-token exited"
pty_expect_text "OpenVPN stopped." 2 "d: no \"OpenVPN stopped.\""
no_client_left d
no_sanitizer_on_screen d
pass
