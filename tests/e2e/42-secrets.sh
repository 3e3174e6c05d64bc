#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 42-secrets: while ovpn-token holds the PIN (start, PIN typed, tunnel up, -v), the PIN is in none
# of the places another process or a later reader could find it: ovpn-token's and openvpn's
# command lines and environments, the screen (prompt, -v output of OpenVPN's log lines), the
# OpenVPN log file, any file in the test directory.  Core dumps are off (limit 0 0) and the process
# is not dumpable: a process of the same uid without CAP_SYS_PTRACE cannot read its memory
# or environment (checked against a control process that it can read).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=734921
bed_up "Test Token" "$PIN" client1

# As root, ovpn-token runs without capabilities (same uid, no CAP_SYS_PTRACE), like a user's
# process: then only "not dumpable" can keep a capability-less process of the same uid out.
NOCAP=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    NOCAP=(setpriv --inh-caps=-all --bounding-set=-all --)
fi
pty_start "${NOCAP[@]}" "$OVPN_TOKEN" start -v --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"

# The ovpn-token process: the pane's descendant running $OVPN_TOKEN.
otp=
for p in $(descendants "$(pty_pid)"); do
    if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$OVPN_TOKEN")" ]; then otp=$p; break; fi
done
[ -n "$otp" ] || fail "ovpn-token process not found"
ovp=$(pty_openvpn_pid)
[ -n "$ovp" ] || fail "openvpn process not found"
log "ovpn-token pid $otp, openvpn pid $ovp"

has_pin() { grep -aFq -- "$PIN" "$@" 2>/dev/null; }

for p in "$otp" "$ovp"; do
    what="$(tr '\0' ' ' < "/proc/$p/cmdline" | cut -c1-60)"
    tr '\0' '\n' < "/proc/$p/cmdline" > "$T/cmdline.$p"
    has_pin "$T/cmdline.$p" && fail "the PIN is in the command line of $p ($what)"
    # As root (CAP_SYS_PTRACE) the environment is readable even when the process is not dumpable.
    if tr '\0' '\n' < "/proc/$p/environ" > "$T/environ.$p" 2>/dev/null; then
        has_pin "$T/environ.$p" && fail "the PIN is in the environment of $p ($what)"
    else
        log "(environment of $p not readable here)"
    fi
    rm -f "$T/cmdline.$p" "$T/environ.$p"
done

# Let some -v lines go by (openvpn logs pings and the like), then look at everything shown.
sleep 3
pty_screen > "$T/screen.txt"
grep -q "openvpn: " "$T/screen.txt" || fail "-v shows no OpenVPN log lines (nothing to check)"
has_pin "$T/screen.txt" && fail "the PIN is on the screen"
rm -f "$T/screen.txt"
[ -s "$T/client.log" ] || fail "no OpenVPN log"
has_pin "$T/client.log" && fail "the PIN is in the OpenVPN log"
leaked=$(grep -rlaF -- "$PIN" "$T" 2>/dev/null | grep -v '/tokens/' || true)
[ -z "$leaked" ] || fail "the PIN is in: $leaked"

# No core dumps: soft and hard limit 0.
grep -Eq '^Max core file size +0 +0 ' "/proc/$otp/limits" \
    || fail "core dumps not disabled: $(grep 'Max core' "/proc/$otp/limits")"

# Not dumpable: without CAP_SYS_PTRACE, a process of the same uid may read a dumpable process's
# environ and memory (control: a capability-less sleep) but not ovpn-token's.
if command -v setpriv >/dev/null; then
    nocap() { if [ "$(id -u)" = 0 ]; then setpriv --inh-caps=-all --bounding-set=-all -- "$@"; else "$@"; fi; }
    # first_rw PID: start address (hex) of PID's first writable private mapping, as this shell
    # reads /proc/PID/maps (as root it may; as a user it may not for a non-dumpable process).
    first_rw() { awk '$2 ~ /^rw.p/ { split($1, a, "-"); print a[1]; exit }' "/proc/$1/maps" 2>/dev/null; }
    # mem_probe PID: a capability-less process of our uid reads 16 bytes of PID's memory at a
    # mapped address. Prints "readable", "unreadable", or "no-maps" (the address is not known).
    mem_probe() {
        local addr n
        addr=$(first_rw "$1")
        [ -n "$addr" ] || { echo no-maps; return 0; }
        n=$(nocap dd if="/proc/$1/mem" bs=16 count=1 iflag=skip_bytes skip=$((16#$addr)) 2>/dev/null | wc -c)
        if [ "$n" -eq 16 ]; then echo readable; else echo unreadable; fi
    }
    # Not through the function: $! must be the sleep itself, not a subshell.
    if [ "$(id -u)" = 0 ]; then
        setpriv --inh-caps=-all --bounding-set=-all -- sleep 30 &
    else
        sleep 30 &
    fi
    ctl=$!
    TB_PIDS+=("$ctl")
    sleep 0.2
    nocap cat "/proc/$ctl/environ" >/dev/null 2>&1 \
        || fail "control: a same-uid process cannot read a dumpable process (check broken)"
    ctl_mem=$(mem_probe "$ctl")
    [ "$ctl_mem" = readable ] \
        || fail "control: a same-uid process cannot read a dumpable process's memory ($ctl_mem; check broken)"
    kill "$ctl" 2>/dev/null || true
    if nocap cat "/proc/$otp/environ" >/dev/null 2>&1; then
        fail "ovpn-token is dumpable: a same-uid process read its /proc/PID/environ"
    fi
    otp_mem=$(mem_probe "$otp")
    case $otp_mem in
        readable) fail "a same-uid process read ovpn-token's memory (/proc/$otp/mem)" ;;
        no-maps)
            # Only as a user: this shell is itself a same-uid process without CAP_SYS_PTRACE.
            [ "$(id -u)" != 0 ] || fail "cannot read /proc/$otp/maps as root"
            log "(ovpn-token's maps are not readable by its own uid: not dumpable)" ;;
    esac
    pid_alive "$otp" || fail "ovpn-token ended during the memory check (nothing was checked)"
else
    log "(setpriv missing: the dumpable check is skipped)"
fi

pty_send_keys C-c
pty_expect_exit 0 20
has_pin "$T/client.log" && fail "the PIN is in the OpenVPN log (after stop)"
pty_screen | grep -aFq -- "$PIN" && fail "the PIN is on the screen (after stop)"
pass
