#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 37-wine-quoting: the command lines we build (win32_build_cmdline, through plat_spawn as start
# uses it) reach the real openvpn.exe 2.7.6 of the Windows stack as exactly our arguments, an
# argument Windows hands us that is not valid UTF-16 is refused, not changed, and a secret's file
# is judged by its access list.
#   a) odd arguments (spaces, quotes, trailing backslashes, a lone quote, a UNC path, & % ^ | < >
#      ! and %VAR%, a tab, non-ASCII, an empty one) given to openvpn.exe one at a time as its
#      first argument, which it cannot take as an option and so names back whole in its error
#      (tests/win32/quote_probe.c); every one comes back unchanged;
#   b) ovpn-token.exe started (by CreateProcessW: no shell can send this) with a lone surrogate
#      in its config's name ends with exit 2 and says so, rather than looking for a file whose
#      name has U+FFFD in its place;
#   c) a PIN file whose access list lets Everyone read it (wine shows a file of mode 0644 so) is
#      refused with exit 2 before anything else; the same file made private is taken.
# Needs $OVPN_TOKEN_EXE and $OVPN_TOKEN_QUOTE_PROBE (make windows-test sets both), wine and the
# stack ($WINDOWS_STACK, default build/windows-stack); without one of them: SKIP with the reason.
# e2e-timeout: 300
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../win32/wine-env.sh
. "$(dirname "$0")/../win32/wine-env.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${WINDOWS_STACK:-$top/build/windows-stack}
if [ -z "${OVPN_TOKEN_EXE:-}" ] || [ -z "${OVPN_TOKEN_QUOTE_PROBE:-}" ]; then
    echo "SKIP: OVPN_TOKEN_EXE or OVPN_TOKEN_QUOTE_PROBE not set (make windows-test runs this)"
    exit 77
fi
if ! command -v wine >/dev/null; then echo "SKIP: wine not installed"; exit 77; fi
if [ ! -f "$STACK/bin/openvpn.exe" ]; then
    echo "SKIP: no Windows stack in $STACK (make windows-stack; needs the sources of openssl" \
         "3.0.22, pkcs11-helper 1.29.0, openvpn 2.7.6, softhsm2 2.6.1, libp11 0.4.12)"
    exit 77
fi
[ -f "$OVPN_TOKEN_EXE" ] || { echo "OVPN_TOKEN_EXE=$OVPN_TOKEN_EXE does not exist" >&2; exit 1; }
[ -f "$OVPN_TOKEN_QUOTE_PROBE" ] || { echo "OVPN_TOKEN_QUOTE_PROBE=$OVPN_TOKEN_QUOTE_PROBE does not exist" >&2; exit 1; }
STACK=$(readlink -f "$STACK")

winpath() { printf 'Z:%s' "${1//\//\\}"; }

tb_init
trap 'rc=$?; wine_prefix_down; (exit $rc); tb_cleanup' EXIT
wine_prefix_up "$T" || fail "cannot set up a wine prefix"

log "a) odd arguments, as openvpn.exe reads them"
mkdir -p "$T/probe"
set +e
wine "$OVPN_TOKEN_QUOTE_PROBE" args "$(winpath "$STACK/bin/openvpn.exe")" "$(winpath "$T/probe")" \
    >"$T/probe.out" 2>&1
rc=$?
set -e
tr -d '\r' < "$T/probe.out" > "$T/probe.txt"
sed 's/^/    /' "$T/probe.txt" >&2
grep -q '^FAIL' "$T/probe.txt" && fail "a: openvpn.exe read an argument other than the one sent"
[ "$rc" = 0 ] || fail "a: the probe ended with $rc"
[ "$(grep -c '^ok ' "$T/probe.txt")" = 12 ] || fail "a: not every argument came back"
# openvpn.exe itself said it, with the non-ASCII one in UTF-8.
grep -Fq "I'm trying to parse \"J$(printf '\303\274')rgen" "$T/probe/probe-9.log" \
    || fail "a: openvpn.exe's own words are not in its output: $(head -n 3 "$T/probe/probe-9.log")"

log "b) a lone surrogate in the command line"
wine "$OVPN_TOKEN_QUOTE_PROBE" surrogate "$(winpath "$OVPN_TOKEN_EXE")" "$(winpath "$T/surrogate.out")" \
    >"$T/surrogate.status" 2>&1 || fail "b: the probe failed: $(cat "$T/surrogate.status")"
tr -d '\r' < "$T/surrogate.status" | grep -qx "exit code 2" \
    || fail "b: ovpn-token.exe: $(cat "$T/surrogate.status"): $(cat "$T/surrogate.out")"
grep -Fq "argument 2 is not valid Unicode text" "$T/surrogate.out" \
    || fail "b: the reason is not said: $(cat "$T/surrogate.out")"

log "c) a PIN file Everyone may read"
# attach_with_pin_file: ovpn-token.exe attach to port 1, where nothing listens (a PIN file that
# is taken ends in a failed connection: exit 4); its exit status in $rc, its output in $T/c.out.
attach_with_pin_file() {
    set +e
    wine "$OVPN_TOKEN_EXE" attach --batch --pin-file "$(winpath "$T/pin")" 127.0.0.1:1 >"$T/c.out" 2>&1
    rc=$?
    set -e
    tr -d '\r' < "$T/c.out" > "$T/c.txt"
}
printf '123456\n' > "$T/pin"
chmod 644 "$T/pin"
attach_with_pin_file
[ "$rc" = 2 ] || fail "c: exit $rc, expected 2: $(cat "$T/c.txt")"
grep -Fq "can be read by other users" "$T/c.txt" || fail "c: the reason is not said: $(cat "$T/c.txt")"
grep -Fq "S-1-1-0" "$T/c.txt" || fail "c: the account is not named: $(cat "$T/c.txt")"
chmod 600 "$T/pin"
attach_with_pin_file
[ "$rc" = 4 ] || fail "c: the private file: exit $rc, expected 4: $(cat "$T/c.txt")"
pass
