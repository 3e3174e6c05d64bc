#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 84-serve-unit: what `make install` gives for serve: the unit ovpn-token-serve@.service runs
# `ovpn-token serve /etc/openvpn/client/NAME.conf`, is not restarted after the exit codes a
# restart cannot fix, has no core dumps and keeps what openvpn needs for a tun device; systemd
# accepts it without a single warning.  As root, a real install makes the group (a system group)
# once; a DESTDIR install only says it did not (here with a group name of the test's own, made
# and removed).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init

top=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$top" install DESTDIR="$T/root" PREFIX=/usr/local >"$T/install.out" 2>&1 \
    || fail "make install: $(cat "$T/install.out")"
unit="$T/root/usr/local/lib/systemd/system/ovpn-token-serve@.service"
[ -f "$unit" ] || fail "make install did not install ovpn-token-serve@.service"
grep -Fq "note: the group ovpn-token is not made for a DESTDIR" "$T/install.out" \
    || fail "a DESTDIR install does not say that it leaves the group out: $(cat "$T/install.out")"

grep -qx 'ExecStart=/usr/local/bin/ovpn-token serve /etc/openvpn/client/%i.conf' "$unit" \
    || fail "ExecStart: $(grep ExecStart "$unit")"
prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit")
for code in 2 3 13 18; do
    case " $prevent " in *" $code "*) ;; *) fail "exit $code would restart the unit ($prevent)" ;; esac
done
grep -qx 'Restart=on-failure' "$unit" || fail "the unit is not restarted after a failure"
grep -qx 'LimitCORE=0' "$unit" || fail "core dumps are not off"
grep -q '^CapabilityBoundingSet=.*CAP_NET_ADMIN' "$unit" || fail "openvpn could not make its tun device"
grep -q '^CapabilityBoundingSet=.*CAP_CHOWN' "$unit" || fail "serve could not give the socket to the group"
grep -qx 'DeviceAllow=/dev/net/tun rw' "$unit" || fail "the tun device is not allowed"
if grep -Eq '^(PrivateNetwork|PrivateDevices|ProtectSystem=strict|User=|DynamicUser=)' "$unit"; then
    fail "a setting that keeps openvpn from making the tunnel: $(grep -E '^(PrivateNetwork|PrivateDevices|ProtectSystem=strict|User=|DynamicUser=)' "$unit")"
fi

command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (package systemd)"
sed "s|/usr/local/bin/|$T/root/usr/local/bin/|" "$unit" > "$T/ovpn-token-serve@office.service"
MANPATH="$T/root/usr/local/share/man:" systemd-analyze verify "$T/ovpn-token-serve@office.service" \
    >"$T/verify.out" 2>&1 || fail "verify failed: $(cat "$T/verify.out")"
[ ! -s "$T/verify.out" ] || fail "systemd-analyze complains: $(cat "$T/verify.out")"

if [ "$(id -u)" != 0 ]; then
    log "SKIP: the group part of a real install needs root"
    pass
fi
group="ovtk-sys-$$"
getent group "$group" >/dev/null && fail "the test's group $group exists already"
trap 'rc=$?; groupdel "$group" 2>/dev/null; (exit $rc); tb_cleanup' EXIT
for round in 1 2; do
    make -s -C "$top" install-serve DESTDIR= SYSTEMD_UNIT_DIR="$T/units" BINDIR=/usr/bin \
        SERVE_GROUP="$group" >"$T/serve-install.out" 2>&1 || fail "make install-serve: $(cat "$T/serve-install.out")"
    if [ "$round" = 1 ]; then
        grep -Fxq "made the system group $group" "$T/serve-install.out" || fail "round 1: $(cat "$T/serve-install.out")"
    else
        grep -Fxq "the group $group is there" "$T/serve-install.out" || fail "round 2: $(cat "$T/serve-install.out")"
    fi
done
gid=$(getent group "$group" | cut -d: -f3)
[ -n "$gid" ] || fail "no group $group after make install-serve"
sys_max=$(awk '$1 == "SYS_GID_MAX" {print $2}' /etc/login.defs 2>/dev/null)
[ "$gid" -le "${sys_max:-999}" ] || fail "$group is no system group (gid $gid)"
[ -f "$T/units/ovpn-token-serve@.service" ] || fail "install-serve did not install the unit"
pass
