#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 54-connect-external-key-other-id: `connect` to a tunnel serve runs with a token whose certificate's
# key has another CKA_ID than the certificate.  serve's openvpn is always in external-key mode
# (it asks the member for the certificate and each signature): the member's own signer finds
# the key by its public key, so the certificate is offered and signs, as with start
# --external-key (23 k); connect never sends the member to --external-key, an option it does
# not take.  (attach to such an openvpn: 53.)
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

PIN=246810
serve_user anna member
make_pki "$T" twin
serve_token anna "Anna Token" "$PIN"
# The key under CKA_ID 52, its certificate under 53 (root writes them, then gives them back).
home=$T/home-anna
SOFTHSM2_CONF="$home/softhsm2.conf" softhsm2-util --import "$T/pki/twin.p8" --token "Anna Token" \
    --label twin --id 52 --pin "$PIN" >>"$home/token.out" 2>&1 || fail "softhsm2-util: twin key"
SOFTHSM2_CONF="$home/softhsm2.conf" pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Anna Token" \
    --login --pin "$PIN" --write-object "$T/pki/twin.der" --type cert --id 53 --label twin \
    >>"$home/token.out" 2>&1 || fail "pkcs11-tool: twin certificate"
chown -R "$(user_of anna):" "$home"
chmod -R go-rwx "$home"
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
serve_start office

log "anna connects with the key under another CKA_ID"
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30 "no PIN asked: $(pty_screen | grep -v '^$' | tail -n 5)"
pty_type "$PIN"
pty_expect "Connected to 127.0.0.1:$PORT" 30 "twin was not offered to openvpn: $(pty_screen | grep -v '^$' | tail -n 5)"
wait_until 5 eval 'server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=twin"' \
    || fail "the server did not verify twin"
if pty_screen | grep -Eq "cannot log in|--external-key"; then
    fail "twin was judged by the PKCS#11 rule: $(pty_screen | grep -E 'cannot log in|--external-key')"
fi
pty_send_keys C-c
pty_expect_exit 0 15
pty_stop

pass
