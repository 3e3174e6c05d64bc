#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 35-wine-p11: the PKCS#11 features of ovpn-token.exe built with OpenSSL and libp11 (make windows
# with the Windows stack), under wine with SoftHSM2 as softhsm2.dll and the real openvpn.exe 2.7.6:
#   a) `list --provider softhsm2.dll`: the same serialized id as `openvpn.exe --show-pkcs11-ids`;
#   b) `doctor office`: openvpn.exe, the config, the provider and the token checked; PC/SC through
#      winscard.dll (wine's has no Smart Card service: not needed for SoftHSM2, said as such);
#   c) a wrong PIN, then the right one: one "was rejected", a second prompt, CONNECTED;
#   d) a locked token (tests/tools/flag_shim.c cross-built as a DLL in front of softhsm2.dll for
#      ovpn-token.exe only): exit 10, no PIN asked, none sent;
#   e) a late token: no certificate when openvpn.exe starts; ovpn-token.exe watches through the
#      provider and, once the token is there, answers with the id openvpn.exe lists;
#   f) the token taken out while connected (the flag shim in front of softhsm2.dll, for both):
#      the tunnel goes down, openvpn.exe holds; put back, the PIN is asked again, CONNECTED.
#      wine's winscard.dll has no Smart Card service, so this is the watch by looks.
# Needs $OVPN_TOKEN_EXE built with libp11 (its libp11-3.dll beside it), wine and the stack;
# without one of them: SKIP (exit 77) with the reason.
# e2e-timeout: 300
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../win32/wine-env.sh
. "$(dirname "$0")/../win32/wine-env.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${WINDOWS_STACK:-$top/build/windows-stack}

if [ -z "${OVPN_TOKEN_EXE:-}" ]; then echo "SKIP: OVPN_TOKEN_EXE not set (make windows-test runs this)"; exit 77; fi
if ! command -v wine >/dev/null; then echo "SKIP: wine not installed"; exit 77; fi
if [ ! -f "$STACK/bin/openvpn.exe" ] || [ ! -f "$STACK/bin/softhsm2.dll" ]; then
    echo "SKIP: no Windows stack in $STACK (make windows-stack)"
    exit 77
fi
[ -f "$OVPN_TOKEN_EXE" ] || { echo "OVPN_TOKEN_EXE=$OVPN_TOKEN_EXE does not exist" >&2; exit 1; }
if ! x86_64-w64-mingw32-objdump -p "$OVPN_TOKEN_EXE" | grep -qi 'DLL Name: libp11'; then
    echo "SKIP: $OVPN_TOKEN_EXE is the plain build (no libp11; make windows with the stack)"
    exit 77
fi
STACK=$(readlink -f "$STACK")
EXE_PATTERN=$(basename "$OVPN_TOKEN_EXE" | sed 's/[.[\*^$]/\\&/g')

