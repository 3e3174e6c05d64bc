#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 89-serve-cert-expiry: a served tunnel's `status` warns when its holder's certificate expires
# within 30 days, with the renewal hint (issue 31).  serve sees the certificate the member sends
# its openvpn and names it in the holder file (cert_subject=, cert_not_after=):
#   a) anna (certificate of 20 days) connects: the holder file names it; `status` as anna and as
#      bob (another member) shows the warning under the tunnel's line; --json in holder.certificate
#   b) bob (certificate of 400 days) holds it next: named, no warning
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

serve_user anna member
serve_user bob member
PKI_DAYS=20 make_pki "$T" anna
PKI_DAYS=400 make_cert "$T" bob client
serve_token anna "Anna Token" 1111 anna
serve_token bob "Bob Token" 2222 bob
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
serve_start office
DIR=/run/ovpn-token/office
anna_end=$(openssl x509 -in "$T/pki/anna.crt" -noout -enddate | sed 's/^notAfter=//')
anna_shown=$(date -u -d "$anna_end" '+%Y-%m-%d %H:%M:%S')

# connect_as NAME PIN: NAME's batch connect in the background until connected; pid in CONNECT_PID.
connect_as() {
    local name=$1 pin=$2 home="$T/home-$1"
    install -m 0600 -o "$(user_of "$name")" /dev/null "$home/pin"
    echo "$pin" > "$home/pin"
    as_user "$name" "$OVPN_TOKEN" connect --batch --pin-file "$home/pin" office > "$T/$name.out" 2>&1 &
    CONNECT_PID=$!
    TB_PIDS+=("$CONNECT_PID")
    wait_for "$T/$name.out" "Connected to 127.0.0.1:$PORT" 40 || fail "$name did not connect: $(cat "$T/$name.out")"
    wait_until 10 grep -qx "state=CONNECTED" "$DIR/holder" || fail "$name: holder file: $(cat "$DIR/holder")"
}
# disconnect WHAT: SIGTERM to the connect itself (as_user's background shell is its parent).
disconnect() {
    local p
    for p in $CONNECT_PID $(descendants "$CONNECT_PID"); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$OVPN_TOKEN" ] && kill -TERM "$p"
    done
    wait_until 20 pid_gone "$CONNECT_PID" || fail "$1: the connect did not end"
}
WARNING="  certificate 'CN=anna' EXPIRES SOON ($anna_shown UTC) -- hint: get it renewed (ovpn-token enroll --renew)"

log "a) anna's certificate expires soon: status warns, for her and for bob"
connect_as anna 1111
grep -qx "cert_subject=CN=anna" "$DIR/holder" || fail "a: the holder file does not name the certificate: $(cat "$DIR/holder")"
grep -q "^cert_not_after=" "$DIR/holder" || fail "a: no cert_not_after: $(cat "$DIR/holder")"
for who in anna bob; do
    as_user "$who" "$OVPN_TOKEN" status > "$T/status-a-$who.out" 2>&1 || fail "a: status as $who: $(cat "$T/status-a-$who.out")"
    grep -Eq "^office +[A-Z]+ +ovtk[0-9]+-anna since .*CONNECTED" "$T/status-a-$who.out" \
        || fail "a: status as $who: $(cat "$T/status-a-$who.out")"
    grep -Fxq "$WARNING" "$T/status-a-$who.out" || fail "a: no warning for $who: $(cat "$T/status-a-$who.out")"
done
as_user anna "$OVPN_TOKEN" status --json > "$T/status-a.json" 2>&1 || fail "a: status --json"
python3 - "$T/status-a.json" <<'PY' || fail "a: status --json: $(cat "$T/status-a.json")"
import json, sys
t = [t for t in json.load(open(sys.argv[1])) if t["name"] == "office"][0]
c = t["holder"]["certificate"]
assert c["subject"] == "CN=anna" and c["expires_soon"] is True, c
assert c["warning"].endswith("(ovpn-token enroll --renew)"), c
PY
disconnect a
wait_until 20 grep -qx "state=HOLD" "$DIR/serve" || fail "a: office is not free again: $(cat "$DIR/serve")"
[ ! -s "$DIR/holder" ] || fail "a: the holder file outlived anna: $(cat "$DIR/holder")"
wait_listening "$PORT"

log "b) bob's certificate is far from its end: named, no warning"
connect_as bob 2222
grep -qx "cert_subject=CN=bob" "$DIR/holder" || fail "b: the holder file does not name bob's certificate: $(cat "$DIR/holder")"
as_user bob "$OVPN_TOKEN" status > "$T/status-b.out" 2>&1 || fail "b: status: $(cat "$T/status-b.out")"
grep -Eq "^office +[A-Z]+ +ovtk[0-9]+-bob since" "$T/status-b.out" || fail "b: status: $(cat "$T/status-b.out")"
grep -q "EXPIRE\|renew" "$T/status-b.out" && fail "b: a warning for a far certificate: $(cat "$T/status-b.out")"
disconnect b
pass
