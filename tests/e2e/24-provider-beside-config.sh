#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 24-provider-beside-config: a config in its own folder names its provider relatively
# (`pkcs11-providers lib/p11.so`), and the folder the user runs ovpn-token from holds a decoy
# of that name, a library whose constructor leaves a marker file. openvpn loads the provider
# from the config's folder; so must list, doctor and start (its provider check and the session):
#   a) list shows the token's certificate, names the config's provider, and the decoy never ran
#   b) doctor says the config's provider loads and finds the token; the decoy never ran
#   c) start (the config named relatively, too) connects; the decoy never ran
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token
command -v cc >/dev/null || { echo "SKIP: no C compiler (cc) to build the decoy"; exit 77; }

PIN=123456
bed_up "Test Token" "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

# The config's folder: its provider is a copy of SoftHSM2 under a relative name.
mkdir -p "$T/vpn/lib" "$T/cwd/lib"
cp "$SOFTHSM_LIB" "$T/vpn/lib/p11.so"
sed -e 's|^pkcs11-providers .*|pkcs11-providers lib/p11.so|' "$T/client.conf" > "$T/vpn/office.ovpn"

# The user's folder: a decoy under the same relative name.
MARK="$T/decoy-ran"
cat > "$T/decoy.c" <<EOF
#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void mark(void)
{
    FILE *f = fopen("$MARK", "a");
    if (f != NULL) {
        fprintf(f, "decoy loaded into pid %ld\n", (long)getpid());
        fclose(f);
    }
}
/* Looks like a PKCS#11 module that fails, so a loader that took it says something. */
long C_GetFunctionList(void **list) { (void)list; return 5; }
EOF
cc -shared -fPIC -o "$T/cwd/lib/p11.so" "$T/decoy.c" || fail "cannot build the decoy"
no_decoy() {
    [ ! -e "$MARK" ] || fail "$1: the decoy in the working folder was loaded: $(cat "$MARK")"
}

log "a) list"
rc=0
(cd "$T/cwd" && "$OVPN_TOKEN" list "$T/vpn/office.ovpn") > "$T/list.out" 2>&1 || rc=$?
no_decoy "a"
[ "$rc" = 0 ] || { cat "$T/list.out" >&2; fail "a: list failed ($rc)"; }
grep -q "Subject: *CN=client1" "$T/list.out" || { cat "$T/list.out" >&2; fail "a: no certificate listed"; }
(cd "$T/cwd" && "$OVPN_TOKEN" list --json ../vpn/office.ovpn) > "$T/list.json" 2>&1 || rc=$?
no_decoy "a"
[ "$rc" = 0 ] || { cat "$T/list.json" >&2; fail "a: list --json failed ($rc)"; }
grep -Fq "\"provider\": \"$T/vpn/lib/p11.so\"" "$T/list.json" \
    || { cat "$T/list.json" >&2; fail "a: list does not name the config's provider"; }

log "b) doctor"
(cd "$T/cwd" && "$OVPN_TOKEN" doctor "$T/vpn/office.ovpn") > "$T/doctor.out" 2>&1 || true
no_decoy "b"
grep -Fq "OK   config names its PKCS#11 provider: $T/vpn/lib/p11.so" "$T/doctor.out" \
    || { cat "$T/doctor.out" >&2; fail "b: doctor does not judge the config's provider"; }
grep -Fq "OK   PKCS#11 provider $T/vpn/lib/p11.so loads" "$T/doctor.out" \
    || { cat "$T/doctor.out" >&2; fail "b: doctor did not load the config's provider"; }
grep -q "^OK   token 'Test Token'" "$T/doctor.out" \
    || { cat "$T/doctor.out" >&2; fail "b: doctor found no token through the config's provider"; }

log "c) start, from the folder with the decoy"
pty_start env -C "$T/cwd" "$OVPN_TOKEN" start --pin-file "$T/pin" ../vpn/office.ovpn
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
no_decoy "c"
pty_send_keys C-c
pty_expect_exit 0 20
no_decoy "c"
pass
