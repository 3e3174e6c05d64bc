#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 13-systemd-unit: `make install` puts a template unit that systemd accepts without a single warning,
# runs ovpn-token unattended (--batch, --restart) and gives it the PIN as a credential, not in argv
# or the environment.
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init

top=$(cd "$(dirname "$0")/../.." && pwd)
make -s -C "$top" install DESTDIR="$T/root" PREFIX=/usr/local >"$T/install.out" 2>&1 \
    || fail "make install: $(cat "$T/install.out")"
unit="$T/root/usr/local/lib/systemd/system/ovpn-token@.service"
[ -x "$T/root/usr/local/bin/ovpn-token" ] || fail "make install did not install the binary"
[ -f "$unit" ] || fail "make install did not install the unit"

grep -q '^ExecStart=/usr/local/bin/ovpn-token start --batch --restart ' "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
grep -q '^LoadCredential=pin:' "$unit" || fail "the PIN is not passed as a credential"
if grep -Eq '^(Environment|ExecStart).*(pin-file|PIN=)' "$unit"; then fail "the PIN is passed some other way"; fi
grep -Eq '^RestartPreventExitStatus=.*\b6\b' "$unit" || fail "a rejected PIN (6) would restart the unit"

command -v systemd-analyze >/dev/null || fail "systemd-analyze missing (package systemd)"
# An instance of the template, with ExecStart pointing at the installed binary so verify can find it.
sed "s|/usr/local/bin/|$T/root/usr/local/bin/|" "$unit" > "$T/ovpn-token@office.service"
# The unit's Documentation= names our man page: verify runs man on it, which must find the
# installed one (the trailing ':' keeps the system's pages, for openvpn(8)).
MANPATH="$T/root/usr/local/share/man:" systemd-analyze verify "$T/ovpn-token@office.service" >"$T/verify.out" 2>&1 || fail "verify failed: $(cat "$T/verify.out")"
[ ! -s "$T/verify.out" ] || fail "systemd-analyze complains: $(cat "$T/verify.out")"
pass
