#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 88-status-cert-expiry: the status file names the certificate in use, and `status` warns when it
# expires within 30 days, with the renewal hint, as list and doctor do (issue 31).  One token
# holds two certificates: near (20 days left) and far (400 days).
#   a) start --cert near (pkcs11-helper's id): the status file has cert_subject, cert_not_after,
#      cert_token, cert_id; `status` shows "certificate 'CN=near' EXPIRES SOON (...) -- hint:
#      get it renewed (ovpn-token enroll --renew)" under the tunnel's line; --json says
#      expires_soon and the warning
#   b) start --external-key --cert far (the certificate ovpn-token sends): the status file names
#      far; `status` shows no warning, --json expires_soon false, warning null
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
PKI_DAYS=20 make_pki "$T" near
PKI_DAYS=400 make_cert "$T" far client
make_token "$T" "Test Token" "$PIN" near far
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
install -m 0600 /dev/null "$T/pin" && echo "$PIN" > "$T/pin"
near_end=$(openssl x509 -in "$T/pki/near.crt" -noout -enddate | sed 's/^notAfter=//')
near_iso=$(date -u -d "$near_end" +%Y-%m-%dT%H:%M:%SZ)
near_shown=$(date -u -d "$near_end" '+%Y-%m-%d %H:%M:%S')

# run NAME [OPTION...]: start in the background until it is connected; its pid in RUN_PID.
run() {
    local name=$1; shift
    "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --status-file "$T/status-$name" "$@" \
        "$T/client.conf" > "$T/$name.out" 2>&1 &
    RUN_PID=$!
    TB_PIDS+=("$RUN_PID")
    wait_for "$T/$name.out" "Connected to 127.0.0.1:$PORT" 40 || fail "$name did not connect: $(cat "$T/$name.out")"
    # The status file is written at CONNECTED, after the line above: wait for it.
    wait_for "$T/status-$name" "^state=CONNECTED" 10 || fail "$name: no state=CONNECTED: $(cat "$T/status-$name")"
}
stop() {
    kill -TERM "$RUN_PID"
    wait_until 20 pid_gone "$RUN_PID" || fail "ovpn-token $RUN_PID did not end"
    wait_listening "$PORT"
}
# Root's own start tunnels of other tests on this machine are listed too: ours is RUN_PID's.
json_cert() { # FILE PYTHON-ASSERTIONS ON c (our tunnel's certificate)
    python3 - "$1" "$RUN_PID" "$2" <<'PY'
import json, sys
tunnels = [t for t in json.load(open(sys.argv[1])) if t["pid"] == int(sys.argv[2])]
assert len(tunnels) == 1 and tunnels[0]["kind"] == "start", tunnels
c = tunnels[0]["certificate"]
exec(sys.argv[3])
PY
}
# ours FILE: our tunnel's line in status's text and the line under it.
ours() { grep -A1 -E "^client +[A-Z_]+ +yours: ovpn-token start \(pid $RUN_PID\)" "$1" || true; }

log "a) near: the status file names it, status warns with the renewal hint"
run near --cert near
grep -qx "cert_subject=CN=near" "$T/status-near" || fail "a: no cert_subject: $(cat "$T/status-near")"
grep -qx "cert_not_after=$near_iso" "$T/status-near" || fail "a: no cert_not_after=$near_iso: $(cat "$T/status-near")"
grep -qx "cert_token=Test Token" "$T/status-near" || fail "a: no cert_token: $(cat "$T/status-near")"
# pkcs11-helper's serialized id: the token's label escaped, then near's CKA_ID (45).
grep -q '^cert_id=.*/Test\\x20Token/45$' "$T/status-near" || fail "a: no cert_id: $(cat "$T/status-near")"
"$OVPN_TOKEN" status > "$T/status-a.out" 2>&1 || fail "a: status: $(cat "$T/status-a.out")"
ours "$T/status-a.out" > "$T/ours-a.out"
grep -Eq "^client +CONNECTED +yours: ovpn-token start" "$T/ours-a.out" \
    || fail "a: the tunnel is not listed: $(cat "$T/status-a.out")"
grep -Fxq "  certificate 'CN=near' EXPIRES SOON ($near_shown UTC) -- hint: get it renewed (ovpn-token enroll --renew)" \
    "$T/ours-a.out" || fail "a: no expiry warning: $(cat "$T/status-a.out")"
"$OVPN_TOKEN" status --json > "$T/status-a.json" 2>&1 || fail "a: status --json"
json_cert "$T/status-a.json" '
assert c["subject"] == "CN=near" and c["token"] == "Test Token", c
assert c["expires_soon"] is True and c["expired"] is False, c
assert "ovpn-token enroll --renew" in c["warning"], c' || fail "a: status --json: $(cat "$T/status-a.json")"
stop

log "b) far, sent by --external-key: named, no warning"
run far --external-key --cert far
grep -qx "cert_subject=CN=far" "$T/status-far" || fail "b: no cert_subject: $(cat "$T/status-far")"
grep -q "^cert_not_after=" "$T/status-far" || fail "b: no cert_not_after: $(cat "$T/status-far")"
"$OVPN_TOKEN" status > "$T/status-b.out" 2>&1 || fail "b: status: $(cat "$T/status-b.out")"
ours "$T/status-b.out" > "$T/ours-b.out"
grep -Eq "^client +CONNECTED +yours: ovpn-token start" "$T/ours-b.out" \
    || fail "b: the tunnel is not listed: $(cat "$T/status-b.out")"
grep -q "EXPIRE\|renew" "$T/ours-b.out" && fail "b: a warning for a far certificate: $(cat "$T/status-b.out")"
"$OVPN_TOKEN" status --json > "$T/status-b.json" 2>&1 || fail "b: status --json"
json_cert "$T/status-b.json" '
assert c["subject"] == "CN=far", c
assert c["expires_soon"] is False and c["expired"] is False and c["warning"] is None, c' \
    || fail "b: status --json: $(cat "$T/status-b.json")"
stop
pass
