#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 40-hostile-peer: ovpn-token attached to a scripted management server that does what no real
# OpenVPN does (tests/lib/fake_mgmt.py): a 1 MiB line, NUL bytes, a line cut off by a close,
# unknown and broken notifications, replies nobody asked for, `ENTER PASSWORD:` and the PIN
# request repeated forever, request types with quotes, backslashes and a newline, a LOG flood,
# a `hold release` taken and never run (OpenVPN for Windows), 32 certificates listed while a
# PIN answer awaits its reply, challenge texts full of terminal escapes.
# In every case ovpn-token (the ASan/UBSan build) must not crash, must end within a bound, must
# exit with its documented code (src/exit_codes.h), and what it sent is checked byte for byte:
# each `password` command read by OpenVPN's lexer gives exactly the type and the PIN, and the
# PIN appears nowhere else.
# e2e-timeout: 300
# The scenario functions are called through `scenario NAME FUNCTION`.
# shellcheck disable=SC2317
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hostile.sh
. "$(dirname "$0")/../lib/hostile.sh"
tb_init
require_ovpn_token
require_python

PIN=734921
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
ATTACH=("$OVPN_TOKEN" attach --batch --pin-file "$T/pin")

# The fake closes the connection at the end of most scenarios: for attach that is
# "OpenVPN closed the management connection", exit 4.

long_line() {
    fake_start long long-line
    run_bounded long 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc long 4 "management failure"
    grep -Eq '^ovpn-token: .*longer than' "$T/long.err" || fail "long: no message about the long line"
    [ "$RUN_SECS" -le 10 ] || fail "long: took $RUN_SECS s"
    fake_check long --pin "$PIN" --passwords 0
}

nul_bytes() {
    fake_start nul nul-bytes
    run_bounded nul 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc nul 4
    fake_check nul --pin "$PIN" --passwords 1
    grep -Fq "Connected to 127.0.0.1:11940" "$T/nul.out" || fail "nul: the CONNECTED state was not shown"
    if grep -q '6\.6\.6\.6' "$T/nul.out" "$T/nul.err"; then fail "nul: a NUL-cut STATE line was taken as CONNECTED"; fi
}

cut_line() {
    fake_start cut cut-line
    run_bounded cut 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc cut 4
    grep -Fq "closed the management connection" "$T/cut.err" || fail "cut: no message about the closed connection"
    fake_check cut --pin "$PIN" --passwords 0
}

unknown() {
    fake_start unknown unknown
    run_bounded unknown 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc unknown 4
    fake_check unknown --pin "$PIN" --passwords 1
}

stray_replies() {
    fake_start stray stray-replies
    run_bounded stray 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc stray 4
    fake_check stray --pin "$PIN" --passwords 1
}

# The management password from a file: the same prompt again means "wrong"; a file does not get
# better, so exit 8 after one try, and what was sent is the file's line, exactly.
mgmt_password_file() {
    printf 'pw "with" \\ odd #chars\n' > "$T/mgmt.pw"
    chmod 600 "$T/mgmt.pw"
    fake_start mpw mgmt-password-forever --count 100
    run_bounded mpw 20 "$OVPN_TOKEN" attach --management-password-file "$T/mgmt.pw" "$FAKE_ADDR"
    expect_rc mpw 8 "management password rejected"
    printf 'pw "with" \\ odd #chars\n' | cmp -s - "$FAKE_REC" \
        || fail "mpw: sent $(od -c "$FAKE_REC" | head -5), expected the file's line once"
}

