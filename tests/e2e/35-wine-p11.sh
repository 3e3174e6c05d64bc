#!/bin/bash
# 35-wine-p11: the PKCS#11 features of ovpn-token.exe built with OpenSSL and libp11 (make windows
# with the Windows stack), under wine with SoftHSM2 as softhsm2.dll and the real openvpn.exe 2.7.6:
#   a) `list --provider softhsm2.dll`: the same serialized id as `openvpn.exe --show-pkcs11-ids`;
#   b) `doctor office`: openvpn.exe, the config, the provider and the token checked; PC/SC through
#      winscard.dll (wine's has no Smart Card service: said as such);
#   c) a wrong PIN, then the right one: one "was rejected", a second prompt, CONNECTED;
#   d) a locked token (tests/tools/flag_shim.c cross-built as a DLL in front of softhsm2.dll for
#      ovpn-token.exe only): exit 10, no PIN asked, none sent;
#   e) a late token: no certificate when openvpn.exe starts; ovpn-token.exe watches through the
#      provider and, once the token is there, answers with the id openvpn.exe lists.
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
# wine's winscard.dll has no Smart Card service behind it: SCardEstablishContext fails.
has WARN "cannot reach the PC/SC service" doctor
[ "$RC" = 0 ] || { cat "$T/out.txt" >&2; fail "doctor: exit $RC with only warnings"; }
