#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 18-config-refusals: configs and options that cannot work are refused before openvpn starts, with a
# message that names the cause and a defined exit code; `doctor` names the same lines.
#   a) `daemon` (openvpn would fork away and wait for a hold release forever)      -> 2, line named
#   b) /dev/zero, a FIFO, a directory, a 2 MiB file (bounded, never read forever)  -> 2, quickly
#   c) `pkcs11-id` in the config together with --cert                              -> 2, line named
#   d) a provider that does not exist, and one that is not PKCS#11 (libz)          -> 12, no openvpn
#   e) --log in a folder that does not exist                                       -> 2, log named
#   f) `askpass` without a file: a warning that names the line, then the login works as usual
#   g) --cert "" (would match every certificate)                                   -> 2
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1

# refused NAME CODE REGEX CMD...: exit CODE within 15 s, REGEX on screen, no PIN asked, no openvpn left.
refused() {
    local name=$1 want=$2 re=$3; shift 3
    log "$name"
    pty_start "$@"
    pty_expect_exit "$want" 15
    pty_expect "$re" 2 "$name: the message does not name the cause"
    if pty_screen | grep -Fq "PIN for token"; then fail "$name: a PIN was asked"; fi
    [ -z "$(pty_openvpn_pid)" ] || fail "$name: an openvpn is running"
    pty_stop
}

cp "$T/client.conf" "$T/daemon.conf"
echo "daemon" >> "$T/daemon.conf"
line=$(grep -n '^daemon' "$T/daemon.conf" | cut -d: -f1)
refused "a) daemon" 2 "daemon.conf line $line: 'daemon'" "$OVPN_TOKEN" start "$T/daemon.conf"
[ -z "$(pgrep -f -- "$T/daemon.conf" || true)" ] || fail "a) an openvpn with daemon.conf is running"

refused "b) /dev/zero" 2 "/dev/zero is not a regular file" "$OVPN_TOKEN" start /dev/zero
mkfifo "$T/fifo.conf"
refused "b) a FIFO" 2 "fifo.conf is not a regular file" "$OVPN_TOKEN" start "$T/fifo.conf"
mkdir "$T/confdir"
refused "b) a directory" 2 "confdir is a directory, not a config file" "$OVPN_TOKEN" start "$T/confdir"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' '#' > "$T/huge.conf"
refused "b) 2 MiB" 2 "larger than any OpenVPN config" "$OVPN_TOKEN" start "$T/huge.conf"
refused "b) doctor /dev/zero" 11 "/dev/zero is not a regular file" "$OVPN_TOKEN" doctor /dev/zero

id=$("$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["certificates"][0]["pkcs11_id"])')
[ -n "$id" ] || fail "c) no id from list --json"
cp "$T/client.conf" "$T/fixed-id.conf"
printf "pkcs11-id '%s'\n" "$id" >> "$T/fixed-id.conf"
line=$(grep -n '^pkcs11-id ' "$T/fixed-id.conf" | cut -d: -f1)
refused "c) pkcs11-id and --cert" 2 "fixed-id.conf line $line: 'pkcs11-id' fixes the certificate, so --cert cannot choose one" \
    "$OVPN_TOKEN" start --cert client1 "$T/fixed-id.conf"

sed "s|^pkcs11-providers .*|pkcs11-providers $T/nonexistent-pkcs11.so|" "$T/client.conf" > "$T/noprov.conf"
refused "d) missing provider" 12 "PKCS#11 provider '$T/nonexistent-pkcs11.so' .*cannot be used" \
    "$OVPN_TOKEN" start "$T/noprov.conf"
libz=$(ls /usr/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libz.so.1 2>/dev/null | head -n 1)
[ -n "$libz" ] || fail "d) no libz.so.1 to use as a non-PKCS#11 library"
sed "s|^pkcs11-providers .*|pkcs11-providers $libz|" "$T/client.conf" > "$T/libz.conf"
refused "d) not a PKCS#11 module" 12 "PKCS#11 provider '$libz' .*cannot be used" \
    "$OVPN_TOKEN" start "$T/libz.conf"

refused "e) unwritable --log" 2 "cannot write the log file $T/no/such/dir/x.log" \
    "$OVPN_TOKEN" start --log "$T/no/such/dir/x.log" "$T/client.conf"

refused "g) --cert ''" 2 "--cert needs a non-empty PATTERN" "$OVPN_TOKEN" start --cert "" "$T/client.conf"

log "f) askpass"
cp "$T/client.conf" "$T/askpass.conf"
echo "askpass" >> "$T/askpass.conf"
line=$(grep -n '^askpass' "$T/askpass.conf" | cut -d: -f1)
pty_start "$OVPN_TOKEN" start --log "$T/askpass.log" "$T/askpass.conf"
pty_expect "askpass.conf line $line: 'askpass'" 15 "f) no warning naming the askpass line"
pty_stop

log "doctor names the same lines"
cat "$T/client.conf" > "$T/all.conf"
printf 'daemon\naskpass\n' >> "$T/all.conf"
"$OVPN_TOKEN" doctor --provider "$SOFTHSM_LIB" "$T/all.conf" > "$T/doctor.out" 2>&1 && fail "doctor passed a config with daemon"
grep -E "FAIL.*line $(grep -n '^daemon' "$T/all.conf" | cut -d: -f1).*daemon" "$T/doctor.out" >/dev/null \
    || { cat "$T/doctor.out" >&2; fail "doctor does not name the daemon line"; }
grep -E "WARN.*line $(grep -n '^askpass' "$T/all.conf" | cut -d: -f1).*askpass" "$T/doctor.out" >/dev/null \
    || { cat "$T/doctor.out" >&2; fail "doctor does not name the askpass line"; }
pass
