#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 43-cache-confirmed: a PIN that the tunnel confirmed once (CONNECTED after it) stays confirmed
# across restarts, also when a restart does not get as far as CONNECTED. The fake management server
# (scenario pin-restarts) asks for the PIN, reports CONNECTED, then restarts twice (HOLD, PIN
# request) without CONNECTED in between, then closes. ovpn-token attach, not --batch, stdin not a
# terminal, must answer all three requests by itself with the exact PIN, never prompt, never take a
# restart for a rejection, and end with exit 4 (the management connection was lost).
#   a) --pin-fd: the source gives the PIN once; requests 2 and 3 can only come from the cache
#      (were the confirmation lost, request 3 would prompt, hit end of input and exit 9);
#   b) --pin-file with -v: the file could be read again, so -v must say that requests 2 and 3
#      were answered with the remembered PIN, not with the file read again.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hostile.sh
. "$(dirname "$0")/../lib/hostile.sh"
tb_init
require_ovpn_token
require_python

# Characters that need quoting on the management interface: a blank, a double quote, a backslash.
PIN='73 "49\21'
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

# common_checks NAME: what every run must show.
common_checks() {
    local name=$1
    # Three password commands, each read by OpenVPN's lexer as exactly
    # [password, "Test Token token", PIN], and the PIN nowhere else.
    fake_check "$name" --pin "$PIN" --passwords 3
    # The prompt, "PIN for token 'LABEL': " (-v says "Sending the PIN for token 'LABEL'", no colon).
    if grep -Eq "PIN for token '[^']*':" "$T/$name.err" "$T/$name.out"; then
        fail "$name: a PIN prompt was shown although the PIN was confirmed"
    fi
    if grep -Eiq "rejected|no other PIN" "$T/$name.err"; then
        fail "$name: a restart was taken for a rejected PIN: $(grep -Ei "rejected|no other PIN" "$T/$name.err")"
    fi
    grep -Fq "Connected to 127.0.0.1:11940" "$T/$name.out" || fail "$name: the CONNECTED state was not shown"
    grep -Fq "closed the management connection" "$T/$name.err" \
        || fail "$name: no message about the closed management connection"
    expect_rc "$name" 4 "the management connection was lost"
}

log "a) --pin-fd: the PIN is given once"
fake_start fd pin-restarts
# shellcheck disable=SC2016  # expanded by the inner bash
run_bounded fd 30 bash -c 'exec 3<"$1" && exec "$2" attach --pin-fd 3 "$3"' _ \
    "$T/pin" "$OVPN_TOKEN" "$FAKE_ADDR"
common_checks fd

log "b) --pin-file -v: the file is read once, then the remembered PIN is sent"
fake_start file pin-restarts
run_bounded file 30 "$OVPN_TOKEN" attach -v --pin-file "$T/pin" "$FAKE_ADDR"
common_checks file
from_source=$(grep -c "Sending the PIN for token 'Test Token' from its source" "$T/file.out" || true)
remembered=$(grep -c "Sending the remembered PIN for token 'Test Token'" "$T/file.out" || true)
if [ "$from_source" != 1 ] || [ "$remembered" != 2 ]; then
    fail "file: PIN from the file $from_source times, remembered $remembered times (expected 1 and 2)"
fi
pass
