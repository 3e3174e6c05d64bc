# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash disable=SC2034  # PCSC_SKIP, PCSCD_OURS: read by the tests
# PC/SC helpers for the PKCS#11 end-to-end tests (source after testbed.sh):
#   pcscd_start     a pcscd in the foreground with the readers of vsmartcard-vpcd ("Virtual PCD 00 00",
#                   "Virtual PCD 00 01"); returns 1 (with $PCSC_SKIP saying why) when it cannot run here.
#                   A pcscd that already runs is used as it is and never stopped ($PCSCD_OURS=0).
#   pcscd_stop      stop the pcscd we started
#   vcard_insert    a minimal virtual card in "Virtual PCD 00 00" (answers the ATR, refuses every APDU)
#   vcard_remove
# pcsc-lite's daemon always listens on /run/pcscd/pcscd.comm (it ignores PCSCLITE_CSOCK_NAME), so
# starting one needs root and there can be only one per machine.

PCSCD_SOCK=/run/pcscd/pcscd.comm
PCSCD_PID=
PCSCD_OURS=0
PCSC_SKIP=
VCARD_PID=
VPCD_PORT=35963    # vpcd's CHANNELID 0x8C7B: the first virtual reader

pcscd_alive() { [ -S "$PCSCD_SOCK" ] && pgrep -x pcscd >/dev/null 2>&1; }

pcscd_start() {
    if pcscd_alive; then PCSCD_OURS=0; return 0; fi
    command -v pcscd >/dev/null || { PCSC_SKIP="pcscd is not installed (package pcscd)"; return 1; }
    [ -e /etc/reader.conf.d/vpcd ] || { PCSC_SKIP="no virtual readers (package vsmartcard-vpcd)"; return 1; }
    [ "$(id -u)" = 0 ] || { PCSC_SKIP="starting pcscd needs root (it only listens on $PCSCD_SOCK)"; return 1; }
    pcscd --foreground >"$T/pcscd.log" 2>&1 &
    PCSCD_PID=$!
    TB_PIDS+=("$PCSCD_PID")
    PCSCD_OURS=1
    wait_until 10 pcscd_alive || { PCSC_SKIP="pcscd did not start (see $T/pcscd.log)"; pcscd_stop; return 1; }
    # The readers appear once the driver is loaded.
    wait_for "$T/pcscd.log" "daemon ready" 10 || true
    return 0
}

pcscd_stop() {
    [ "$PCSCD_OURS" = 1 ] && [ -n "$PCSCD_PID" ] || return 0
    kill "$PCSCD_PID" 2>/dev/null
    wait_until 10 pid_gone "$PCSCD_PID" || kill -9 "$PCSCD_PID" 2>/dev/null
    wait "$PCSCD_PID" 2>/dev/null || true
    PCSCD_PID=
    # A killed pcscd may leave its socket: pcscd_alive checks the process too.
    return 0
}

# The vpcd protocol: each message is a 2-byte big-endian length and a payload; a 1-byte payload is
# a command (0 off, 1 on, 2 reset, 4 ATR), anything longer an APDU.
vcard_insert() {
    command -v python3 >/dev/null || { PCSC_SKIP="python3 is needed for the virtual card"; return 1; }
    cat > "$T/vcard.py" <<'PY'
import socket, struct, sys, time
ATR = bytes.fromhex("3B8080010101")
for _ in range(50):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit(1)
def recv(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit(0)
        b += c
    return b
while True:
    (n,) = struct.unpack(">H", recv(2))
    msg = recv(n)
    if n == 1:
        if msg[0] == 4:
            s.sendall(struct.pack(">H", len(ATR)) + ATR)
        continue
    s.sendall(struct.pack(">H", 2) + b"\x6d\x00")
PY
    python3 "$T/vcard.py" "$VPCD_PORT" >"$T/vcard.log" 2>&1 &
    VCARD_PID=$!
    TB_PIDS+=("$VCARD_PID")
}

vcard_remove() {
    [ -n "$VCARD_PID" ] || return 0
    kill "$VCARD_PID" 2>/dev/null
    wait "$VCARD_PID" 2>/dev/null || true
    VCARD_PID=
}
