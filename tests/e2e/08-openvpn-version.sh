#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 08-openvpn-version: the openvpn under test is the one the user sees, on every side. Fails when
# the test bed mixes versions up (a 2.7 run that really starts Debian's 2.6, or the other way):
#   a) `ovpn-token doctor` names the openvpn it would start, with $OPENVPN_VERSION;
#   b) `ovpn-token --version` names the same openvpn (path and version), and the libraries it was
#      built with: OpenSSL, libp11 and pcsc-lite at the versions pkg-config gives;
#   c) `ovpn-token start -v` shows the management greeting with the version that release speaks
#      (2.6.2 to 2.7.1: 5; 2.7.2 and later: 6), the client's log and the server's log begin
#      with "OpenVPN $OPENVPN_VERSION".
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

if openvpn_at_least 2.7.2; then
    mgmt_version=6
elif openvpn_at_least 2.6.2; then
    mgmt_version=5
else
    fail "no known management version for openvpn $OPENVPN_VERSION: add it here"
fi
log "openvpn $OPENVPN_VERSION, expecting management version $mgmt_version"

PIN=123456
bed_up "Test Token" "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

log "a) doctor"
"$OVPN_TOKEN" doctor "$T/client.conf" >"$T/doctor.out" 2>&1 || true
grep -Eq "^OK +openvpn [^ ]*: OpenVPN ${OPENVPN_VERSION//./\\.} " "$T/doctor.out" \
    || fail "doctor does not show openvpn $OPENVPN_VERSION: $(grep -m1 'openvpn' "$T/doctor.out")"

log "b) --version"
"$OVPN_TOKEN" --version >"$T/version.out" 2>&1 || fail "--version exited with $?"
grep -qx "ovpn-token $(cat "$(dirname "$0")/../../VERSION")" "$T/version.out" \
    || fail "--version does not begin with our version: $(cat "$T/version.out")"
grep -Eq "^openvpn: /[^ ]*: OpenVPN ${OPENVPN_VERSION//./\\.} " "$T/version.out" \
    || fail "--version does not name openvpn $OPENVPN_VERSION: $(cat "$T/version.out")"
grep -Eq "^library versions: OpenSSL [0-9]" "$T/version.out" \
    || fail "--version does not name OpenSSL: $(cat "$T/version.out")"
for lib in libp11:libp11 libpcsclite:pcsc-lite; do
    v=$(pkg-config --modversion "${lib%%:*}" 2>/dev/null) || continue
    grep -Fq ", ${lib#*:} $v" "$T/version.out" \
        || fail "--version does not name ${lib#*:} $v: $(cat "$T/version.out")"
done

log "c) start -v"
pty_start "$OVPN_TOKEN" start -v --batch --pin-file "$T/pin" --log "$T/client.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
pty_expect_text "OpenVPN: OpenVPN Management Interface Version $mgmt_version -- type 'help' for more info" 1 \
    "the greeting of management version $mgmt_version is not shown"
# started_as LOG: the version line openvpn writes first ("[time ]OpenVPN 2.7.6 x86_64-...").
started_as() { grep -m1 -E '(^| )OpenVPN [0-9]' "$1" | sed -E 's/^(.* )?(OpenVPN [^ ]*) .*/\2/'; }
[ "$(started_as "$T/client.log")" = "OpenVPN $OPENVPN_VERSION" ] \
    || fail "the client is not openvpn $OPENVPN_VERSION: $(started_as "$T/client.log")"
[ "$(started_as "$T/server.log")" = "OpenVPN $OPENVPN_VERSION" ] \
    || fail "the server is not openvpn $OPENVPN_VERSION: $(started_as "$T/server.log")"
pty_send_keys C-c
pty_expect_exit 0 20
pass
