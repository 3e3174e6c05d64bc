#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 38-wine-opensc: the Windows smart card path under wine, with OpenSC's own DLL: ovpn-token.exe
# and the real openvpn.exe of the Windows stack (2.7.6; 2.6.14 too when OPENVPN_WIN_26 names
# one) use opensc-pkcs11.dll 0.27.1 (tools/build-windows-opensc), installed where OpenSC's
# installer puts it (C:\Program Files\OpenSC Project\OpenSC\pkcs11\).  The card is the Linux
# virtual CAC card (virt_cacard) in the test reader: tests/win32/vpcd_reader.exe is vpcd (port
# 35963) in a wine process of its own, and tests/win32/winscard_vpcd.dll its winscard.dll in
# each process, loaded by OpenSC through opensc.conf (OPENSC_CONF) and by ovpn-token.exe through
# OVPN_TOKEN_TEST_WINSCARD.  What that reader layer stands for: doc/windows.md.
#   a) `list` (its default provider: the installer's path) shows the id openvpn.exe
#      --show-pkcs11-ids shows;
#   b) `doctor office`: the provider, the card's token, the reader and the card;
#   c) `start --no-external-key office` (openvpn.exe's own PKCS#11 support): the PIN typed at the
#      console, CONNECTED; the server restarted: connected again without a PIN prompt;
#   d) the card taken out: the tunnel goes down (the PC/SC watch through the reader, which -v
#      names); put back: the PIN is asked again, CONNECTED;
#   e) `start office`, as it chooses by itself on OpenSC's DLL (doctor in b) says so too): the
#      external key, the TLS signature made by OpenSC in ovpn-token.exe on the card;
#   f) `start --service always`: openvpnserv.exe starts openvpn.exe, OpenSC's DLL in its process
#      (the service passes no external-key option: openvpn.exe signs, -v says why)
#      (each openvpn.exe behind the openvpnserv.exe of its own version, as its installer pairs
#      them).
# The reader and the card listen on fixed ports: the test runs in a network namespace of its own
# (unshare, as root), with a wine prefix of its own (a wineserver outside the namespace would
# read another network's TCP table).
# e2e-timeout: 900
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source=../win32/wine-env.sh
. "$(dirname "$0")/../win32/wine-env.sh"

top=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${WINDOWS_STACK:-$top/build/windows-stack}
OPENSC_WIN=${WINDOWS_OPENSC:-$top/build/windows-opensc}
OPENVPN26=${WINDOWS_OPENVPN26:-$top/build/windows-openvpn-2.6}
# The service runs the openvpn.exe exe_path names: part f) stops it (and its openvpn.exe).
skip() { echo "SKIP: $*"; exit 77; }

[ -n "${OVPN_TOKEN_EXE:-}" ] || skip "OVPN_TOKEN_EXE not set (make windows-test runs this)"
command -v wine >/dev/null || skip "wine not installed"
[ -f "$STACK/bin/openvpn.exe" ] && [ -f "$STACK/bin/openvpnserv.exe" ] ||
    skip "no Windows stack in $STACK (make windows-stack)"
[ -f "$OPENSC_WIN/.complete" ] ||
    skip "no OpenSC for Windows in $OPENSC_WIN (make windows-opensc; needs opensc-0.27.1.tar.gz)"
x86_64-w64-mingw32-objdump -p "$OVPN_TOKEN_EXE" | grep -qi 'DLL Name: libp11' ||
    skip "$OVPN_TOKEN_EXE is the plain build (no libp11; make windows with the stack)"
[ -x "$VIRT_CACARD" ] || skip "no virtual card at $VIRT_CACARD (make virt-cacard)"
[ "$(id -u)" = 0 ] || skip "not root (the reader's port 35963 needs a network namespace: unshare --net)"
for tool in modutil softhsm2-util pkcs11-tool ip unshare; do
    command -v "$tool" >/dev/null || skip "no $tool"
done
unshare --mount --net true 2>/dev/null || skip "unshare --mount --net does not work here"

# Into the namespace (this script again, same pid); a prefix of our own there.
sc_enter "$@"
unset WINEPREFIX
STACK=$(readlink -f "$STACK")
OPENSC_WIN=$(readlink -f "$OPENSC_WIN")

