# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The real smartcard stack as a test-bed part beside testbed.sh: OpenSC's opensc-pkcs11.so talks
# through pcsc-lite's pcscd and vsmartcard's vpcd reader driver to virt_cacard, a virtual CAC card
# (libcacard) whose key and certificate live in a SoftHSM2 token behind an NSS database:
#
#   ovpn-token / openvpn -> opensc-pkcs11.so -> pcscd -> vpcd (TCP 35963) -> virt_cacard -> NSS -> SoftHSM2
#
# pcscd listens on /run/pcscd/pcscd.comm and vpcd on port 35963, both the machine's: so every test
# that uses this part runs itself in its own mount and network namespace (`unshare --mount --net`)
# with a private /run/pcscd and its own loopback. A pcscd the machine runs is never seen nor touched.
#
# Usage in a test:
#   set -eu
#   . "$(dirname "$0")/../lib/testbed.sh"
#   . "$(dirname "$0")/../lib/smartcard.sh"
#   sc_init "$@"                  # SKIP (77) when a part is missing; else re-runs the test in its
#                                 # namespace, then tb_init ($T, cleanup trap) there
#   require_ovpn_token
#   sc_bed_up 12345678 client1    # RSA PKI, the card, pcscd, a server ($PORT), $T/client.conf
#   pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
#   pty_expect_text "PIN for token 'client1':" 20
#   sc_card_remove; sc_card_insert
#
# Facts behind the choices (seen with OpenSC 0.23, pcsc-lite 1.9.9, libcacard 2.8, virt_cacard 1.3.0):
# - libcacard signs with RSA only; OpenSC names the token after the certificate's CN.
# - Every virtual card has the same serial number and ATR: OpenSC's file cache ($HOME/.cache/opensc)
#   would serve one test's certificate to the next, so HOME is the test's own.
# - A wrong PIN: libcacard answers SW 6985, OpenSC reports CKR_GENERAL_ERROR; there is no retry
#   counter (the lockout tests stay on SoftHSM2).
# - `virt_cacard -r` / `-i` without `-p` run `pkill virt_cacard`: every card on the machine. We
#   signal our own card's pid: SIGUSR1 removes the card, SIGUSR2 inserts it again.
# - virt_cacard writes ~140 bytes a second to its log while it runs (SoftHSM2's empty removable
#   slot, reported removed over and over): its log stays in $T and goes with it.
# - The card takes about 2.4 s from virt_cacard's start until OpenSC lists it; OpenSC's module
#   itself needs about 2 s to load and look at the readers.

