#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 20-list-ids: tokens with plain and tricky labels (spaces, '/', '\', quotes, '%', '#', UTF-8).
# `ovpn-token list` must print exactly the ids `openvpn --show-pkcs11-ids` prints, its JSON must
# parse and carry the same ids, and each id, put into a client config as `pkcs11-id '...'`, must
# log in through `ovpn-token start` with the PIN typed into the pty.
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
LABELS=(
    "Plain"
    'a b/c\d "e" '"'"'f'"'"
    '100% #1; x&y!'
    "Schlüssel ✓ κλειδί"
)
CNS=(client1 client2 client3 client4)

PKI_DAYS=20 make_pki "$T" "${CNS[@]}"
for i in "${!LABELS[@]}"; do
    make_token "$T" "${LABELS[$i]}" "$PIN" "${CNS[$i]}"
done

# ---- the ids, ours and OpenVPN's
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" >"$T/list.out" 2>"$T/list.err" || fail "list failed ($?)"
openvpn --show-pkcs11-ids "$SOFTHSM_LIB" >"$T/show.out" 2>&1 || fail "openvpn --show-pkcs11-ids failed"
ids_of() { sed -n 's/^ *Serialized id: *//p' "$1" | sort; }
ids_of "$T/list.out" >"$T/ours.ids"
ids_of "$T/show.out" >"$T/openvpn.ids"
[ "$(wc -l <"$T/openvpn.ids")" = "${#LABELS[@]}" ] || fail "openvpn shows $(wc -l <"$T/openvpn.ids") ids"
cmp -s "$T/ours.ids" "$T/openvpn.ids" || {
    diff "$T/ours.ids" "$T/openvpn.ids" >&2 || true
    fail "list ids differ from openvpn --show-pkcs11-ids"
}
for i in "${!LABELS[@]}"; do
    grep -Fq "Token:         ${LABELS[$i]}" "$T/list.out" || fail "label '${LABELS[$i]}' not shown as it is"
done
grep -q "Key:           EC P-256" "$T/list.out" || fail "key type not shown"
grep -q "Issuer:        CN=Test CA" "$T/list.out" || fail "issuer not shown"
# The test PKI lives 20 days: every certificate expires soon.
[ "$(grep -c 'EXPIRES SOON' "$T/list.out")" = "${#LABELS[@]}" ] || fail "EXPIRES SOON not flagged"
grep -q "a certificate above expires within 30 days: \`ovpn-token enroll --renew\`" "$T/list.err" \
    || fail "no renewal hint: $(cat "$T/list.err")"

# ---- JSON: valid, same ids, labels intact
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" --json >"$T/list.json" || fail "list --json failed"
python3 - "$T/list.json" "${LABELS[@]}" >"$T/json.ids" <<'PY' || fail "list --json is not what it should be"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
labels = {c["token_label"] for c in doc["certificates"]}
assert labels == set(sys.argv[2:]), labels
for c in doc["certificates"]:
    assert c["expires_soon"] is True and c["expired"] is False
    print(c["pkcs11_id"])
PY
sort "$T/json.ids" | cmp -s - "$T/openvpn.ids" || fail "JSON ids differ from openvpn's"

# ---- exit code without a certificate: an empty token
rm -rf "$T/empty" && mkdir -p "$T/empty/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$T/empty/tokens" >"$T/empty/softhsm2.conf"
rc=0; SOFTHSM2_CONF="$T/empty/softhsm2.conf" "$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" >/dev/null 2>&1 || rc=$?
[ "$rc" = 7 ] || fail "list with no certificate: exit $rc, expected 7"
rc=0; "$OVPN_TOKEN" list --provider "$T/no-such-provider.so" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "list with a missing provider: exit $rc, expected 2"

# ---- every id logs in as `pkcs11-id '...'`
PORT=$(free_port)
start_server "$T" "$PORT"
n=0
while IFS= read -r id; do
    n=$((n + 1))
    # The label of this id: the token whose JSON entry has it.
    label=$(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1], encoding="utf-8"))["certificates"]:
    if c["pkcs11_id"] == sys.argv[2]: print(c["token_label"]); print(c["subject_cn"])' "$T/list.json" "$id")
    cn=$(printf '%s\n' "$label" | tail -n 1)
    label=$(printf '%s\n' "$label" | head -n 1)
    log "id $n: token '$label', $cn"
    write_client_config "$T" "$PORT"
    printf "pkcs11-id '%s'\n" "$id" >>"$T/client.conf"
    wait_listening "$PORT"
    server_log_mark "$T"
    pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
    pty_expect_text "PIN for token '$label':" 30
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "id $n ($label) did not connect"
    server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=$cn" || fail "server did not verify $cn"
    pty_send_keys C-c
    pty_expect_exit 0 20
    pty_stop
done <"$T/openvpn.ids"

log "list CONFIG: the config's provider"
write_client_config "$T" "$PORT" "$SOFTHSM_LIB" "$T/list.conf"
(cd / && "$OVPN_TOKEN" list "$T/list.conf") > "$T/list-config.out" 2>&1 || { cat "$T/list-config.out" >&2; fail "list CONFIG failed"; }
[ "$(grep -c '^  Serialized id:' "$T/list-config.out")" = "$(wc -l < "$T/openvpn.ids")" ] \
    || { cat "$T/list-config.out" >&2; fail "list CONFIG does not list every certificate"; }
log "a provider that was named gets no hint to name one"
"$OVPN_TOKEN" list --provider "$T/nonexistent.so" > "$T/list-bad.out" 2>&1 && fail "list with a missing provider succeeded"
grep -q "nonexistent.so" "$T/list-bad.out" || { cat "$T/list-bad.out" >&2; fail "the missing provider is not named"; }
if grep -q "name the PKCS#11 provider with --provider" "$T/list-bad.out"; then fail "hint to name a provider that was named"; fi

log "each certificate's pkcs11: URI (RFC 7512) beside its id"
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" > "$T/list-uri.out" 2>&1 || fail "list failed"
[ "$(grep -c '^  PKCS#11 URI: *pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=[0-9a-f]*;token=[^;]*;id=%[0-9A-F][0-9A-F]' "$T/list-uri.out")" \
    = "$(wc -l < "$T/openvpn.ids")" ] || { cat "$T/list-uri.out" >&2; fail "not every certificate has its pkcs11: URI"; }
"$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" --json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["certificates"]:
    assert c["pkcs11_uri"].startswith("pkcs11:model=SoftHSM%20v2;"), c
' || fail "list --json has no pkcs11_uri"
pass
