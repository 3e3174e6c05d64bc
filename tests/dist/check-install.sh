#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-install.sh: `make install` into a DESTDIR puts exactly the expected files with the
# expected modes (PREFIX, BINDIR, MANDIR honoured), the unit and the man page are made for that
# installation, and `make uninstall` leaves nothing of ours behind except a PIN file an admin put
# into /etc/ovpn-token/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-install: FAIL: $*" >&2; exit 1; }
version=$(cat "$top/VERSION")

# listing DIR: "MODE PATH" of everything under DIR, sorted.
listing() { (cd "$1" && find . -mindepth 1 -printf '%m %P\n' | sort -k2); }

check() { # NAME EXPECTED_LISTING MAKE_ARGS...
	local name=$1 want=$2; shift 2
	local d="$tmp/$name"
	make -s -C "$top" install DESTDIR="$d" "$@" >"$tmp/$name.out" 2>&1 \
		|| fail "$name: make install: $(cat "$tmp/$name.out")"
	# Directories made on the way (mode 755, not named ovpn-token) are not listed.
	listing "$d" | awk '$1 != "755" || $2 ~ /(^|\/)ovpn-token(\/|$)/' >"$tmp/$name.got"
	sort -k2 -o "$tmp/$name.got" "$tmp/$name.got"
	printf '%s\n' "$want" | sort -k2 >"$tmp/$name.want"
	diff -u "$tmp/$name.want" "$tmp/$name.got" >&2 || fail "$name: installed files differ"
	echo "check-install: $name: $(wc -l <"$tmp/$name.got") paths as expected"
}

check usr "755 usr/share/doc/ovpn-token
755 usr/share/doc/ovpn-token/examples
700 etc/ovpn-token
755 usr/bin/ovpn-token
644 usr/lib/systemd/system/ovpn-token@.service
644 usr/lib/systemd/system/ovpn-token-serve@.service
644 usr/share/bash-completion/completions/ovpn-token
644 usr/share/doc/ovpn-token/examples/smartcard-client.ovpn
644 usr/share/man/man1/ovpn-token.1" PREFIX=/usr

d=$tmp/usr
grep -qx 'ExecStart=/usr/bin/ovpn-token start .*' "$d/usr/lib/systemd/system/ovpn-token@.service" \
	|| fail "the unit does not start /usr/bin/ovpn-token: $(grep ExecStart "$d/usr/lib/systemd/system/ovpn-token@.service")"
grep -q '@[A-Z]*@' "$d/usr/lib/systemd/system/ovpn-token@.service" "$d/usr/share/man/man1/ovpn-token.1" \
	&& fail "a placeholder was left in the unit or the man page"
MANWIDTH=80 mandoc -Tascii "$d/usr/share/man/man1/ovpn-token.1" | tail -n 1 | grep -qF "ovpn-token $version" \
	|| fail "the installed man page does not show version $version"
[ "$("$d/usr/bin/ovpn-token" --version | head -n 1)" = "ovpn-token $version" ] || fail "installed --version"
cmp -s "$d/usr/share/bash-completion/completions/ovpn-token" "$top/completion/ovpn-token.bash" \
	|| fail "the completion differs from completion/ovpn-token.bash"

# A PIN file put there after installing survives uninstall, with its directory.
install -m 0600 /dev/null "$d/etc/ovpn-token/office.pin"
make -s -C "$top" uninstall DESTDIR="$d" PREFIX=/usr >"$tmp/un.out" 2>&1 || fail "uninstall: $(cat "$tmp/un.out")"
left=$(listing "$d" | grep -v '^755 ' || true)
[ "$left" = "$(printf '700 etc/ovpn-token\n600 etc/ovpn-token/office.pin')" ] \
	|| fail "after uninstall with a PIN file: $left"
rm "$d/etc/ovpn-token/office.pin"
make -s -C "$top" uninstall DESTDIR="$d" PREFIX=/usr >"$tmp/un.out" 2>&1 || fail "uninstall: $(cat "$tmp/un.out")"
left=$(cd "$d" && find . -mindepth 1 \( -type f -o -name '*ovpn-token*' \) -printf '%P\n')
[ -z "$left" ] || fail "left after uninstall: $left"
echo "check-install: uninstall left nothing of ours"

# Each directory on its own.
check dirs "700 conf/ovpn-token
755 share/doc/ovpn-token
755 share/doc/ovpn-token/examples
755 b/ovpn-token
644 m/man1/ovpn-token.1
644 share/bash-completion/completions/ovpn-token
644 share/doc/ovpn-token/examples/smartcard-client.ovpn
644 lib/systemd/system/ovpn-token@.service
644 lib/systemd/system/ovpn-token-serve@.service" \
	PREFIX= BINDIR=/b MANDIR=/m DATADIR=/share SYSTEMD_UNIT_DIR=/lib/systemd/system SYSCONFDIR=/conf
grep -q '^ExecStart=/b/ovpn-token ' "$tmp/dirs/lib/systemd/system/ovpn-token@.service" || fail "BINDIR not in the unit"
grep -q '^ExecStart=/b/ovpn-token serve ' "$tmp/dirs/lib/systemd/system/ovpn-token-serve@.service" \
	|| fail "BINDIR not in the serve unit"
make -s -C "$top" uninstall DESTDIR="$tmp/dirs" PREFIX= BINDIR=/b MANDIR=/m DATADIR=/share \
	SYSTEMD_UNIT_DIR=/lib/systemd/system SYSCONFDIR=/conf >"$tmp/un.out" 2>&1 || fail "uninstall: $(cat "$tmp/un.out")"
left=$(cd "$tmp/dirs" && find . -mindepth 1 \( -type f -o -name '*ovpn-token*' \) -printf '%P\n')
[ -z "$left" ] || fail "left after uninstall (own dirs): $left"
echo "check-install: ok"
