#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# xkey_wire.sh: what a real openvpn asks an external-key management client, for RSA 2048 and
# EC P-256 client keys under TLS 1.3 and tls-version-max 1.2.  A probe, not a test: prints the
# dialogue of tests/tools/xkey_wire.py for each case.  Usage: tests/tools/xkey_wire.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/testbed.sh
. "$here/../lib/testbed.sh"
tb_init
make_pki "$T" ecclient
pki=$T/pki
openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$pki/rsaclient.key" -out "$pki/rsaclient.csr" \
    -subj "/CN=rsaclient" 2>/dev/null
openssl x509 -req -in "$pki/rsaclient.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$pki/ecclient.ext" -out "$pki/rsaclient.crt" 2>/dev/null
PORT=$(free_port)
start_server "$T" "$PORT"
for cn in rsaclient ecclient; do
    for tls in 1.3 1.2; do
        conf=$T/$cn-$tls.conf
        write_client_config "$T" "$PORT" x "$conf"
        sed -i '/^pkcs11-providers/d' "$conf"
        sock=$T/$cn-$tls.sock
        cat >> "$conf" <<EOC
management $sock unix
management-hold
management-query-passwords
management-external-key nopadding pkcs1 pss digest
management-external-cert ovpn-token
EOC
        [ "$tls" = 1.2 ] && echo "tls-version-max 1.2" >> "$conf"
        echo "=== $cn TLS $tls (openvpn $(openvpn --version | head -1 | cut -d' ' -f2))"
        wait_listening "$PORT" 15
        openvpn --config "$conf" > "$T/$cn-$tls.log" 2>&1 &
        pid=$!
        TB_PIDS+=("$pid")
        wait_until 10 test -S "$sock" || { echo "no socket"; continue; }
        rc=0
        timeout 30 python3 "$here/xkey_wire.py" "$sock" "$pki/$cn.crt" "$pki/$cn.key" || rc=$?
        echo "=== driver exit $rc"
        grep -E "MANAGEMENT|Control Channel:|pk-sig|sign" "$T/$cn-$tls.log" | head -20 || true
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
done
