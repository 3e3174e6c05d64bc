# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Test bed for the ovpn-token end-to-end tests: a throwaway PKI, a SoftHSM2 token, a loopback OpenVPN
# server (no root, no tun: `dev null` over TCP on 127.0.0.1) and a tmux pty to drive ovpn-token like a user.
#
# Usage in a test:
#   set -eu
#   . "$(dirname "$0")/../lib/testbed.sh"
#   tb_init                       # temp dir $T, cleanup trap
#   make_pki "$T" client1
#   make_token "$T" "Test Token" 123456 client1
#   port=$(free_port); start_server "$T" "$port"
#   write_client_config "$T" "$port"
#   pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
#   pty_wait_screen "PIN for token 'Test Token'" 20
#   ...
#   pass
#
# Everything a test starts is killed by the EXIT trap, and every wait is bounded.

SOFTHSM_LIB=${SOFTHSM_LIB:-/usr/lib/softhsm/libsofthsm2.so}
# OpenSC's PKCS#11 spy: logs every call (and the PIN bytes of C_Login) then forwards to $PKCS11SPY.
SPY_LIB=${SPY_LIB:-}
if [ -z "$SPY_LIB" ]; then
    for f in /usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so /usr/lib/*/pkcs11/pkcs11-spy.so \
             /usr/lib/pkcs11/pkcs11-spy.so /usr/lib64/pkcs11/pkcs11-spy.so; do
        if [ -e "$f" ]; then SPY_LIB=$f; break; fi
    done
fi

# The openvpn under test, for client and server alike: $OPENVPN (tests/run-e2e.sh sets it per run),
# default openvpn from PATH. tb_init puts it first on PATH as "openvpn", so `ovpn-token start`,
# doctor and the tests' own openvpn commands all run this one. $OPENVPN_VERSION (e.g. 2.6.14) is
# for tests that assert what a version does.
OPENVPN=${OPENVPN:-$(command -v openvpn || echo /nonexistent/openvpn)}
OPENVPN_VERSION=${OPENVPN_VERSION:-$("$OPENVPN" --version 2>/dev/null | sed -n '1s/^OpenVPN \([^ ]*\) .*/\1/p')}
export OPENVPN OPENVPN_VERSION

# openvpn_at_least X.Y[.Z]: the openvpn under test is that version or newer.
openvpn_at_least() {
    [ "$(printf '%s\n%s\n' "$1" "$OPENVPN_VERSION" | sort -V | head -n 1)" = "$1" ]
}

TB_NAME=$(basename "$0" .sh)
T=
TB_PIDS=()          # background processes this test started (servers, hand-run clients)
TB_TMUX=            # tmux -L socket name of this test's pty (unique per run)
PTY_EXIT=           # set by pty_wait_exit

# ---------------------------------------------------------------- messages, failure, cleanup

log() { printf '[%s] %s\n' "$TB_NAME" "$*" >&2; }

