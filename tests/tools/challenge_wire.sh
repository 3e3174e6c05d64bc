#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# challenge_wire.sh SCENARIO [OPENVPN]: bring up the two-factor test bed (tests/lib/challenge.sh)
# and run a real openvpn client against it, driven by tests/lib/mgmt_wire.py, to record exactly what
# the client's management interface says for each kind of challenge. Prints the recording and the
# server's log. Needs root. The client uses a key file (the token is not what is studied here).
#   SCENARIO: static-echo static-noecho static-wrong static-concat crv1 crv1-wrong crtext crtext-wrong webauth
#             openurl user-only (2.7)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../lib/testbed.sh
. "$here/lib/testbed.sh"
# shellcheck source=../lib/netns.sh
. "$here/lib/netns.sh"
# shellcheck source=../lib/challenge.sh
. "$here/lib/challenge.sh"
tb_init
netns_require
sc=$1 ovpn=${2:-openvpn}
OTP=424242
U=$CB_USER P=$CB_PASSWORD
case $sc in
    static-*) server=static ;;
    crv1*) server=crv1 ;;
    crtext*) server=crtext ;;
    user-only) server=useronly ;;
    *) server=$sc ;;
esac
challenge_bed_up "$server" --otp "$OTP" --approve-file "$T/approve"
sed -i '/pkcs11-providers/d' "$T/client.conf"
client_conf_add "cert $T/pki/client1.crt" "key $T/pki/client1.key" \
    "management $T/client-mgmt.sock unix" management-query-passwords management-hold
pw_rule=(--rule "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
         --rule "SUCCESS: 'Auth' username entered" "password \"Auth\" \"$P\"")
extra=()
case $sc in
    static-echo) client_conf_add 'static-challenge "Enter OTP" 1'
        pw_rule=(--rule "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
                 --rule "SUCCESS: 'Auth' username entered" "password \"Auth\" \"SCRV1:{b64:$P}:{b64:$OTP}\"") ;;
    static-noecho) client_conf_add 'static-challenge "Enter OTP" 0'
        pw_rule=(--rule "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
                 --rule "SUCCESS: 'Auth' username entered" "password \"Auth\" \"SCRV1:{b64:$P}:{b64:$OTP}\"") ;;
    static-wrong) client_conf_add 'static-challenge "Enter OTP" 1'
        pw_rule=(--rule "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
                 --rule "SUCCESS: 'Auth' username entered" "password \"Auth\" \"SCRV1:{b64:$P}:{b64:000000}\"") ;;
    static-concat) client_conf_add 'static-challenge "Enter OTP" 1 concat'
        pw_rule=(--rule "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
                 --rule "SUCCESS: 'Auth' username entered" "password \"Auth\" \"$P$OTP\"") ;;
    crv1|crv1-wrong) client_conf_add "auth-retry interact"
        resp=$OTP; [ "$sc" = crv1-wrong ] && resp=000000
        extra=(--then "Verification Failed: 'Auth' \['CRV1" "echo on" \
               --then "Need 'Auth' username/password" "username \"Auth\" \"$U\"" \
               --then "SUCCESS: 'Auth' username entered" "password \"Auth\" \"CRV1::st4te-1d::$resp\"") ;;
    crtext|crtext-wrong) client_conf_add "setenv IV_SSO crtext"
        resp=$OTP; [ "$sc" = crtext-wrong ] && resp=000000
        extra=(--rule "INFOMSG:CR_TEXT" "cr-response {b64:$resp}") ;;
    webauth|openurl) client_conf_add "setenv IV_SSO crtext,openurl,webauth"
        extra=(--rule "INFOMSG:(WEB_AUTH|OPEN_URL)" "echo on") ;;
    user-only) sed -i 's/^auth-user-pass$/auth-user-pass username-only/' "$T/client.conf"
        pw_rule=(--rule "Need 'Auth' username" "username \"Auth\" \"$U\"") ;;
esac
"$ovpn" --config "$T/client.conf" --log "$T/client.log" &
TB_PIDS+=("$!")
until_rx='CONNECTED,SUCCESS|>FATAL|AUTH_FAILED'
case $sc in crv1*) until_rx='CONNECTED,SUCCESS|>FATAL|AUTH_FAILED,wrong|AUTH_FAILED,[^C]' ;; esac
[ "$sc" = webauth ] || [ "$sc" = openurl ] && { ( sleep 3; touch "$T/approve" ) & }
python3 "$here/lib/mgmt_wire.py" "$T/client-mgmt.sock" "$T/wire.txt" \
    --rule ">HOLD:(*)" "hold release" --rule "^>INFO:" "state on" --rule "^>INFO:" "version 4" \
    "${pw_rule[@]}" "${extra[@]}" --until "$until_rx" --seconds 25 || true
echo "===== $sc ($("$ovpn" --version | head -1 | cut -d' ' -f1-2)): client management wire"
grep -v '^<< >LOG' "$T/wire.txt"
echo "===== server decisions ($T/challenge.log)"
cat "$T/challenge.log"
