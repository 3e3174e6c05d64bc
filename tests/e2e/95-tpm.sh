#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 95-tpm: a TPM 2.0 as the token: a software TPM (swtpm) with a key made in it, through
# tpm2-pkcs11 (tests/lib/tpm.sh).
#   a) list: the ids of `openvpn --show-pkcs11-ids`, the token 'tpm' of kind TPM 2.0 (--json too)
#   b) doctor: the token OK with its kind, no pcscd line (a TPM is no smartcard), exit 0
#   c) start in a terminal: the PIN asked for token 'tpm', Connected (OpenVPN signs through
#      the module)
#   d) start --external-key --batch: Connected, the ECDSA signature made by the TPM's key
#   e) wrong PINs from a file: each refused once (exit 6); tpm2-pkcs11 reports no low count, so
#      the TPM's dictionary-attack lockout comes unannounced: after swtpm's 3 failures even the
#      right PIN is refused, exit 10, the token named as locked
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/tpm.sh
. "$(dirname "$0")/../lib/tpm.sh"
tpm_init "$@"
require_ovpn_token

tpm_up 1234 client1
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$TPM_LIB"
printf '%s\n' "$TPM_PIN" >"$T/pin"
chmod 600 "$T/pin"

log "a) list"
"$OVPN_TOKEN" list --provider "$TPM_LIB" >"$T/list.out" 2>&1 || fail "list failed ($?)"
openvpn --show-pkcs11-ids "$TPM_LIB" >"$T/show.out" 2>&1 || fail "openvpn --show-pkcs11-ids failed"
ids_of() { sed -n 's/^ *Serialized id: *//p' "$1" | sort; }
[ -n "$(ids_of "$T/show.out")" ] || { cat "$T/show.out" >&2; fail "openvpn shows no id"; }
[ "$(ids_of "$T/list.out")" = "$(ids_of "$T/show.out")" ] || fail "list ids differ from openvpn --show-pkcs11-ids"
grep -q '^  Token: *tpm$' "$T/list.out" || { cat "$T/list.out" >&2; fail "the token is not 'tpm'"; }
grep -q '^  Kind: *TPM 2.0$' "$T/list.out" || { cat "$T/list.out" >&2; fail "the token is not called a TPM 2.0"; }
grep -q '^  Key: *EC P-256$' "$T/list.out" || fail "the TPM's key is not shown"
"$OVPN_TOKEN" list --json --provider "$TPM_LIB" >"$T/list.json" 2>&1 || fail "list --json failed ($?)"
grep -q '"token_kind": "TPM 2.0"' "$T/list.json" || { cat "$T/list.json" >&2; fail "list --json: no token_kind"; }

log "b) doctor"
rc=0; "$OVPN_TOKEN" doctor "$T/client.conf" >"$T/doctor.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$T/doctor.out" >&2; fail "doctor: exit $rc"; }
grep -q "^OK   token 'tpm' in tpm: PIN ok \[TPM 2.0\]" "$T/doctor.out" || { cat "$T/doctor.out" >&2; fail "doctor: no token line"; }
if grep -q "pcscd" "$T/doctor.out"; then cat "$T/doctor.out" >&2; fail "doctor: a pcscd line for a TPM"; fi

log "c) start in a terminal"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 30
pty_expect_text "PIN for token 'tpm':" 30
pty_type "$TPM_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "c: the server did not verify client1"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

log "d) --external-key"
wait_listening "$PORT" 15
server_log_mark "$T"
"$OVPN_TOKEN" start --batch --external-key --pin-file "$T/pin" --log "$T/xkey.log" "$T/client.conf" \
    </dev/null >"$T/xkey.out" 2>&1 &
xpid=$!
TB_PIDS+=("$xpid")
wait_for "$T/xkey.out" "Connected to 127.0.0.1:$PORT" 40 || { cat "$T/xkey.out" >&2; fail "d: not connected"; }
grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/xkey.log" || fail "d: no signature sent to OpenVPN"
server_log_since "$T" | grep "Control Channel:" | grep -Eq "peer certificate: 256 bits? EC" \
    || fail "d: the server did not see the TPM's EC certificate"
kill "$xpid"
wait_until 20 pid_gone "$xpid" || fail "d: start did not stop"

log "e) wrong PINs: the TPM's dictionary-attack lockout"
printf '9999\n' >"$T/wrong.pin"
chmod 600 "$T/wrong.pin"
for n in 1 2 3; do
    wait_listening "$PORT" 15
    rc=0
    "$OVPN_TOKEN" start --batch --external-key --pin-file "$T/wrong.pin" --log "$T/wrong$n.log" \
        "$T/client.conf" </dev/null >"$T/wrong$n.out" 2>&1 || rc=$?
    [ "$rc" = 6 ] || { cat "$T/wrong$n.out" >&2; fail "e: wrong PIN $n: exit $rc, expected 6"; }
done
wait_listening "$PORT" 15
rc=0
"$OVPN_TOKEN" start --batch --external-key --pin-file "$T/pin" --log "$T/locked.log" "$T/client.conf" \
    </dev/null >"$T/locked.out" 2>&1 || rc=$?
[ "$rc" = 10 ] || { cat "$T/locked.out" >&2; fail "e: the locked TPM: exit $rc, expected 10"; }
grep -q "token 'tpm' is locked" "$T/locked.out" || { cat "$T/locked.out" >&2; fail "e: the lockout is not named"; }
pass