# Show what the user and the servers saw, so a failure can be understood from the output alone.
tb_diagnostics() {
    [ -n "$T" ] || return 0
    if [ -n "$TB_TMUX" ] && tmux -L "$TB_TMUX" has-session 2>/dev/null; then
        echo "----- pty screen -----"
        pty_screen | sed -e '/^$/N;/^\n$/D'
    fi
    # Something else removed it (seen once, cause unknown): say so rather than show nothing.
    [ -d "$T" ] || { echo "----- the test's folder $T is gone -----"; return 0; }
    local f
    for f in "$T"/*.log "$T"/*.out "$T"/*.err; do
        [ -f "$f" ] || continue
        case $f in *spy*.log) continue ;; esac
        echo "----- last lines of $f -----"
        tail -n 25 "$f"
    done
}

# fail MESSAGE: print it with the diagnostics and end the test (the EXIT trap cleans up).
fail() {
    log "FAIL: $*"
    tb_diagnostics >&2
    exit 1
}

pass() {
    log "ok"
    exit 0
}

# Kill what this test started: the tmux server on its own socket (and with it the pty's processes),
# the background processes, and anything still running with our temp dir in its arguments
# (openvpn started by ovpn-token has the config path from $T on its command line).
tb_cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "$TB_TMUX" ]; then
        # Ask nicely first, so ovpn-token gets a chance to stop its openvpn.
        tmux -L "$TB_TMUX" kill-server 2>/dev/null
    fi
    local p
    for p in "${TB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    if [ -n "$T" ]; then
        pkill -TERM -f -- "$T/" 2>/dev/null
        sleep 0.3
        pkill -KILL -f -- "$T/" 2>/dev/null
    fi
    for p in "${TB_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    if [ -n "$T" ] && [ -d "$T" ] && [ -z "${KEEP_TMP:-}" ]; then
        rm -rf "$T"
    elif [ -n "$T" ]; then
        log "kept $T"
    fi
    exit "$rc"
}

# tb_init: temp dir in $T and the cleanup trap. Call first.
tb_init() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/ovpn-token-e2e.XXXXXX")
    TB_TMUX="ovt-$TB_NAME-$$-$RANDOM"
    trap tb_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # Keep the token config of the host out of the way: every test has its own.
    export SOFTHSM2_CONF="$T/softhsm2.conf"
    # And its own state folder (default logs, instance locks, remembered certificates): nothing
    # a test does is left in the machine's home, and no test sees another's choices.
    export XDG_STATE_HOME="$T/state"
    : > "$SOFTHSM2_CONF"
    [ -x "$OPENVPN" ] || fail "openvpn under test not found: $OPENVPN"
    [ -n "$OPENVPN_VERSION" ] || fail "$OPENVPN --version shows no version"
    mkdir -p "$T/bin"
    ln -s "$OPENVPN" "$T/bin/openvpn"
    export PATH="$T/bin:$PATH"
    log "openvpn $OPENVPN_VERSION ($OPENVPN)"
}

# require_ovpn_token: the binary under test must be given as an absolute path in $OVPN_TOKEN.
require_ovpn_token() {
    case ${OVPN_TOKEN:-} in
        /*) [ -x "$OVPN_TOKEN" ] || fail "OVPN_TOKEN=$OVPN_TOKEN is not executable" ;;
        *) fail "set OVPN_TOKEN to the absolute path of the ovpn-token binary" ;;
    esac
}

# ---------------------------------------------------------------- bounded waits

# wait_for FILE PATTERN TIMEOUT: poll until FILE has a line matching the extended regex PATTERN.
wait_for() {
    local file=$1 pattern=$2 timeout=$3
    local deadline=$((SECONDS + timeout))
    while [ "$SECONDS" -le "$deadline" ]; do
        if [ -f "$file" ] && grep -Eq -- "$pattern" "$file"; then return 0; fi
        sleep 0.1
    done
    return 1
}

# wait_until TIMEOUT CMD...: poll until CMD succeeds.
wait_until() {
    local timeout=$1; shift
    local deadline=$((SECONDS + timeout))
    while [ "$SECONDS" -le "$deadline" ]; do
        if "$@"; then return 0; fi
        sleep 0.1
    done
    return 1
}

pid_alive() { kill -0 "$1" 2>/dev/null; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# ---------------------------------------------------------------- ports

port_in_use() {
    ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q . && return 0
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    return 1
}

# free_port: a random free TCP port on 127.0.0.1. Random (not sequential) so that two runs at the same
# time do not race for the same numbers.
free_port() {
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        # Remembered in a file, not a variable: free_port runs in $(...).
        grep -qx "$p" "$T/ports" 2>/dev/null && continue
        if ! port_in_use "$p"; then
            echo "$p" >> "$T/ports"
            echo "$p"
            return 0
        fi
    done
    fail "no free TCP port found"
}

# ---------------------------------------------------------------- PKI

# scratch_dir_only DIR: private keys and tokens are made only in a temporary directory (the test's
# $T or another mktemp dir), never in the current folder, where they could end up committed.
scratch_dir_only() {
    local tmp=${TMPDIR:-/tmp}
    case $1 in
        "$tmp"/*) ;;
        *) fail "refusing to write keys or tokens into '$1': use a directory under $tmp (mktemp -d)" ;;
    esac
}

# make_pki DIR [CLIENT_CN...]: DIR/pki/ with ca.crt, server.crt/key and for each client CN
# CN.crt (PEM), CN.der, CN.key (PEM) and CN.p8 (unencrypted PKCS#8, for softhsm2-util --import).
# EC P-256: fast to make and supported by SoftHSM2 and OpenVPN. Client CN default: client1.
# Set PKI_DAYS to change the validity (default 30 days), PKI_KEY=rsa for RSA 2048 keys (the
# virtual CAC card of tests/lib/smartcard.sh signs only with RSA).
make_pki() {
    local dir=$1; shift
    scratch_dir_only "$dir"
    local pki="$dir/pki" days=${PKI_DAYS:-30}
    mkdir -p "$pki"
    if [ ! -f "$pki/ca.crt" ]; then
        # shellcheck disable=SC2046  # pki_newkey's words are separate arguments
        openssl req -x509 $(pki_newkey) -nodes -sha256 \
            -keyout "$pki/ca.key" -out "$pki/ca.crt" -days "$days" -subj "/CN=Test CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
            2>"$pki/openssl.err" || fail "openssl: CA"
        make_cert "$dir" server server
    fi
    local cn
    [ $# -gt 0 ] || set -- client1
    for cn in "$@"; do make_cert "$dir" "$cn" client; done
}

# pki_newkey: openssl req's options for a new key of the type PKI_KEY names (ec or rsa).
pki_newkey() {
    case ${PKI_KEY:-ec} in
        ec) echo "-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
        rsa) echo "-newkey rsa:2048" ;;
        *) fail "PKI_KEY=$PKI_KEY: ec or rsa" ;;
    esac
}

# make_cert DIR CN server|client: one key and certificate signed by DIR/pki/ca.
make_cert() {
    local pki="$1/pki" cn=$2 kind=$3 eku
    [ "$kind" = server ] && eku=serverAuth || eku=clientAuth
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' \
        "$eku" > "$pki/$cn.ext"
    # shellcheck disable=SC2046
    openssl req $(pki_newkey) -nodes -sha256 \
        -keyout "$pki/$cn.key" -out "$pki/$cn.csr" -subj "/CN=$cn" 2>>"$pki/openssl.err" \
        || fail "openssl: key for $cn"
    openssl x509 -req -in "$pki/$cn.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
        -days "${PKI_DAYS:-30}" -sha256 -extfile "$pki/$cn.ext" -out "$pki/$cn.crt" 2>>"$pki/openssl.err" \
        || fail "openssl: certificate for $cn"
    openssl x509 -in "$pki/$cn.crt" -outform DER -out "$pki/$cn.der" || fail "openssl: DER for $cn"
    openssl pkcs8 -topk8 -nocrypt -in "$pki/$cn.key" -out "$pki/$cn.p8" || fail "openssl: PKCS#8 for $cn"
}

# make_cert_dated DIR CN START END: a client key and certificate valid only from START to END
# (YYYYMMDDHHMMSSZ, UTC), signed by DIR/pki/ca: `openssl ca` is what can set both dates.
make_cert_dated() {
    local pki="$1/pki" cn=$2 start=$3 end=$4 ca="$1/pki/ca-dated"
    mkdir -p "$ca/new"
    : > "$ca/index.txt"
    [ -f "$ca/serial" ] || echo 1000 > "$ca/serial"
    cat > "$ca/ca.cnf" <<CNF
[ca]
default_ca = dated
[dated]
database = $ca/index.txt
serial = $ca/serial
new_certs_dir = $ca/new
certificate = $pki/ca.crt
private_key = $pki/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
    # shellcheck disable=SC2046
    openssl req $(pki_newkey) -nodes -sha256 \
        -keyout "$pki/$cn.key" -out "$pki/$cn.csr" -subj "/CN=$cn" 2>>"$pki/openssl.err" \
        || fail "openssl: key for $cn"
    openssl ca -batch -config "$ca/ca.cnf" -extensions ext -startdate "$start" -enddate "$end" \
        -in "$pki/$cn.csr" -out "$pki/$cn.crt" >>"$pki/openssl.err" 2>&1 \
        || fail "openssl ca: dated certificate for $cn"
    openssl x509 -in "$pki/$cn.crt" -outform DER -out "$pki/$cn.der" || fail "openssl: DER for $cn"
    openssl pkcs8 -topk8 -nocrypt -in "$pki/$cn.key" -out "$pki/$cn.p8" || fail "openssl: PKCS#8 for $cn"
}

# cert_expiry DIR CN: the certificate's notAfter as YYYY-MM-DD (what ovpn-token shows as "expires").
cert_expiry() {
    local end
    end=$(openssl x509 -in "$1/pki/$2.crt" -noout -enddate | sed 's/^notAfter=//')
    date -u -d "$end" +%Y-%m-%d
}

# ---------------------------------------------------------------- token

# make_token DIR LABEL PIN [CLIENT_CN...]: a SoftHSM2 token with its own token directory DIR/tokens,
# configured by DIR/softhsm2.conf (exported as SOFTHSM2_CONF). Each client key (from make_pki) goes in
# with its certificate under its own CKA_ID: 45, 46, 47, ... The label may contain any characters:
# it is only ever passed as one argument, never through a shell or a config file.
# TOKEN_REMOVABLE=true marks the slots removable (libcacard, behind the virtual card, wants that).
make_token() {
    local dir=$1 label=$2 pin=$3; shift 3
    scratch_dir_only "$dir"
    mkdir -p "$dir/tokens"
    export SOFTHSM2_CONF="$dir/softhsm2.conf"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = %s\n' \
        "$dir/tokens" "${TOKEN_REMOVABLE:-false}" > "$SOFTHSM2_CONF"
    softhsm2-util --init-token --free --label "$label" --pin "$pin" --so-pin 87654321 \
        >"$dir/token.out" 2>&1 || fail "softhsm2-util --init-token failed"
    local cn id=45
    for cn in "$@"; do
        softhsm2-util --import "$dir/pki/$cn.p8" --token "$label" --label "$cn" --id "$id" --pin "$pin" \
            >>"$dir/token.out" 2>&1 || fail "softhsm2-util --import $cn failed"
        pkcs11-tool --module "$SOFTHSM_LIB" --token-label "$label" --login --pin "$pin" \
            --write-object "$dir/pki/$cn.der" --type cert --id "$id" --label "$cn" \
            >>"$dir/token.out" 2>&1 || fail "pkcs11-tool --write-object $cn failed"
        id=$((id + 1))
    done
}

# ---------------------------------------------------------------- OpenVPN server and client

# start_server DIR PORT: a point-to-point TLS server on 127.0.0.1:PORT over TCP, without a tun device.
# Log: DIR/server.log. Returns once it listens. After a client goes away it listens again (TCP reset ->
# restart), so one server serves several client runs.
start_server() {
    local dir=$1 port=$2 pki="$1/pki"
    cat > "$dir/server.conf" <<EOF
# loopback test server (see tests/lib/testbed.sh)
dev null
proto tcp-server
local 127.0.0.1
port $port
tls-server
ca $pki/ca.crt
cert $pki/server.crt
key $pki/server.key
dh none
ifconfig-noexec
route-noexec
ping 1
ping-restart 10
verb 3
EOF
    "$OPENVPN" --config "$dir/server.conf" >"$dir/server.log" 2>&1 &
    TB_PIDS+=("$!")
    # shellcheck disable=SC2034  # for tests that want to stop or inspect the server
    SERVER_PID=$!
    wait_for "$dir/server.log" "Listening for incoming TCP connection|TCPv4_SERVER link local.*:$port" 15 \
        || fail "openvpn server did not start listening on $port"
    wait_listening "$port" 5
}

# wait_listening PORT [TIMEOUT]: wait until something listens on 127.0.0.1:PORT. After a client goes
# away the server restarts with a 1 s "Restart pause" during which connections are refused; a client
# started then fails, restarts, and OpenVPN asks for the pkcs11-id again. Tests that run a second client
# against the same server call this first.
wait_listening() {
    wait_until "${2:-15}" port_listening "$1" || fail "nothing listens on port $1"
}
port_listening() { [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]; }

# write_client_config DIR PORT [PROVIDER] [FILE]: the client config a user would have: no management
# options (ovpn-token start adds them). Default provider: SoftHSM2. Default file: DIR/client.conf.
write_client_config() {
    local dir=$1 port=$2 provider=${3:-$SOFTHSM_LIB} file=${4:-$1/client.conf}
    cat > "$file" <<EOF
# loopback test client (see tests/lib/testbed.sh)
tls-client
dev null
proto tcp-client
remote 127.0.0.1 $port
nobind
ca $dir/pki/ca.crt
remote-cert-tls server
pkcs11-providers $provider
ifconfig-noexec
route-noexec
ping 1
ping-restart 10
verb 3
EOF
}

# bed_up LABEL PIN CN...: the usual bed in $T: PKI with these client CNs, a token holding them,
# a server on a free port ($PORT) and $T/client.conf (provider: $CLIENT_PROVIDER, default SoftHSM2).
bed_up() {
    local label=$1 pin=$2; shift 2
    make_pki "$T" "$@"
    make_token "$T" "$label" "$pin" "$@"
    PORT=$(free_port)
    start_server "$T" "$PORT"
    write_client_config "$T" "$PORT" "${CLIENT_PROVIDER:-$SOFTHSM_LIB}"
}

# server_log_mark DIR: remember how far the server log is; server_log_since DIR prints what came after.
server_log_mark() { SERVER_LOG_MARK=$(wc -l < "$1/server.log"); }
server_log_since() { tail -n +"$((${SERVER_LOG_MARK:-0} + 1))" "$1/server.log"; }

# ---------------------------------------------------------------- PKCS#11 spy

# use_spy DIR: the client config will use pkcs11-spy (pass $SPY_LIB as PROVIDER to write_client_config);
# it forwards to SoftHSM2 and logs every call in DIR/spy.log. The variables are exported, so
# the pty (tmux server started after this) and openvpn inherit them.
use_spy() {
    [ -n "$SPY_LIB" ] || fail "pkcs11-spy.so not found (package opensc)"
    export PKCS11SPY="$SOFTHSM_LIB"
    export PKCS11SPY_OUTPUT="$1/spy.log"
}

# spy_login_count DIR: how many times C_Login was called.
spy_login_count() {
    [ -f "$1/spy.log" ] || { echo 0; return; }
    grep -Ec '^[0-9]+: C_Login$' "$1/spy.log" || true
}

# spy_pin_count DIR PIN: how many times PIN was given to C_Login. The spy logs it as
#   [in] pPin[ulPinLen] 00007ffea99788c0 / 4
#       00000000  31 31 31 31                                      1111
# (offset, 16 hex byte columns, then the text). Comparing the first ulPinLen characters of the text
# column exactly avoids counting a PIN that is only a prefix of another. Enough for PINs <= 16 bytes.
spy_pin_count() {
    [ -f "$1/spy.log" ] || { echo 0; return; }
    awk -v pin="$2" '
        /^[0-9]+: / { inlogin = ($0 ~ /^[0-9]+: C_Login$/); want = 0; next }
        inlogin && /pPin\[ulPinLen\]/ { len = $NF + 0; want = 1; next }
        want {
            txt = substr($0, 63); sub(/^ +/, "", txt)
            if (substr(txt, 1, len) == pin && len == length(pin)) count++
            want = 0
        }
        END { print count + 0 }
    ' "$1/spy.log"
}

# ---------------------------------------------------------------- a token that acts like a card

# build_flag_shim: $T/flag_shim.so, a PKCS#11 module in front of SoftHSM2 that gives the token
# what SoftHSM2 cannot: lock flags, a card's wrong-PIN error, a PIN pad, removal
# (tests/tools/flag_shim.c says how). Give it to openvpn (pkcs11-providers) and/or ovpn-token.
build_flag_shim() {
    local top
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    [ -f "$T/flag_shim.so" ] && return 0
    cc -shared -fPIC -I/usr/include/p11-kit-1 "$top/tests/tools/flag_shim.c" -o "$T/flag_shim.so" -ldl \
        || fail "cannot build the flag shim"
    export FLAG_SHIM_MODULE=$SOFTHSM_LIB
}

# ---------------------------------------------------------------- pty driver (tmux)

# pty_start CMD...: run CMD in a fresh tmux pty (200x50) on this test's own tmux socket. The exit status
# goes to $T/pty.rc and on screen as "EXIT=N"; the pane then stays so the screen can be read.
# The environment that matters (token, spy, sanitizers) is written into the script explicitly.
pty_start() {
    local script="$T/pty-cmd.sh" v
    # shellcheck disable=SC2016  # the single-quoted lines are for the script, expanded when it runs
    {
        echo '#!/bin/bash'
        for v in SOFTHSM2_CONF PKCS11SPY PKCS11SPY_OUTPUT ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS PATH HOME \
                 XDG_STATE_HOME FLAG_SHIM_MODULE FLAG_SHIM_FILE FLAG_SHIM_LOGIN_ERROR FLAG_SHIM_PINPAD_PIN \
                 FLAG_SHIM_PINPAD_DELAY_MS FLAG_SHIM_ABSENT_FILE FLAG_SHIM_LOGIN_PAUSE_FILE; do
            if [ -n "${!v+x}" ]; then printf 'export %s=%q\n' "$v" "${!v}"; fi
        done
        printf 'cd %q\n' "$T"
        printf '%q ' "$@"; echo
        echo 'rc=$?'
        echo 'echo "EXIT=$rc"'
        # Write then rename: pty_wait_exit must never read a half-written status.
        printf 'echo "$rc" > %q && mv %q %q\n' "$T/pty.rc.tmp" "$T/pty.rc.tmp" "$T/pty.rc"
        echo 'exec sleep 600'
    } > "$script"
    rm -f "$T/pty.rc"
    tmux -L "$TB_TMUX" -f /dev/null new-session -d -s main -x 200 -y 50 "bash $(printf '%q' "$script")" \
        || fail "tmux new-session failed"
    tmux -L "$TB_TMUX" set-option -t main history-limit 5000 >/dev/null 2>&1 || true
}

# pty_screen: the whole screen and scrollback, wrapped lines joined.
pty_screen() {
    tmux -L "$TB_TMUX" capture-pane -p -J -S -2000 -t main 2>/dev/null
}

# pty_poll TIMEOUT CMD...: poll CMD until it succeeds. Gives up early once the command in the pty has
# ended (its screen cannot change any more), so a crash fails a test at once, not after the timeout.
pty_poll() {
    local deadline=$((SECONDS + $1)); shift
    while [ "$SECONDS" -le "$deadline" ]; do
        if "$@"; then return 0; fi
        if [ -f "$T/pty.rc" ]; then
            sleep 0.2   # let the last output reach the screen
            "$@" && return 0
            return 1
        fi
        sleep 0.1
    done
    return 1
}
pty_matches() { pty_screen | grep -Eq -- "$1"; }
pty_has_text() { pty_screen | grep -Fq -- "$1"; }
pty_count_ge() { [ "$(pty_count "$1")" -ge "$2" ]; }

# pty_ended_note: " (ovpn-token exited with status N)" once it has, for failure messages.
pty_ended_note() { [ -f "$T/pty.rc" ] && printf ' (ovpn-token exited with status %s)' "$(cat "$T/pty.rc")"; return 0; }

# pty_wait_screen PATTERN TIMEOUT: wait until the screen matches the extended regex PATTERN.
pty_wait_screen() { pty_poll "$2" pty_matches "$1"; }

# pty_expect PATTERN TIMEOUT [WHAT]: pty_wait_screen or fail.
pty_expect() {
    pty_wait_screen "$1" "$2" || fail "${3:-screen does not show /$1/} (after $2 s)$(pty_ended_note)"
}

# pty_wait_text TEXT TIMEOUT / pty_expect_text TEXT TIMEOUT: the same for a fixed string (for texts
# full of regex characters, like a token label with quotes and a backslash).
pty_wait_text() { pty_poll "$2" pty_has_text "$1"; }
pty_expect_text() {
    pty_wait_text "$1" "$2" || fail "${3:-screen does not show \"$1\"} (after $2 s)$(pty_ended_note)"
}

# pty_wait_count PATTERN N TIMEOUT: wait until at least N screen lines match PATTERN (e.g. the second
# PIN prompt).
pty_wait_count() { pty_poll "$3" pty_count_ge "$1" "$2"; }

# pty_count PATTERN: how many screen lines match.
pty_count() { pty_screen | grep -Ec -- "$1" || true; }

# pty_send_keys KEY...: tmux key names (C-c, Enter, Up, ...).
pty_send_keys() { tmux -L "$TB_TMUX" send-keys -t main "$@"; }

# pty_type TEXT: type TEXT literally, then Enter.
pty_type() {
    tmux -L "$TB_TMUX" send-keys -t main -l -- "$1"
    tmux -L "$TB_TMUX" send-keys -t main Enter
}

# pty_wait_exit TIMEOUT: wait for the command in the pty to end; its status in $PTY_EXIT.
pty_wait_exit() {
    wait_until "$1" test -f "$T/pty.rc" || return 1
    PTY_EXIT=$(cat "$T/pty.rc")
}

# pty_expect_exit CODE TIMEOUT
pty_expect_exit() {
    pty_wait_exit "$2" || fail "ovpn-token did not exit within $2 s"
    [ "$PTY_EXIT" = "$1" ] || fail "exit status $PTY_EXIT, expected $1"
}

# pty_pid: pid of the pane's shell (the command runs as its child).
pty_pid() { tmux -L "$TB_TMUX" display-message -p -t main '#{pane_pid}' 2>/dev/null; }

# pty_stop: end the pty (and what runs in it) before starting another in the same test.
pty_stop() {
    tmux -L "$TB_TMUX" kill-server 2>/dev/null || true
    sleep 0.2
}

# ---------------------------------------------------------------- processes

# openvpn_pid_for CONFIG: pid of an openvpn running with CONFIG on its command line (empty if none).
openvpn_pid_for() {
    local p
    for p in $(pgrep -f -- "$1" 2>/dev/null); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$OPENVPN")" ] && { echo "$p"; return; }
    done
    return 0
}

# pty_openvpn_pid: pid of the openvpn that ovpn-token started in the pty (a descendant of the pane's
# shell), or failing that any openvpn with $T/client.conf on its command line. Empty if none.
pty_openvpn_pid() {
    local p ovpn pane
    ovpn=$(readlink -f "$OPENVPN")
    pane=$(pty_pid) || true
    if [ -n "$pane" ]; then
        for p in $(descendants "$pane"); do
            [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$ovpn" ] && { echo "$p"; return 0; }
        done
    fi
    openvpn_pid_for "$T/client.conf"
}

# proc_args PID: its command line, one argument per line.
proc_args() { tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null; }

# descendants PID: pids of all processes below PID.
descendants() {
    local kids k
    kids=$(pgrep -P "$1" 2>/dev/null) || return 0
    for k in $kids; do echo "$k"; descendants "$k"; done
}