winpath() { printf 'Z:%s' "${1//\//\\}"; }
wine_dir() { winepath -u "$(wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r')" 2>/dev/null; }
wine_pids() {
    local p
    for p in $(pgrep -f -- "$1" 2>/dev/null); do
        { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && echo "$p"
    done
    return 0
}
no_wine_pids() { [ -z "$(wine_pids "$1")" ]; }
undo_wine_setup() {
    set +e
    local p
    for p in $(wine_pids 'openvpn\.exe') $(wine_pids "$EXE_PATTERN"); do kill -9 "$p"; done
    if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
        wine reg delete 'HKLM\SOFTWARE\OpenVPN' /f >/dev/null 2>&1
        [ -n "${CONFIG_DIR:-}" ] && rm -rf "$CONFIG_DIR"
        [ -n "${APP_DIR:-}" ] && rm -rf "$APP_DIR"
    fi
}

tb_init
trap 'rc=$?; undo_wine_setup; wine_prefix_down; (exit $rc); tb_cleanup' EXIT
wine_prefix_up "$T" || fail "cannot set up a wine prefix"

PIN=123456
WRONG=999111
bed_up "Test Token" "$PIN" client1

wine reg add 'HKLM\SOFTWARE\OpenVPN' /ve /d "$(winpath "$STACK")" /f >/dev/null 2>&1 ||
    fail "wine reg add (default value) failed"
wine reg add 'HKLM\SOFTWARE\OpenVPN' /v exe_path /d "$(winpath "$STACK/bin/openvpn.exe")" /f \
    >/dev/null 2>&1 || fail "wine reg add exe_path failed"

profile=$(wine_dir USERPROFILE)
local_appdata=$(wine_dir LOCALAPPDATA)
[ -n "$profile" ] && [ -d "$profile" ] || fail "no %USERPROFILE% folder in the wine prefix"
CONFIG_DIR=$profile/OpenVPN
APP_DIR=$local_appdata/ovpn-token
mkdir -p "$CONFIG_DIR/config" "$APP_DIR"

printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$(winpath "$T/tokens")" > "$T/softhsm2-win.conf"
SOFTHSM2_CONF=$(winpath "$T/softhsm2-win.conf")
export SOFTHSM2_CONF
SOFTHSM_DLL=$(winpath "$STACK/bin/softhsm2.dll")
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g'; }

cat > "$CONFIG_DIR/config/office.ovpn" <<EOC
tls-client
dev null
proto tcp-client
remote 127.0.0.1 $PORT
nobind
ca "$(esc "$(winpath "$T/pki/ca.crt")")"
remote-cert-tls server
pkcs11-providers "$(esc "$SOFTHSM_DLL")"
ifconfig 127.0.10.1 127.0.10.2
ifconfig-noexec
route-noexec
ping 1
ping-restart 10
verb 4
EOC
log_file=$APP_DIR/office.log
ln -s "$log_file" "$T/openvpn-office.log"

# wexe ARGS...: ovpn-token.exe run to its end, output in $T/out (CRs dropped), status in $RC.
wexe() { RC=0; wine "$OVPN_TOKEN_EXE" "$@" >"$T/out" 2>&1 || RC=$?; tr -d '\r' <"$T/out" >"$T/out.txt"; }
has() { grep -E "^$1 " "$T/out.txt" | grep -Fq -- "$2" || { cat "$T/out.txt" >&2; fail "$3: no '$1 ...$2...' line"; }; }

log "a) list --provider softhsm2.dll against openvpn.exe --show-pkcs11-ids"
wine "$STACK/bin/openvpn.exe" --show-pkcs11-ids "$SOFTHSM_DLL" 2>&1 | tr -d '\r' >"$T/show-ids.out" || true
want=$(sed -n 's/^ *Serialized id: *//p' "$T/show-ids.out")
[ -n "$want" ] || { cat "$T/show-ids.out" >&2; fail "openvpn.exe --show-pkcs11-ids shows no id"; }
wexe list --provider "$SOFTHSM_DLL"
[ "$RC" = 0 ] || { cat "$T/out.txt" >&2; fail "list: exit $RC"; }
got=$(sed -n 's/^ *Serialized id: *//p' "$T/out.txt")
[ "$got" = "$want" ] || fail "list shows id '$got', openvpn.exe --show-pkcs11-ids '$want'"
grep -Fq "client1" "$T/out.txt" || { cat "$T/out.txt" >&2; fail "list does not name client1"; }
log "list and openvpn.exe agree: $got"

log "b) doctor office"
wexe doctor office
cp "$T/out.txt" "$T/doctor.out"
log "doctor exit $RC; its PC/SC line under wine: $(grep -i 'pc/sc\|reader\|smart card' "$T/out.txt" | head -n 2 | tr '\n' ' ')"
has OK "openvpn is built with PKCS#11 support" doctor
has OK "openvpn $(winpath "$STACK/bin/openvpn.exe"): OpenVPN 2.7.6" doctor
has OK "office.ovpn read" doctor
has OK "softhsm2.dll loads (from the config's pkcs11-providers)" doctor
has OK "token 'Test Token' in SoftHSM slot" doctor
# wine's winscard.dll has no Smart Card service behind it, and SoftHSM2 needs none: said so,
# as no warning (issue 28, item 8).
has OK "pcscd not running (not needed: the provider finds its token without it)" doctor
[ "$RC" = 0 ] || { cat "$T/out.txt" >&2; fail "doctor: exit $RC with only warnings"; }

# start_office ARGS...: ovpn-token.exe start ARGS office in the pty (a wine console).
start_office() {
    # Each case counts what openvpn.exe's log says of its own start only.
    : > "$log_file"
    pty_start env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="$WINEDLLOVERRIDES" \
        SOFTHSM2_CONF="$SOFTHSM2_CONF" FLAG_SHIM_MODULE="${FLAG_SHIM_MODULE:-}" \
        FLAG_SHIM_FILE="${FLAG_SHIM_FILE:-}" FLAG_SHIM_ABSENT_FILE="${FLAG_SHIM_ABSENT_FILE:-}" \
        wine "$OVPN_TOKEN_EXE" start "$@" "${OFFICE:-office}"
}
pin_answers() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$log_file" 2>/dev/null || true; }
stop_office() {
    pty_send_keys C-c
    pty_expect_exit 0 30
    pty_expect_text "OpenVPN stopped." 5
    wait_until 20 no_wine_pids 'openvpn\.exe' || fail "openvpn.exe still runs after $1"
    pty_stop
    wait_listening "$PORT"
}

log "c) a wrong PIN, then the right one"
start_office
pty_expect_text "PIN for token 'Test Token':" 120
pty_type "$WRONG"
pty_expect_text "The PIN was rejected by token 'Test Token'." 60
pty_wait_count "PIN for token 'Test Token':" 2 30 || fail "c: no second PIN prompt"
# A SoftHSM2 token remembers the wrong PIN: the PIN flags, read through libp11, say so.
pty_expect_text "saw a wrong PIN since the last good one" 5
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 60 "c: not connected after the right PIN"
[ "$(pty_count "was rejected")" = 1 ] || fail "c: \"was rejected\" shown $(pty_count "was rejected") times"
if pty_screen | grep -Eq "$WRONG|$PIN"; then fail "c: a PIN is visible on screen"; fi
[ "$(pin_answers)" = 2 ] || fail "c: $(pin_answers) PIN answers in openvpn.exe's log, expected 2"
stop_office "c"

log "d) a locked token (the flag shim in front of softhsm2.dll, for ovpn-token.exe only)"
x86_64-w64-mingw32-gcc -shared -std=c11 -Wall -Wextra -Werror -I/usr/include/p11-kit-1 \
    "$top/tests/tools/flag_shim.c" -o "$T/flag_shim.dll" || fail "cannot cross-build the flag shim"
FLAG_SHIM_MODULE=$SOFTHSM_DLL
FLAG_SHIM_FILE=$(winpath "$T/flags")
printf '40000\n' > "$T/flags"   # CKF_USER_PIN_LOCKED
start_office --provider "$(winpath "$T/flag_shim.dll")"
pty_expect_exit 10 120
pty_expect_text "token 'Test Token' is locked" 2
if pty_screen | grep -Fq "PIN for token"; then fail "d: a PIN was asked for a locked token"; fi
[ "$(pin_answers)" = 0 ] || fail "d: a PIN was sent to a locked token"
wait_until 20 no_wine_pids 'openvpn\.exe' || fail "d: openvpn.exe still runs after exit 10"
pty_stop
FLAG_SHIM_MODULE= FLAG_SHIM_FILE=

log "e) a late token: openvpn.exe starts without it; ovpn-token.exe watches and supplies the id"
token_dir=$(find "$T/tokens" -mindepth 1 -maxdepth 1 -type d | head -n 1)
mv "$token_dir" "$T/away"
start_office
pty_expect_text "No certificate found. Insert the token; ovpn-token watches for it" 120
grep -q "CMD 'needstr" "$log_file" && fail "e: an id was sent before the token came"
mv "$T/away" "$token_dir"
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 60
want_cmd="MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"${want//\\/\\\\}\"'"
wait_for "$log_file" "$(printf '%s' "$want_cmd" | sed 's/[][\\.*^$]/\\&/g')" 30 \
    || fail "e: openvpn.exe did not get the id $want: $(grep "CMD 'needstr" "$log_file")"
pty_stop
wait_until 20 no_wine_pids 'openvpn\.exe' || fail "e: openvpn.exe outlived ovpn-token.exe"
wait_listening "$PORT"

log "f) the token taken out while connected (the flag shim for openvpn.exe and ovpn-token.exe)"
sed "s|^pkcs11-providers .*|pkcs11-providers \"$(esc "$(esc "$(winpath "$T/flag_shim.dll")")")\"|" \
    "$CONFIG_DIR/config/office.ovpn" > "$CONFIG_DIR/config/shimmed.ovpn"
FLAG_SHIM_MODULE=$SOFTHSM_DLL
FLAG_SHIM_ABSENT_FILE=$(winpath "$T/token-out")
OFFICE=shimmed
log_file=$APP_DIR/shimmed.log
start_office
pty_expect_text "PIN for token 'Test Token':" 120
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 60 "f: not connected"
touch "$T/token-out"
pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 30
[ -n "$(wine_pids 'openvpn\.exe')" ] || fail "f: openvpn.exe ended; it should hold"
rm -f "$T/token-out"
pty_wait_count "PIN for token 'Test Token':" 2 60 || fail "f: the PIN was not asked again"
pty_type "$PIN"
pty_wait_count "^Connected to 127\.0\.0\.1:$PORT" 2 60 || fail "f: not connected again"
stop_office "f"
pass