SC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VIRT_CACARD=${VIRT_CACARD:-$SC_TOP/build/virt_cacard}
OPENSC_LIB=${OPENSC_LIB:-}
if [ -z "$OPENSC_LIB" ]; then
    for f in /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so /usr/lib/*/opensc-pkcs11.so \
             /usr/lib64/opensc-pkcs11.so /usr/lib/opensc-pkcs11.so; do
        if [ -e "$f" ]; then OPENSC_LIB=$f; break; fi
    done
fi
SC_PIN=              # the card's PIN (sc_card_up)
SC_CARD_PID=         # virt_cacard
SC_PCSCD_PID=        # our pcscd, inside the namespace
SC_CARD_DIR=         # the card's NSS database lives in $SC_CARD_DIR/db

# sc_skip REASON: this test cannot run here.
sc_skip() {
    echo "SKIP: $*"
    exit 77
}

# sc_missing: what this machine lacks for the card stack (empty when nothing), naming the package.
sc_missing() {
    local pkg tool
    if [ "$(id -u)" != 0 ]; then
        echo "not root (pcscd and vpcd need a private /run/pcscd and port 35963: unshare --mount --net)"
        return
    fi
    command -v unshare >/dev/null || { echo "no unshare (package util-linux)"; return; }
    if [ ! -x "$VIRT_CACARD" ]; then
        if [ -f "$SC_TOP/build/virt_cacard.skip" ]; then head -n 1 "$SC_TOP/build/virt_cacard.skip"
        else echo "no virtual card at $VIRT_CACARD: run 'make virt-cacard' (tools/build-virt-cacard)"; fi
        return
    fi
    for pkg in pcscd:pcscd modutil:libnss3-tools pkcs11-tool:opensc opensc-tool:opensc \
               softhsm2-util:softhsm2 ip:iproute2; do
        tool=${pkg%%:*}
        command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] \
            || { echo "no $tool (package ${pkg#*:})"; return; }
    done
    [ -n "$OPENSC_LIB" ] || { echo "no opensc-pkcs11.so (package opensc-pkcs11)"; return; }
    [ -e /etc/reader.conf.d/vpcd ] || { echo "no vpcd reader driver (package vsmartcard-vpcd)"; return; }
    [ -e "$SOFTHSM_LIB" ] || { echo "no $SOFTHSM_LIB (package softhsm2)"; return; }
    unshare --mount --net true 2>/dev/null || echo "unshare --mount --net does not work here"
}

# sc_init [ARGS...]: SKIP when a part is missing. Outside the namespace: run this test again inside
# a new one (same pid: exec). Inside: tb_init, a private /run/pcscd, loopback up, a fresh HOME.
sc_init() {
    local why
    why=$(sc_missing)
    [ -z "$why" ] || sc_skip "$why"
    sc_enter "$@"
    tb_init
    sc_namespace_setup
}

# sc_enter [ARGS...]: unless already done, run this script again ($0 ARGS) in a mount and network
# namespace of its own. The pid marks the namespace as this script's: one started from inside
# another's namespace (a shell a developer opened there) still gets a namespace of its own.
sc_enter() {
    if [ "${SC_NAMESPACE:-}" != "$$" ]; then
        export SC_NAMESPACE=$$
        exec unshare --mount --net -- bash "$0" "$@"
    fi
}

# sc_namespace_setup: (after tb_init, in the namespace) the private /run/pcscd, the loopback, and
# HOME=$T/home for OpenSC's file cache.
sc_namespace_setup() {
    [ "${SC_NAMESPACE:-}" = "$$" ] || fail "sc_namespace_setup outside the script's own namespace"
    mkdir -p /run/pcscd
    mount -t tmpfs -o mode=0755,size=1m ovpn-token-pcscd /run/pcscd || fail "cannot mount a private /run/pcscd"
    ip link set lo up || fail "cannot bring up the namespace's loopback"
    export HOME="$T/home"
    mkdir -p "$HOME"
}

# ---------------------------------------------------------------- pcscd

# sc_pcscd_start: pcscd in the foreground, in this namespace, with vpcd's readers; returns once vpcd
# listens on port 35963. It runs as "$T/bin/pcscd-ns" (a link), so that nobody's `pgrep -x pcscd`
# takes it for the machine's and the cleanup's `pkill -f $T/` finds it.
sc_pcscd_start() {
    local pcscd
    pcscd=$(command -v pcscd || echo /usr/sbin/pcscd)
    ln -sf "$pcscd" "$T/bin/pcscd-ns"
    "$T/bin/pcscd-ns" --foreground >>"$T/pcscd.out" 2>&1 &
    SC_PCSCD_PID=$!
    TB_PIDS+=("$SC_PCSCD_PID")
    wait_until 10 test -S /run/pcscd/pcscd.comm || fail "pcscd did not start (see $T/pcscd.out)"
    wait_until 10 port_listening 35963 || fail "vpcd does not listen on port 35963"
}

# sc_pcscd_stop: stop our pcscd (the card's link to vpcd goes with it).
sc_pcscd_stop() {
    [ -n "$SC_PCSCD_PID" ] || return 0
    kill "$SC_PCSCD_PID" 2>/dev/null || true
    wait_until 10 pid_gone "$SC_PCSCD_PID" || kill -9 "$SC_PCSCD_PID" 2>/dev/null || true
    wait "$SC_PCSCD_PID" 2>/dev/null || true
    SC_PCSCD_PID=
}

# ---------------------------------------------------------------- the card

# sc_card_up PIN [CN...]: an RSA PKI ($T/pki, client CNs default client1, valid PKI_DAYS, default
# 400), the card's store (a SoftHSM2 token with removable slots holding each client key and
# certificate, behind an NSS database in $T/card/db), pcscd, and the card inserted: returns once
# OpenSC lists its token.
#   SC_CARD_ABSENT=1   everything but the card (sc_card_start inserts it later)
#   SC_CARD_SPY=1      the card's own key operations are logged in $T/card-spy.log (pkcs11-spy
#                      between NSS and SoftHSM2: what the card itself computed; sc_card_*_blocks)
sc_card_up() {
    SC_PIN=$1; shift
    [ $# -gt 0 ] || set -- client1
    PKI_KEY=rsa PKI_DAYS=${PKI_DAYS:-400} make_pki "$T" "$@"
    TOKEN_REMOVABLE=true make_token "$T" "CAC store" "$SC_PIN" "$@"
    SC_CARD_DIR=$T/card
    mkdir -p "$SC_CARD_DIR/db"
    local module=$SOFTHSM_LIB
    if [ "${SC_CARD_SPY:-0}" = 1 ]; then
        [ -n "$SPY_LIB" ] || sc_skip "pkcs11-spy.so not found (package opensc)"
        module=$SPY_LIB
    fi
    # virt_cacard opens the NSS database "sql:db" in its working directory; NSS reaches the key
    # and certificate through SoftHSM2 (or the spy in front of it) as one of its modules.
    modutil -create -dbdir "sql:$SC_CARD_DIR/db" -force >"$T/modutil.out" 2>&1 \
        || fail "modutil -create failed"
    # (modutil loads the module to register it: the spy needs to know where to forward.)
    PKCS11SPY=$SOFTHSM_LIB PKCS11SPY_OUTPUT=/dev/null \
        modutil -add "card store" -dbdir "sql:$SC_CARD_DIR/db" -libfile "$module" -force \
        >>"$T/modutil.out" 2>&1 || fail "modutil -add failed"
    sc_pcscd_start
    [ "${SC_CARD_ABSENT:-0}" = 1 ] && return 0
    sc_card_start
    sc_wait_token 20 || fail "OpenSC does not list the virtual card's token (see $T/virt_cacard.out)"
}

# sc_card_start: start the virtual card (it connects to vpcd: a card inserted in "Virtual PCD 00 00").
# The spy's variables go to virt_cacard alone, never to ovpn-token or openvpn.
sc_card_start() {
    (
        cd "$SC_CARD_DIR" || exit 1
        if [ "${SC_CARD_SPY:-0}" = 1 ]; then
            export PKCS11SPY="$SOFTHSM_LIB" PKCS11SPY_OUTPUT="$T/card-spy.log"
        fi
        exec "$VIRT_CACARD"
    ) >>"$T/virt_cacard.out" 2>&1 &
    SC_CARD_PID=$!
    TB_PIDS+=("$SC_CARD_PID")
}

# sc_card_rsa_blocks: one line per raw RSA private-key operation the card made (with SC_CARD_SPY=1),
# the input block in hex. libcacard's CAC applet gets the block padded by the host and decrypts it
# raw (C_Decrypt, CKM_RSA_X_509): an RSA-PSS block ends in BC, a PKCS#1 v1.5 one starts 0001FF.
sc_card_rsa_blocks() {
    [ -f "$T/card-spy.log" ] || return 0
    awk '
        /^[0-9]+: / { op = $2; inblock = 0; next }
        op == "C_Decrypt" && /pEncryptedData\[ulEncryptedDataLen\]/ { inblock = 1; block = ""; next }
        inblock && /^    [0-9A-F]+  / {
            for (i = 2; i <= 17 && $i ~ /^[0-9A-F][0-9A-F]$/; i++) block = block $i
            next
        }
        inblock { print block; inblock = 0 }
    ' "$T/card-spy.log"
}

# sc_card_remove / sc_card_insert: take the card out of the reader and put it back (signals to our
# own virt_cacard only). sc_card_remove returns once pcscd no longer sees a card, sc_card_insert
# once it sees one again (OpenSC may need a moment more to read it).
sc_card_remove() {
    [ -n "$SC_CARD_PID" ] || fail "no virtual card to remove"
    kill -USR1 "$SC_CARD_PID" || fail "virt_cacard ($SC_CARD_PID) is gone"
    wait_until 10 sc_no_card || fail "the card still shows in the reader after removal"
}
sc_card_insert() {
    [ -n "$SC_CARD_PID" ] || fail "no virtual card to insert"
    kill -USR2 "$SC_CARD_PID" || fail "virt_cacard ($SC_CARD_PID) is gone"
    wait_until 10 sc_card_present || fail "no card in the reader after insertion"
}

# sc_card_present / sc_no_card: what pcscd says of the first virtual reader (opensc-tool asks PC/SC
# directly, without loading the PKCS#11 module: quick).
sc_card_present() { opensc-tool --list-readers 2>/dev/null | grep -Eq '^[0-9]+ +Yes +Virtual PCD 00 00'; }
sc_no_card() { opensc-tool --list-readers 2>/dev/null | grep -Eq '^[0-9]+ +No +Virtual PCD 00 00'; }

# sc_wait_token TIMEOUT: until OpenSC's module lists a token in the first virtual reader.
sc_wait_token() { wait_until "$1" sc_token_listed; }
sc_token_listed() {
    pkcs11-tool --module "$OPENSC_LIB" --list-token-slots 2>/dev/null | grep -q 'token manufacturer *: *Common Access Card'
}

# sc_bed_up PIN [CN...]: the card (sc_card_up), a server on a free port ($PORT) and $T/client.conf
# with OpenSC as its provider.
sc_bed_up() {
    sc_card_up "$@"
    PORT=$(free_port)
    start_server "$T" "$PORT"
    write_client_config "$T" "$PORT" "$OPENSC_LIB"
}