# Typed by a person: three tries (OpenVPN's own limit), then exit 8, however often it asks.
mgmt_password_typed() {
    fake_start mpwt mgmt-password-forever --count 100
    pty_start "$OVPN_TOKEN" attach "$FAKE_ADDR"
    local i
    for i in 1 2 3; do
        pty_wait_count "Management password:" "$i" 15 || fail "mpwt: prompt $i not shown$(pty_ended_note)"
        pty_type "typed-pw-$i"
    done
    pty_wait_exit 15 || fail "mpwt: still running after the third rejected password"
    [ "$PTY_EXIT" = 8 ] || fail "mpwt: exit $PTY_EXIT, expected 8"
    [ "$(pty_count 'Management password:')" = 3 ] || fail "mpwt: asked $(pty_count 'Management password:') times, expected 3"
    printf 'typed-pw-1\ntyped-pw-2\ntyped-pw-3\n' | cmp -s - "$FAKE_REC" \
        || fail "mpwt: sent $(od -c "$FAKE_REC" | head -5)"
    if pty_has_text "typed-pw"; then fail "mpwt: a password is echoed"; fi
    pty_stop
}

# The PIN request again after every answer: the PIN from the file goes once and never again;
# --batch then ends with 6.
pin_forever_batch() {
    fake_start pinb pin-forever --count 100
    run_bounded pinb 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc pinb 6 "PIN rejected"
    grep -Fq "The PIN was rejected by token 'Test Token'" "$T/pinb.err" || fail "pinb: no rejection message"
    fake_check pinb --pin "$PIN" --passwords 1
}

# The same without --batch and without a terminal: nobody can be asked for another PIN, which
# README documents as exit 6.
pin_forever_no_tty() {
    fake_start pinn pin-forever --count 100
    run_bounded pinn 20 "$OVPN_TOKEN" attach --pin-file "$T/pin" "$FAKE_ADDR"
    expect_rc pinn 6 "PIN rejected and no other PIN could be asked"
    fake_check pinn --pin "$PIN" --passwords 1
}

# Typed: each rejected PIN is said to be rejected and never sent again; Ctrl-C detaches (0).
pin_forever_typed() {
    fake_start pint pin-forever --count 100
    pty_start "$OVPN_TOKEN" attach "$FAKE_ADDR"
    pty_expect_text "PIN for token 'Test Token':" 15
    pty_type 111111
    pty_expect_text "The PIN was rejected by token 'Test Token'." 15
    pty_wait_count "PIN for token 'Test Token':" 2 15 || fail "pint: no second prompt$(pty_ended_note)"
    pty_type 222222
    pty_wait_count "was rejected" 2 15 || fail "pint: second rejection not shown$(pty_ended_note)"
    pty_wait_count "PIN for token 'Test Token':" 3 15 || fail "pint: no third prompt$(pty_ended_note)"
    pty_send_keys C-c
    pty_wait_exit 15 || fail "pint: Ctrl-C at the prompt did not end it"
    [ "$PTY_EXIT" = 0 ] || [ "$PTY_EXIT" = 5 ] || fail "pint: exit $PTY_EXIT after Ctrl-C, expected 0 (detach) or 5 (cancelled)"
    fake_check pint --pin 111111 --pin 222222 --passwords 2
    if pty_screen | grep -Eq '111111|222222'; then fail "pint: a PIN is visible"; fi
    pty_stop
}

# A type full of quotes and backslashes, typed PIN full of them too: the password line must read
# back (OpenVPN's lexer) as exactly that type and PIN.  The request split by a newline or a CR
# is not answered.
TRICKY_TYPE='It'"'"'s "a" t\ok\"en #1; token'
TRICKY_PIN='7"3\4 9#;'"'"'x'
tricky_typed() {
    fake_start trick tricky-type --type "$TRICKY_TYPE"
    pty_start "$OVPN_TOKEN" attach "$FAKE_ADDR"
    pty_expect_text "PIN for token 'It's \"a\" t\\ok\\\"en #1;':" 15
    [ "$(pty_count 'PIN for token')" = 1 ] || fail "trick: a split request was answered with a prompt"
    pty_type "$TRICKY_PIN"
    pty_expect_text "Connected to 127.0.0.1:11940" 15
    pty_wait_exit 15 || fail "trick: did not end when the connection closed"
    [ "$PTY_EXIT" = 4 ] || fail "trick: exit $PTY_EXIT, expected 4"
    fake_check trick --type "$TRICKY_TYPE" --pin "$TRICKY_PIN" --passwords 1
    pty_stop
}

