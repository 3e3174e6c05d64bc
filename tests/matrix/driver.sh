#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The fault matrix's driver (issue 25): drives ovpn-token into a state, injects one fault there,
# and checks the same invariants in every cell; then prints the matrix as a table.
#   tests/matrix/driver.sh [subset|full] [CELL-ID-PATTERN...]
# Needs OVPN_TOKEN (and OPENVPN, as tests/run-e2e.sh sets it). The cells are defined in
# tests/matrix/cells-*.sh: each file calls `cell ID MODE INPUT STATE FAULT SET SEAM` once per cell
# and defines the cell's own expectation as a function (see cells-session.sh). Each cell runs as
# a process of its own with a fresh bed (tests/lib/testbed.sh): PKI, token, server.
#
# Invariants checked in every cell (issue 25's letters; a cell says which do not apply and why):
#   (a) a PIN is called refused only when the token said so: no "refused the PIN" / "PIN was
#       rejected" on screen unless the cell's fault is a wrong PIN
#   (b) a card out means the tunnel down and the status file saying TOKEN_REMOVED (within 1 s
#       behind a PC/SC reader; SoftHSM2 behind the flag shim has no reader: a look every 2 s,
#       so 3 s here)
#   (c) every process ends within a bound after it is asked to (SIGTERM: 12 s)
#   (e) nothing is left behind: no openvpn of the cell's, no management run folder
#   (f) the next start works without an administrator (start --batch --pin-file: Connected)
#   (g) the message names the cause that really happened (the cell's own expectation)
# (d) is the served tunnel's: tests/matrix/cells-served.sh (run-served-cell.sh); the real card
# stack's cells (pcscd's faults, the reader's events) are in cells-pcsc.sh (run-sc-cell.sh).
# A cell listed in tests/matrix/known-failing ("ID seam N") is reported as "known (seam N, other
# branch)" and does not fail the run; one listed there that passes is reported "known-passes".
# Prints one line per cell (MATRIX ID RESULT DETAIL), then the table; exit 1 when a cell failed.
# MATRIX_JOBS: cells at a time (default 2).
set -u
MATRIX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MATRIX_SET=${1:-subset}
export MATRIX_SET
shift || true
MATRIX_PATTERNS=("$@")

CELLS=()              # "ID|MODE|INPUT|STATE|FAULT|SET|SEAM"
cell() {
    local IFS='|'
    CELLS+=("$*")
}
for f in "$MATRIX_DIR"/cells-*.sh; do
    # shellcheck disable=SC1090
    . "$f"
done

# selected ID SET: in this run's set (subset cells run in full too) and pattern.
selected() {
    local p
    [ "$MATRIX_SET" = full ] || [ "$2" = subset ] || return 1
    [ ${#MATRIX_PATTERNS[@]} -eq 0 ] && return 0
    for p in "${MATRIX_PATTERNS[@]}"; do case $1 in *"$p"*) return 0 ;; esac; done
    return 1
}

known_seam() { sed -n "s/^$(printf '%s' "$1" | sed 's/[][\/.*^$]/\\&/g') seam \([0-9]*\).*/\1/p" "$MATRIX_DIR/known-failing" 2>/dev/null | head -n 1; }

results=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$results" "$work"' EXIT
failed=0
start_all=$SECONDS

# run_cell N ID MODE INPUT STATE FAULT: one cell, its output in $work/N.out, its status in $work/N.rc.
run_cell() {
    local n=$1 id=$2 mode=$3 input=$4 state=$5 fault=$6 runner t0=$SECONDS rc
    if [ "$mode" = connect ]; then
        runner=("$MATRIX_DIR/run-served-cell.sh" "$id" "$state" "$fault")
    elif [ "${mode#sc-}" != "$mode" ]; then
        runner=("$MATRIX_DIR/run-sc-cell.sh" "$id" "${mode#sc-}" "$input" "$state" "$fault")
    else
        runner=("$MATRIX_DIR/run-cell.sh" "$id" "$mode" "$input" "$state" "$fault")
    fi
    timeout -k 10 "${MATRIX_CELL_TIMEOUT:-180}" bash "${runner[@]}" >"$work/$n.out" 2>&1
    rc=$?
    echo "$rc $((SECONDS - t0))" >"$work/$n.rc"
}

# The cells run MATRIX_JOBS at a time (default 2): a cell mostly waits for openvpn, the server or
# a timer, and each has its own folder, ports, tmux socket and namespaces (the served ones take
# serve.sh's lock one at a time).
jobs_max=${MATRIX_JOBS:-2}
selected_cells=()
for c in "${CELLS[@]}"; do
    IFS='|' read -r id mode input state fault set seam <<<"$c"
    selected "$id" "$set" && selected_cells+=("$c")
done
running=0
for n in "${!selected_cells[@]}"; do
    IFS='|' read -r id mode input state fault set seam <<<"${selected_cells[$n]}"
    if [ "$running" -ge "$jobs_max" ]; then wait -n; running=$((running - 1)); fi
    run_cell "$n" "$id" "$mode" "$input" "$state" "$fault" &
    running=$((running + 1))
done
wait

for n in "${!selected_cells[@]}"; do
    IFS='|' read -r id mode input state fault set seam <<<"${selected_cells[$n]}"
    out=$work/$n.out
    read -r rc dur <"$work/$n.rc" || { rc=1; dur=0; }
    ks=$(known_seam "$id")
    case $rc in
        0) res=pass; detail=$(sed -n 's/^CELL-NOTE: //p' "$out" | tr '\n' ' ') ;;
        77) res=n/a; detail=$(sed -n 's/^\(CELL-NA\|SKIP\): *//p' "$out" | head -n 1) ;;
        *) res=fail; detail=$(sed -n 's/.*FAIL: //p' "$out" | head -n 1)
           [ "$rc" = 124 ] && detail="cell timed out; $detail" ;;
    esac
    if [ -n "$ks" ]; then
        if [ "$res" = fail ]; then res="known"; detail="seam $ks, other branch: $detail"
        elif [ "$res" = pass ]; then res="known-passes"; detail="seam $ks: remove it from known-failing"; fi
    fi
    if [ "$res" = fail ]; then
        failed=$((failed + 1))
        sed 's/^/    | /' "$out"
    fi
    echo "MATRIX $id $res (${dur}s) $detail"
    printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$id" "$mode" "$input" "$state" "$fault" "$seam" "$res" "$detail" >>"$results"
done

echo
echo "Fault matrix ($MATRIX_SET, openvpn ${OPENVPN_VERSION:-?}): $(wc -l <"$results") cells in $((SECONDS - start_all)) s"
printf '| %-34s | %-6s | %-5s | %-18s | %-14s | %-4s | %-12s | %s\n' cell mode input state fault seam result "why / note"
printf '|%s|\n' "------------------------------------|--------|-------|--------------------|----------------|------|--------------|-----------"
while IFS='|' read -r id mode input state fault seam res detail; do
    printf '| %-34s | %-6s | %-5s | %-18s | %-14s | %-4s | %-12s | %s\n' "$id" "$mode" "$input" "$state" "$fault" "$seam" "$res" "$detail"
done <"$results"
echo "$failed failed"
[ "$failed" = 0 ]
