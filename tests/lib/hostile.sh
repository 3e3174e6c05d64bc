# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034  # FAKE_ADDR, FAKE_PID, RUN_SECS are for the tests that source this
# Helpers for tests that put ovpn-token in front of the scripted fake management server
# (tests/lib/fake_mgmt.py) instead of a real OpenVPN.  Source after testbed.sh and tb_init.
#
#   fake_start NAME SCENARIO [fake_mgmt.py serve options]   -> $FAKE_ADDR, $FAKE_PID, $FAKE_REC
#   fake_start_unix NAME SCENARIO PATH [options]            -> the same on a unix socket
#   run_bounded NAME SECONDS CMD...    -> $RUN_RC; output in $T/NAME.out and $T/NAME.err
#   expect_no_sanitizer NAME           -> fails when ASan/UBSan/LSan reported anything
#   fake_check NAME [fake_mgmt.py check options]
#   xfail_begin/xfail_end              -> scenarios known to fail, reported visibly (see below)

FAKE_MGMT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fake_mgmt.py

require_python() {
    command -v python3 >/dev/null || fail "python3 not found (it runs tests/lib/fake_mgmt.py)"
}

# fake_start NAME SCENARIO [OPTIONS]: the fake on a free TCP port of 127.0.0.1, serving one client.
fake_start() {
    local name=$1 scenario=$2; shift 2
    local port
    port=$(free_port)
    _fake_launch "$name" "$scenario" "tcp:127.0.0.1:$port" "" "$@"
    FAKE_ADDR="127.0.0.1:$port"
}

# fake_start_unix NAME SCENARIO PATH [OPTIONS]: the same on a unix socket.  FAKE_AS=USER runs the
# fake as that user (root only), to plant a listener that belongs to someone else.
fake_start_unix() {
    local name=$1 scenario=$2 path=$3; shift 3
    _fake_launch "$name" "$scenario" "unix:$path" "${FAKE_AS:-}" "$@"
    FAKE_ADDR=$path
}

_fake_launch() {
    local name=$1 scenario=$2 listen=$3 as=$4; shift 4
    local dir=$T
    FAKE_REC="$dir/$name.rec"
    rm -f "$dir/$name.ready" "$FAKE_REC"
    local cmd=(python3 "$FAKE_MGMT" serve --listen "$listen" --scenario "$scenario"
               --record "$FAKE_REC" --ready "$dir/$name.ready" "$@")
    if [ -n "$as" ]; then
        # Its files go in a directory that user can write; the script is copied there too.
        dir="$T/foreign"
        mkdir -p "$dir"; chmod 0777 "$dir"; chmod 0711 "$T"
        cp "$FAKE_MGMT" "$dir/fake_mgmt.py"; chmod 0644 "$dir/fake_mgmt.py"
        FAKE_REC="$dir/$name.rec"
        # The system's python3: a per-user one (pyenv under /root) is not reachable for $as.
        local py=/usr/bin/python3
        [ -x "$py" ] || py=$(command -v python3)
        cmd=(setpriv --reuid="$as" --regid="$(id -g "$as")" --clear-groups --
             "$py" "$dir/fake_mgmt.py" serve --listen "$listen" --scenario "$scenario"
             --record "$FAKE_REC" --ready "$dir/$name.ready" "$@")
    fi
    "${cmd[@]}" >"$T/$name.fake.err" 2>&1 &
    TB_PIDS+=("$!")
    FAKE_PID=$!
    wait_until 10 test -f "$dir/$name.ready" || fail "fake server ($scenario) did not start"
}

# run_bounded NAME SECONDS CMD...: runs CMD with no terminal, killed after SECONDS.  A hang fails
# the scenario; the exit status goes to $RUN_RC, the time taken (s) to $RUN_SECS.
run_bounded() {
    local name=$1 secs=$2; shift 2
    local start=$SECONDS
    set +e
    timeout -k 5 "$secs" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
    RUN_RC=$?
    set -e
    RUN_SECS=$((SECONDS - start))
    case $RUN_RC in 124 | 137) fail "$name: still running after $secs s (hang)" ;; esac
    expect_no_sanitizer "$name"
}

# A sanitizer report anywhere in the output is a crash, whatever the exit status says.
expect_no_sanitizer() {
    if grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' \
        "$T/$1.err" "$T/$1.out" 2>/dev/null; then
        sed -n '1,40p' "$T/$1.err" >&2
        fail "$1: sanitizer report (see above)"
    fi
}

# expect_rc NAME CODE [WHY]
expect_rc() {
    [ "$RUN_RC" = "$2" ] || fail "$1: exit status $RUN_RC, expected $2${3:+ ($3)}"
}

# fake_check NAME OPTIONS...: what the fake received, checked by fake_mgmt.py check.
fake_check() {
    local name=$1; shift
    python3 "$FAKE_MGMT" check --record "$FAKE_REC" "$@" 2>"$T/$name.check.err" \
        || { cat "$T/$name.check.err" >&2; fail "$name: what ovpn-token sent is wrong"; }
}

# ---------------------------------------------------------------- expected failures
# A scenario that shows a known, reported bug runs as usual, but in a subshell: its failure is
# printed as XFAIL with the reason (visible in the test output) and does not fail the test.
# When it passes, it prints XPASS and fails the test, so the mark is removed once fixed.
#
#   scenario NAME FUNCTION                run FUNCTION; a failure fails the test
#   scenario_xfail NAME REASON FUNCTION   the same, expected to fail for REASON
SCENARIO_FAILED=()
SCENARIO_XFAIL=()
SCENARIO_XPASS=()

scenario() {
    local name=$1 fn=$2
    log "--- $name"
    if ( "$fn" ); then
        log "    $name: ok"
    else
        SCENARIO_FAILED+=("$name")
        log "    $name: FAILED"
    fi
}

scenario_xfail() {
    local name=$1 reason=$2 fn=$3
    log "--- $name (expected to fail: $reason)"
    if ( "$fn" ) >"$T/$name.xfail.log" 2>&1; then
        SCENARIO_XPASS+=("$name")
        log "    XPASS $name: it passes now; remove its expected-failure mark"
    else
        SCENARIO_XFAIL+=("$name")
        log "    XFAIL $name: $reason"
        grep -m 1 'FAIL:' "$T/$name.xfail.log" | sed 's/^/    | /' >&2 || true
    fi
}

# scenarios_done: one summary line; fails the test when a scenario failed or passed unexpectedly.
scenarios_done() {
    log "scenarios: ${#SCENARIO_FAILED[@]} failed, ${#SCENARIO_XFAIL[@]} expected failures${SCENARIO_XFAIL[*]:+ (${SCENARIO_XFAIL[*]})}, ${#SCENARIO_XPASS[@]} unexpected passes"
    [ "${#SCENARIO_FAILED[@]}" = 0 ] || fail "failed: ${SCENARIO_FAILED[*]}"
    [ "${#SCENARIO_XPASS[@]}" = 0 ] || fail "passed but marked expected-to-fail: ${SCENARIO_XPASS[*]}"
    pass
}