tricky_file() {
    printf '%s\n' "$TRICKY_PIN" > "$T/tricky.pin"
    chmod 600 "$T/tricky.pin"
    fake_start trickf tricky-type --type "$TRICKY_TYPE"
    run_bounded trickf 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/tricky.pin" "$FAKE_ADDR"
    expect_rc trickf 4
    fake_check trickf --type "$TRICKY_TYPE" --pin "$TRICKY_PIN" --passwords 1
}

# A type holding a CR cannot go back in a command: nothing is sent, exit 4 with the reason.
cr_in_type_file() {
    fake_start crf cr-in-type
    run_bounded crf 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc crf 4
    grep -Eq '^ovpn-token: .*line break' "$T/crf.err" || fail "crf: no message about the line break"
    fake_check crf --pin "$PIN" --passwords 0
}

# Typed: the same, and nobody is asked for a PIN that cannot be sent.
cr_in_type_typed() {
    fake_start crt cr-in-type
    pty_start "$OVPN_TOKEN" attach "$FAKE_ADDR"
    # Should it ask, the PIN is typed, so a PIN that then went out would be caught.
    pty_wait_screen "PIN for token|EXIT=" 15 || true
    if pty_has_text "PIN for token"; then pty_type "$PIN"; fi
    pty_wait_exit 15 || fail "crt: still running"
    fake_check crt --pin "$PIN" --passwords 0
    if pty_has_text "PIN for token"; then fail "crt: asked for a PIN it cannot send"; fi
    [ "$PTY_EXIT" = 4 ] || fail "crt: exit $PTY_EXIT, expected 4"
    pty_stop
}

# 100000 LOG lines with -v: every one shown, in order, and the PIN request after them answered.
FLOOD=100000
log_flood() {
    fake_start flood log-flood --count "$FLOOD" --time-limit 120
    run_bounded flood 90 "${ATTACH[@]}" -v "$FAKE_ADDR"
    expect_rc flood 4
    local n
    n=$(grep -c 'flood line' "$T/flood.out" || true)
    [ "$n" = "$FLOOD" ] || fail "flood: $n of $FLOOD LOG lines shown"
    grep -q "flood line $((FLOOD - 1))\$" "$T/flood.out" || fail "flood: last line missing"
    grep -q "FLOOD-END" "$T/flood.out" || fail "flood: the end marker is missing"
    fake_check flood --pin "$PIN" --passwords 1
    log "    flood: $FLOOD lines in ${RUN_SECS}s"
    rm -f "$T/flood.out"
}

# A lost `hold release` (read, never run): sent again after 2 s; the one answer goes to the
# first, and the login goes on to CONNECTED instead of waiting for ever behind the second.
lost_release() {
    fake_start lost lost-release
    run_bounded lost 20 "${ATTACH[@]}" "$FAKE_ADDR"
    grep -Fq "Connected to 127.0.0.1:11940" "$T/lost.out" \
        || fail "lost: the login did not get past the lost hold release"
    expect_rc lost 4 "the fake closes after CONNECTED"
    [ "$(grep -c '^hold release' "$FAKE_REC")" = 2 ] || fail "lost: the release was not sent again once"
    fake_check lost --pin "$PIN" --passwords 1
}

# 32 certificates (the session's limit): every pkcs11-id-get goes out, one at a time (no
# "cannot write to the management interface"), --cert chooses.
many_certs() {
    fake_start many many-certs --count 32
    run_bounded many 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" --cert tok/cert17 "$FAKE_ADDR"
    grep -Fq "Connected to 127.0.0.1:11940" "$T/many.out" \
        || { cat "$T/many.err" >&2; fail "many: no login with 32 certificates"; }
    expect_rc many 4 "the fake closes after CONNECTED"
    [ "$(grep -c '^pkcs11-id-get' "$FAKE_REC")" = 32 ] || fail "many: not every certificate was asked for"
    grep -q '^needstr "pkcs11-id-request" "tok/cert17"' "$FAKE_REC" || fail "many: --cert did not choose tok/cert17"
    fake_check many --pin "$PIN" --passwords 1
}

