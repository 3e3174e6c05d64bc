#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 90-piv-list: a PIV card in a reader, through OpenSC's piv driver (tests/lib/piv.sh), with a
# certificate in each of its four key slots: 9A PIV authentication (RSA 2048), 9C digital
# signature (P-256, its certificate allows TLS client logins too), 9D key management (P-384),
# 9E card authentication (P-256).
#   a) `list --all` prints exactly the ids of `openvpn --show-pkcs11-ids`, byte for byte; the
#      token is OpenSC's PIV token (manufacturer piv_II, named after 9A's CN)
#   b) `list` shows the authentication certificate and says the other three cannot log in;
#      --all says why: 9C's key wants the PIN for every signature (only --external-key can use
#      it), 9D's and 9E's certificates are not for TLS client logins
#   c) `start --batch` picks 9A's certificate by itself and connects; the card signed with 9A
#   d) `start --batch --external-key` with 9C's certificate connects: the card wanted a VERIFY
#      right before the signature, and got one
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
piv_init "$@"
require_ovpn_token

piv_card_up 123456 9a:client1:rsa 9c:sign1:ec:client 9d:km1:p384 9e:card1:ec
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$OPENSC_LIB"
printf '%s\n' "$SC_PIN" >"$T/pin"
chmod 600 "$T/pin"

log "a) list --all and openvpn --show-pkcs11-ids"
"$OVPN_TOKEN" list --all --provider "$OPENSC_LIB" >"$T/all.out" 2>&1 || fail "list --all failed ($?)"
openvpn --show-pkcs11-ids "$OPENSC_LIB" >"$T/show.out" 2>&1 || fail "openvpn --show-pkcs11-ids failed"
ids_of() { sed -n 's/^ *Serialized id: *//p' "$1" | sort; }
ids_of "$T/all.out" >"$T/ours.ids"
ids_of "$T/show.out" >"$T/openvpn.ids"
[ "$(wc -l <"$T/openvpn.ids")" = 4 ] || { cat "$T/show.out" >&2; fail "openvpn shows $(wc -l <"$T/openvpn.ids") ids, expected 4"; }
cmp -s "$T/ours.ids" "$T/openvpn.ids" || {
    diff "$T/ours.ids" "$T/openvpn.ids" >&2 || true
    fail "list ids differ from openvpn --show-pkcs11-ids"
}
[ "$(grep -c '^piv_II/PKCS\\x2315\\x20emulated/[0-9a-f]\{16\}/client1/0[1-4]$' "$T/ours.ids")" = 4 ] \
    || { cat "$T/ours.ids" >&2; fail "the ids are not OpenSC's PIV ids for token client1"; }
grep -q '^  Token: *client1$' "$T/all.out" || fail "the token is not named after 9A's CN"
grep -q '^  Key: *EC P-384$' "$T/all.out" || fail "9D's P-384 key is not shown"

log "b) list: the authentication certificate; --all: why not the others"
"$OVPN_TOKEN" list --provider "$OPENSC_LIB" >"$T/list.out" 2>&1 || fail "list failed ($?)"
grep -q '^  Subject: *CN=client1$' "$T/list.out" || { cat "$T/list.out" >&2; fail "9A's certificate not listed"; }
if grep -Eq '^  Subject: *CN=(sign1|km1|card1)$' "$T/list.out"; then
    cat "$T/list.out" >&2; fail "list shows a certificate that cannot log in"
fi
grep -Fq "(3 more cannot log in: --all shows them and why)" "$T/list.out" || fail "list does not say 3 more cannot log in"
# why_for CN: the "Cannot log in" line of CN's block in list --all.
why_for() { awk -v cn="CN=$1" '/^Certificate /{why=""} /Cannot log in:/{why=$0} $0 ~ "Subject: *" cn "$" {print why}' "$T/all.out"; }
why_for sign1 | grep -Fq "its key wants the PIN for every signature (a PIV card's slot 9C): OpenVPN's PKCS#11 support cannot use it, --external-key can" \
    || { cat "$T/all.out" >&2; fail "9C: no word that only --external-key can use it"; }
for cn in km1 card1; do
    why_for $cn | grep -Fq "its extended key usage does not allow TLS client logins" \
        || { cat "$T/all.out" >&2; fail "$cn: no reason given"; }
done

log "c) start picks 9A by itself"
"$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/client.log" "$T/client.conf" \
    </dev/null >"$T/start.out" 2>&1 &
TB_PIDS+=("$!")
wait_for "$T/start.out" "Connected to 127.0.0.1:$PORT" 40 || { cat "$T/start.out" >&2; fail "c: not connected"; }
grep -Fq "Using the only certificate that can log in: client1 (issuer Test CA" "$T/start.out" \
    || { cat "$T/start.out" >&2; fail "c: 9A's certificate was not chosen by itself"; }
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "c: the server did not verify client1"
grep -q "virt_piv: key 9A: RSA 2048 .* signature" "$T/virt_piv.log" || fail "c: the card did not sign with 9A"
if grep -q "virt_piv: key 9C" "$T/virt_piv.log"; then fail "c: the card used 9C's key"; fi
kill "${TB_PIDS[-1]}"
wait_until 20 pid_gone "${TB_PIDS[-1]}" || fail "c: start did not stop"

log "d) --external-key with 9C's certificate"
wait_listening "$PORT" 15
"$OVPN_TOKEN" start --batch --external-key --cert sign1 --pin-file "$T/pin" --log "$T/xkey.log" \
    "$T/client.conf" </dev/null >"$T/xkey.out" 2>&1 &
TB_PIDS+=("$!")
wait_for "$T/xkey.out" "Connected to 127.0.0.1:$PORT" 40 || { cat "$T/xkey.out" >&2; fail "d: not connected"; }
grep -q "VERIFY OK: depth=0, CN=sign1" "$T/server.log" || fail "d: the server did not verify sign1"
grep -q "virt_piv: key 9C: ECDSA secp256r1 signature" "$T/virt_piv.log" || fail "d: the card did not sign with 9C"
if grep -q "key 9C (PIN always) used without a VERIFY" "$T/virt_piv.log"; then fail "d: 9C was used without its VERIFY"; fi
kill "${TB_PIDS[-1]}"
wait_until 20 pid_gone "${TB_PIDS[-1]}" || fail "d: start did not stop"
piv_strict
pass
