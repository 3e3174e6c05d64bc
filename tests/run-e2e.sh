#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Run every end-to-end test (tests/e2e/*.sh) against the ovpn-token binary in $OVPN_TOKEN.
#   OVPN_TOKEN=/abs/path/ovpn-token tests/run-e2e.sh [PATTERN...]
#   OVPN_TOKEN=... OPENVPN=/path/to/openvpn tests/run-e2e.sh        one other openvpn
#   OVPN_TOKEN=... OPENVPNS="openvpn build/openvpn-2.7/sbin/openvpn" tests/run-e2e.sh
# PATTERN: run only the tests whose file name contains it (e.g. 03 or wrong-pin).
# OPENVPNS: the whole selection runs once per openvpn listed (default: $OPENVPN, else openvpn
# from PATH); each test uses that openvpn for client and server (tests/lib/testbed.sh). One that
# is not there is one SKIP line, with the reason from DIR.skip when its DIR/sbin/openvpn has one
# (tools/build-openvpn writes it).
# Prints PASS, FAIL or SKIP (exit 77) per test and openvpn version, the output of a failing one,
# and ends with "N passed, M failed, K skipped" over all runs.
# Each test gets a hard time limit (E2E_TIMEOUT seconds, default 120, or its own "# e2e-timeout:
# N"; E2E_LIMIT overrides both), so the run never hangs.
# With two or more openvpns their runs go side by side (a test mostly waits for openvpn, the
# server or a timer, so two share two cores well; tests take what is machine-wide at random or
# in namespaces of their own); each test's lines are printed whole. E2E_SERIAL=1: one by one.
set -u

here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${E2E_TIMEOUT:-120}

if [ -z "${OVPN_TOKEN:-}" ]; then
    echo "run-e2e.sh: set OVPN_TOKEN to the ovpn-token binary" >&2
    exit 2
fi
case $OVPN_TOKEN in
    /*) ;;
    *) OVPN_TOKEN=$(cd "$(dirname "$OVPN_TOKEN")" && pwd)/$(basename "$OVPN_TOKEN") ;;
esac
export OVPN_TOKEN

for tool in openvpn softhsm2-util pkcs11-tool openssl tmux ss; do
    command -v "$tool" >/dev/null || { echo "run-e2e.sh: $tool not found (make deps)" >&2; exit 2; }
done

passed=0 failed=0 skipped=0 failed_names=
suites=() counts_files=()

# run_suite: every selected test against $OPENVPN (version $OPENVPN_VERSION).
run_suite() {
    local t name sel p out start limit rc dur why tag="[openvpn $OPENVPN_VERSION]"
    for t in "$here"/e2e/*.sh; do
        name=$(basename "$t" .sh)
        if [ $# -gt 0 ]; then
            sel=0
            for p in "$@"; do case $name in *"$p"*) sel=1 ;; esac; done
            [ "$sel" = 1 ] || continue
        fi
        out=$(mktemp)
        start=$SECONDS
        # A long test (a soak) names its own limit in a "# e2e-timeout: N" line.
        limit=$(sed -n 's/^# e2e-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
        limit=${limit:-$timeout_s}
        # E2E_LIMIT: one limit for every test of this run (make soak: the whole fault matrix).
        limit=${E2E_LIMIT:-$limit}
        # -k: if the test ignores SIGTERM (it should not), KILL it 10 s later.
        timeout -k 10 "$limit" bash "$t" >"$out" 2>&1
        rc=$?
        dur=$((SECONDS - start))
        if [ "$rc" = 0 ]; then
            {
                echo "PASS $name $tag (${dur}s)"
                # A part a test could not run here is said, not hidden.
                grep -hE '(XFAIL|XPASS|SKIP)' "$out" | sed 's/^/    | /' || true
            } | say
            passed=$((passed + 1))
        elif [ "$rc" = 77 ]; then
            echo "SKIP $name $tag ($(grep -h -m1 'SKIP' "$out" | sed 's/.*SKIP:* *//'))" | say
            skipped=$((skipped + 1))
        else
            [ "$rc" = 124 ] && why="timed out after ${limit}s" || why="exit $rc"
            { echo "FAIL $name $tag ($why, ${dur}s)"; sed 's/^/    | /' "$out"; } | say
            failed=$((failed + 1))
            failed_names="$failed_names ${name}[$OPENVPN_VERSION]"
        fi
        rm -f "$out"
    done
}

# say: stdin to stdout in one piece, never between the lines of another run's test.
say_lock=$(mktemp)
trap 'rm -f "$say_lock"' EXIT
say() {
    local text
    text=$(cat)
    (
        flock 9
        printf '%s\n' "$text"
    ) 9>>"$say_lock"
}

for OPENVPN in ${OPENVPNS:-${OPENVPN:-openvpn}}; do
    case $OPENVPN in
        /*) ;;
        */*) OPENVPN=$PWD/$OPENVPN ;;
        *) OPENVPN=$(command -v "$OPENVPN") || OPENVPN=/nonexistent/openvpn ;;
    esac
    label=$(basename "$(dirname "$(dirname "$OPENVPN")")")
    case $label in openvpn-*) label="openvpn ${label#openvpn-}" ;; *) label="openvpn $OPENVPN" ;; esac
    if [ ! -x "$OPENVPN" ]; then
        reason="$OPENVPN not found"
        skipfile=$(dirname "$(dirname "$OPENVPN")").skip
        [ -f "$skipfile" ] && reason=$(head -n 1 "$skipfile")
        echo "SKIP $label ($reason)"
        skipped=$((skipped + 1))
        continue
    fi
    OPENVPN_VERSION=$("$OPENVPN" --version 2>/dev/null | sed -n '1s/^OpenVPN \([^ ]*\) .*/\1/p')
    if [ -z "$OPENVPN_VERSION" ]; then
        echo "FAIL $label ($OPENVPN --version shows no version)"
        failed=$((failed + 1))
        failed_names="$failed_names $label"
        continue
    fi
    export OPENVPN OPENVPN_VERSION
    if [ "${E2E_SERIAL:-0}" = 1 ]; then
        run_suite "$@"
    else
        # In the background; its counts come back in a file of its own.
        counts=$(mktemp)
        counts_files+=("$counts")
        (
            passed=0 failed=0 skipped=0 failed_names=
            run_suite "$@"
            printf '%s\n%s\n%s\n%s\n' "$passed" "$failed" "$skipped" "$failed_names" >"$counts"
        ) &
        suites+=("$!")
    fi
done

for pid in "${suites[@]}"; do wait "$pid"; done
for counts in "${counts_files[@]}"; do
    { read -r p; read -r f; read -r k; IFS= read -r names; } <"$counts" || { p=0 f=1 k=0 names=" (a run ended early)"; }
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
    failed_names="$failed_names$names"
    rm -f "$counts"
done

[ "$failed" = 0 ] || echo "failed:$failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