winpath() { printf 'Z:%s' "${1//\//\\}"; }
wine_dir() { winepath -u "$(wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r')" 2>/dev/null; }
esc() { printf '%s' "$1" | sed 's/\\/\\\\/g'; }
# wine_pids PATTERN: this prefix's wine processes whose command line matches.
wine_pids() {
    local p
    for p in $(pgrep -f -- "$1" 2>/dev/null); do
        { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && echo "$p"
    done
    return 0
}
# openvpn.exe as ovpn-token starts it, and as the service starts it ("openvpn ... --msg-channel");
# the Linux server carries our WINEPREFIX too, but neither form.
ovpn_pids() { wine_pids 'openvpn\.exe'; wine_pids '^openvpn .*--msg-channel'; }
no_ovpn_pids() { [ -z "$(ovpn_pids)" ]; }
undo_wine_setup() {
    set +e
    if [ -n "${SERVICE_DIR:-}" ]; then
        timeout 60 wine net stop OpenVPNServiceInteractive >/dev/null 2>&1
    fi
    return 0
}

tb_init
trap 'rc=$?; undo_wine_setup; wine_prefix_down; (exit $rc); tb_cleanup' EXIT
ip link set lo up || fail "cannot bring up the namespace's loopback"
export HOME="$T/home"
mkdir -p "$HOME"
wine_prefix_up "$T" || fail "cannot set up a wine prefix"

log "the test reader and the card"
mkdir -p "$T/bin-win"
for f in vpcd_reader; do
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -o "$T/bin-win/$f.exe" \
        "$top/tests/win32/$f.c" -lws2_32 || fail "cannot build tests/win32/$f.c"
done
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O2 -shared -o "$T/bin-win/winscard_vpcd.dll" \
    "$top/tests/win32/winscard_vpcd.c" "$top/tests/win32/winscard_vpcd.def" -lws2_32 ||
    fail "cannot build tests/win32/winscard_vpcd.c"
wine "$T/bin-win/vpcd_reader.exe" >"$T/reader.out" 2>&1 &
TB_PIDS+=("$!")
wait_for "$T/reader.out" "listening" 60 || fail "the test reader did not start: $(cat "$T/reader.out")"
reader_says() { [ "$(grep -c "$1" "$T/reader.out")" -ge "$2" ]; }

PIN=12345678
PKI_KEY=rsa make_pki "$T" client1
TOKEN_REMOVABLE=true make_token "$T" "CAC store" "$PIN" client1
SC_CARD_DIR=$T/card
mkdir -p "$SC_CARD_DIR/db"
modutil -create -dbdir "sql:$SC_CARD_DIR/db" -force >"$T/modutil.out" 2>&1 || fail "modutil -create failed"
modutil -add "card store" -dbdir "sql:$SC_CARD_DIR/db" -libfile "$SOFTHSM_LIB" -force \
    >>"$T/modutil.out" 2>&1 || fail "modutil -add failed"
sc_card_start
wait_until 20 reader_says "card inserted" 1 || fail "the card did not reach the reader (see $T/virt_cacard.out)"
# card_out / card_in: the card taken out of the reader, put back; each returns once the reader saw it.
card_out() {
    local n
    n=$(( $(grep -c "card removed" "$T/reader.out" || true) + 1 ))
    kill -USR1 "$SC_CARD_PID"
    wait_until 10 reader_says "card removed" "$n" || fail "the card is not out"
}
card_in() {
    local n
    n=$(( $(grep -c "card inserted" "$T/reader.out" || true) + 1 ))
    kill -USR2 "$SC_CARD_PID"
    wait_until 10 reader_says "card inserted" "$n" || fail "the card is not in"
}

# OpenSC where its installer puts it; its config names the test reader's DLL.
PF="$WINEPREFIX/drive_c/Program Files"
mkdir -p "$PF"
cp -r "$OPENSC_WIN/OpenSC Project" "$PF/"
OPENSC_DLL='C:\Program Files\OpenSC Project\OpenSC\pkcs11\opensc-pkcs11.dll'
cat > "$T/opensc.conf" <<EOC
app default {
	reader_driver pcsc {
		provider_library = "$(winpath "$T/bin-win/winscard_vpcd.dll")";
	}
}
EOC
OPENSC_CONF=$(winpath "$T/opensc.conf")
OVPN_TOKEN_TEST_WINSCARD=$(winpath "$T/bin-win/winscard_vpcd.dll")
export OPENSC_CONF OVPN_TOKEN_TEST_WINSCARD

PORT=$(free_port)
start_server "$T" "$PORT"

# openvpn.exe found as the installer records it; the config by its bare name.
wine reg add 'HKLM\SOFTWARE\OpenVPN' /ve /d "$(winpath "$STACK")" /f >/dev/null 2>&1 || fail "wine reg add"
wine reg add 'HKLM\SOFTWARE\OpenVPN' /v exe_path /d "$(winpath "$STACK/bin/openvpn.exe")" /f \
    >/dev/null 2>&1 || fail "wine reg add exe_path"
profile=$(wine_dir USERPROFILE)
[ -n "$profile" ] && [ -d "$profile" ] || fail "no %USERPROFILE% folder in the wine prefix"
mkdir -p "$profile/OpenVPN/config"
write_config() {
    cat > "$1" <<EOC
tls-client
dev null
proto tcp-client
remote 127.0.0.1 $PORT
nobind
ca "$(esc "$(winpath "$T/pki/ca.crt")")"
remote-cert-tls server
pkcs11-providers "$(esc "$OPENSC_DLL")"
${IFCONFIG:-}
ifconfig-noexec
route-noexec
ping 1
ping-restart 10
verb 3
${2:-}
EOC
}
write_config "$profile/OpenVPN/config/office.ovpn"
log_file=$T/office.log
log_w=$(winpath "$log_file")

wexe() { RC=0; timeout 180 wine "$OVPN_TOKEN_EXE" "$@" </dev/null >"$T/out" 2>&1 || RC=$?; tr -d '\r' <"$T/out" >"$T/out.txt"; }
has() { grep -E "^$1 " "$T/out.txt" | grep -Fq -- "$2" || { cat "$T/out.txt" >&2; fail "$3: no '$1 ...$2...' line"; }; }
start_office() {
    : > "$log_file"
    pty_start env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="$WINEDLLOVERRIDES" \
        OPENSC_CONF="$OPENSC_CONF" OVPN_TOKEN_TEST_WINSCARD="$OVPN_TOKEN_TEST_WINSCARD" \
        wine "$OVPN_TOKEN_EXE" start --log "$log_w" "$@"
}
stop_office() {
    pty_send_keys C-c
    pty_expect_exit 0 60
    pty_expect_text "OpenVPN stopped." 5
    wait_until 30 no_ovpn_pids || fail "openvpn.exe still runs after $1"
    pty_stop
    wait_listening "$PORT" 15
}
pin_answers() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$log_file" 2>/dev/null || true; }

# The service's settings; the service itself is each version's own (service_from).
mkdir -p "$T/config" "$T/svclog"
R='HKLM\SOFTWARE\OpenVPN'
reg_set() { wine reg add "$R" "$@" /f >/dev/null 2>&1 || fail "wine reg add $*"; }
reg_set /v config_dir /d "$(winpath "$T/config")"
reg_set /v log_dir /d "$(winpath "$T/svclog")"
reg_set /v priority /d NORMAL_PRIORITY_CLASS
reg_set /v ovpn_admin_group /d "OpenVPN Administrators"
# The service gives its openvpn.exe the user's environment from the registry, not ours.
wine reg add 'HKCU\Environment' /v OPENSC_CONF /d "$OPENSC_CONF" /f >/dev/null 2>&1 ||
    fail "wine reg add HKCU\\Environment OPENSC_CONF"
write_config "$T/config/office.ovpn" pkcs11-id-management
# service_from DIR: DIR/openvpnserv.exe is the installed interactive service, started (the one
# installed before stopped and removed).
service_from() {
    if [ -n "${SERVICE_DIR:-}" ]; then
        timeout 60 wine net stop OpenVPNServiceInteractive >/dev/null 2>&1 || true
        (cd "$SERVICE_DIR" && timeout 60 wine openvpnserv.exe -remove) >"$T/remove.out" 2>&1 ||
            fail "openvpnserv.exe -remove: $(cat "$T/remove.out")"
        SERVICE_DIR=
    fi
    (cd "$1" && timeout 60 wine openvpnserv.exe -install) >"$T/install.out" 2>&1 ||
        fail "openvpnserv.exe -install: $(cat "$T/install.out")"
    SERVICE_DIR=$1
    timeout 60 wine net start OpenVPNServiceInteractive >"$T/netstart.out" 2>&1 ||
        fail "net start OpenVPNServiceInteractive: $(cat "$T/netstart.out")"
}

# run_version DIR: a) to f) with DIR/openvpn.exe and DIR/openvpnserv.exe (beside the stack's
# DLLs) as the installed OpenVPN.
run_version() {
    local bin=$1 ver
    wine reg add 'HKLM\SOFTWARE\OpenVPN' /v exe_path /d "$(winpath "$bin/openvpn.exe")" /f \
        >/dev/null 2>&1 || fail "wine reg add exe_path"
    ver=$(wine "$bin/openvpn.exe" --version 2>/dev/null | tr -d '\r' | sed -n 's/^OpenVPN \([0-9.]*\) .*/\1/p' | head -n 1)
    [ -n "$ver" ] || fail "$bin/openvpn.exe does not run"
    log "== openvpn.exe $ver"
    # 2.7 takes `dev null` for a tun device, which needs an --ifconfig on Windows; 2.6 with
    # one calls InitializeIpInterfaceEntry, which wine 8 lacks (openvpn.exe aborts).
    case $ver in 2.6.*) IFCONFIG= ;; *) IFCONFIG="ifconfig 127.0.10.1 127.0.10.2" ;; esac
    write_config "$profile/OpenVPN/config/office.ovpn"
    write_config "$T/config/office.ovpn" pkcs11-id-management

    log "a) list (the installer's path) against openvpn.exe --show-pkcs11-ids"
    wine "$bin/openvpn.exe" --show-pkcs11-ids "$OPENSC_DLL" 2>&1 | tr -d '\r' >"$T/show-ids.out" || true
    want=$(sed -n 's/^ *Serialized id: *//p' "$T/show-ids.out")
    [ -n "$want" ] || { cat "$T/show-ids.out" >&2; fail "openvpn.exe --show-pkcs11-ids shows no id"; }
    case $want in "Common\x20Access\x20Card/"*) ;; *) fail "openvpn.exe lists '$want', not the CAC card" ;; esac
    wexe list
    [ "$RC" = 0 ] || { cat "$T/out.txt" >&2; fail "list: exit $RC"; }
    got=$(sed -n 's/^ *Serialized id: *//p' "$T/out.txt")
    [ "$got" = "$want" ] || fail "list shows id '$got', openvpn.exe --show-pkcs11-ids '$want'"
    log "list and openvpn.exe agree: $got"

    log "b) doctor office"
    wexe doctor office
    cp "$T/out.txt" "$T/doctor.out"
    has OK "opensc-pkcs11.dll loads (from the config's pkcs11-providers)" doctor
    has OK "token 'client1' in Virtual PCD 00 00" doctor
    has OK "1 reader(s): 'Virtual PCD 00 00'" doctor
    has OK "card present in 'Virtual PCD 00 00'" doctor
    has OK "start signs on the token itself as openvpn's external key (OpenSC reads the card" doctor
    [ "$RC" = 0 ] || { cat "$T/out.txt" >&2; fail "doctor: exit $RC"; }

    # c) and d) also stand for ovpn-token's own load of OpenSC: done before openvpn.exe's hold
    # is released, never beside openvpn.exe's (OpenSC's CAC driver reading the card in from two
    # processes at once gave openvpn.exe the token serial 00000000: its id no longer named the
    # card once put back, and d) failed).
    log "c) start office: the PIN at the console; a reconnect without a prompt"
    start_office -v --no-external-key office
    pty_expect_text "PIN for token 'client1':" 120
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 90 "c: not connected"
    # openvpn.exe read the card in alone: its id carries the card's serial as list's does.
    grep -F "pkcs11-id-request" "$log_file" | grep -qF "/$(echo "$got" | cut -d/ -f3)/" ||
        fail "c: openvpn.exe's id does not carry the card's serial: $(grep -F "pkcs11-id-request" "$log_file")"
    grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "c: the server did not verify client1"
    if pty_screen | grep -Fq "$PIN"; then fail "c: the PIN is visible on screen"; fi
    kill "$SERVER_PID"
    wait_until 10 pid_gone "$SERVER_PID" || fail "c: the server did not stop"
    start_server "$T" "$PORT"
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 90 || fail "c: not connected again after the server's restart"
    [ "$(pty_count "PIN for token")" = 1 ] || fail "c: the PIN was asked again for a reconnect"
    [ "$(pin_answers)" = 1 ] || fail "c: $(pin_answers) PIN answers in openvpn.exe's log, expected 1"

    log "d) the card taken out, and put back"
    # The reader's own events (SCardGetStatusChange through the test reader), not looks.
    pty_expect_text "watching reader 'Virtual PCD 00 00' for the card's removal" 5
    card_out
    pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 30
    sleep 3
    if pty_screen | tail -n 5 | grep -q "Connected to"; then fail "d: connected again without the card"; fi
    card_in
    pty_wait_count "PIN for token 'client1':" 2 90 || fail "d: the PIN was not asked again$(pty_ended_note)"
    pty_type "$PIN"
    pty_wait_count "^Connected to 127\.0\.0\.1:$PORT" 3 90 || fail "d: not connected again$(pty_ended_note)"
    stop_office "d"

    log "e) start's own choice on OpenSC's DLL, the external key: the signature made through OpenSC in ovpn-token.exe"
    # openvpn.exe (2.6 and 2.7) reads its management socket again while it echoes a command
    # into its log in the middle of a query: our certificate and signatures go in two parts
    # (src/mgmt/conn.c), else it runs "certificate" once per read and loses the PEM.
    start_office -v office
    pty_expect_text "ovpn-token signs for openvpn (OpenSC reads the card at each load" 60
    pty_expect_text "PIN for token 'client1':" 120
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 90 "e: not connected"
    [ "$(grep -c "MANAGEMENT: CMD 'certificate'" "$log_file")" = 1 ] ||
        fail "e: openvpn.exe took the certificate command $(grep -c "MANAGEMENT: CMD 'certificate'" "$log_file") times"
    grep -q "MANAGEMENT: CMD 'pk-sig'" "$log_file" || fail "e: no signature sent to openvpn.exe"
    if grep -q "not currently available" "$log_file" || pty_screen | grep -q "not currently available"; then
        fail "e: openvpn.exe refused a command"
    fi
    ovpn=$(ovpn_pids)
    [ "$(echo "$ovpn" | wc -w)" = 1 ] || fail "e: expected one openvpn.exe, found: ${ovpn:-none}"
    proc_args "$ovpn" | grep -qx -- "--management-external-key" || fail "e: openvpn.exe without --management-external-key"
    stop_office "e"

    log "f) through the interactive service $ver, OpenSC's DLL in openvpn.exe's process"
    service_from "$bin"
    start_office --service always -v "$(winpath "$T/config/office.ovpn")"
    pty_expect_text "openvpn is started by OpenVPN's interactive service" 60
    pty_expect_text "openvpn signs for openvpn (OpenVPN's interactive service starts openvpn" 5
    pty_expect_text "PIN for token 'client1':" 120
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 90 "f: not connected through the service"
    ovpn=$(wine_pids '^openvpn .*--msg-channel')
    [ "$(echo "$ovpn" | wc -w)" = 1 ] || fail "f: expected one openvpn.exe of the service, found: ${ovpn:-none}"
    grep -q "interactive service msg_channel" "$log_file" || fail "f: openvpn's log does not show the service's channel"
    grep -qi "opensc-pkcs11.dll" "$log_file" || fail "f: openvpn.exe's log does not name OpenSC's DLL"
    stop_office "f"
}

run_version "$STACK/bin"
if [ -f "$OPENVPN26/bin/openvpn.exe" ]; then
    [ -f "$OPENVPN26/bin/openvpnserv.exe" ] ||
        fail "no openvpnserv.exe 2.6 beside $OPENVPN26/bin/openvpn.exe (make windows-openvpn26 builds both)"
    # 2.6.14 beside the stack's DLLs (the OpenSSL and pkcs11-helper it was built against).
    mkdir -p "$T/openvpn-2.6"
    cp "$OPENVPN26/bin/openvpn.exe" "$OPENVPN26/bin/openvpnserv.exe" "$STACK"/bin/*.dll "$T/openvpn-2.6/"
    run_version "$T/openvpn-2.6"
else
    log "SKIP part: no openvpn.exe 2.6 in $OPENVPN26 (make windows-openvpn26)"
fi
pass