# The PIN asked in the middle of pkcs11-id-count (pkcs11-cert-private): no PIN goes out (a real
# OpenVPN hangs on any command then), the cause and the way out are said, exit 7.
pin_while_listing() {
    fake_start pwl pin-while-listing
    run_bounded pwl 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" "$FAKE_ADDR"
    expect_rc pwl 7 "a PIN asked while OpenVPN lists"
    grep -Fq "OpenVPN asks the token's PIN to list its certificates (pkcs11-cert-private)" "$T/pwl.err" \
        || fail "pwl: the cause is not said: $(cat "$T/pwl.err")"
    if grep -q '^password' "$FAKE_REC"; then fail "pwl: a PIN was sent while OpenVPN lists"; fi
}

# Challenge texts are kept as sent (mgmt/challenge.c) and made safe by the one sanitizer on
# their way out: in a message (--batch) and in a prompt (a terminal), no ESC, C1 CSI or
# right-to-left override reaches the terminal; each shows as '?'.
SHOWN_TEXT='Code?[2J?]2;pwned? ?31m ?abc here:'
no_escapes() {
    if LC_ALL=C grep -q $'\x1b\|\xc2\x9b\|\xe2\x80\xae' "$@"; then
        fail "a terminal escape from the challenge reached the output: $(grep -a 'Code' "$@" | od -c | head -4)"
    fi
}

hostile_static_batch() {
    fake_start hsb hostile-static-challenge
    run_bounded hsb 20 "${ATTACH[@]}" "$FAKE_ADDR"
    expect_rc hsb 9 "--batch never answers a challenge"
    no_escapes "$T/hsb.out" "$T/hsb.err"
    grep -Fq "never answers a challenge: $SHOWN_TEXT" "$T/hsb.err" \
        || { cat "$T/hsb.err" >&2; fail "hsb: the challenge is not shown, made safe"; }
}

hostile_crv1_typed() {
    fake_start hct hostile-crv1
    pty_start "$OVPN_TOKEN" attach --pin-file "$T/pin" "$FAKE_ADDR"
    pty_expect_text "$SHOWN_TEXT" 15 "hct: the challenge prompt is not shown, made safe"
    # Nothing was cleared (the line before the prompt is still there), no title was set.
    pty_has_text "The server asks for a second factor." || fail "hct: the screen was cleared"
    [ "$(tmux -L "$TB_TMUX" display-message -p -t main '#{pane_title}')" != pwned ] \
        || fail "hct: the challenge set the terminal's title"
    pty_screen > "$T/hct.screen"
    no_escapes "$T/hct.screen"
    pty_type 424242
    pty_expect_text "Connected to 127.0.0.1:11940" 15
    grep -q '^password "Auth" "CRV1::st4te::424242"' "$FAKE_REC" || fail "hct: the response was not sent"
    pty_stop
}

scenario hostile-static-batch hostile_static_batch
scenario hostile-crv1-typed hostile_crv1_typed
scenario lost-release lost_release
scenario many-certs many_certs
scenario pin-while-listing pin_while_listing
scenario long-line long_line
scenario nul-bytes nul_bytes
scenario cut-line cut_line
scenario unknown unknown
scenario stray-replies stray_replies
scenario mgmt-password-file mgmt_password_file
scenario mgmt-password-typed mgmt_password_typed
scenario pin-forever-batch pin_forever_batch
scenario pin-forever-no-tty pin_forever_no_tty
scenario pin-forever-typed pin_forever_typed
scenario tricky-typed tricky_typed
scenario tricky-file tricky_file
scenario cr-in-type-file cr_in_type_file
scenario cr-in-type-typed cr_in_type_typed
scenario log-flood log_flood
scenarios_done
