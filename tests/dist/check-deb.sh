#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-deb.sh: the Debian package builds (dpkg-buildpackage -us -uc -b, in a copy of the tree),
# is named ovpn-token_VERSION_ARCH.deb, has the Depends and Recommends it should and lintian
# finds no error in it (its warnings are printed).  As root it is then installed on this
# machine: /usr/bin/ovpn-token --version and doctor run from it, the files and the 0700
# /etc/ovpn-token/ are there, and purging it removes them all.  Not root: that part is SKIP.
# A package installed before the test is not touched (SKIP for that part).  Its postinst makes
# serve's group ovpn-token; when the machine had none before, the test removes it again.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
installed=
made_group=
cleanup() {
	[ -n "$installed" ] && dpkg --purge ovpn-token >/dev/null 2>&1
	# The package's postinst made the group ovpn-token on this machine: the test removes it.
	[ -n "$made_group" ] && groupdel ovpn-token >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
say() { echo "check-deb: $*"; }
version=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
deb=$tmp/out/ovpn-token_${version}_$arch.deb

for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null || fail "$tool missing (tools/install-deps)"
done
"$top/tools/build-deb" "$tmp/out" >"$tmp/build.out" 2>&1 || fail "build: $(cat "$tmp/build.out")"
[ -f "$deb" ] || fail "no $(basename "$deb"); built: $(ls "$tmp/out")"
say "built $(basename "$deb")"
# The unit tests ran in the package build (dh_auto_test), nothing else of `make test`.
grep -q '^== build/test/unit/' "$tmp/out/deb-build.log" || fail "dh_auto_test did not run the unit tests"
if grep -qE 'run-e2e|fuzz_lines|wine' "$tmp/out/deb-build.log"; then fail "the package build ran more than the unit tests"; fi

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
field Depends | grep -qE '(^|, )openvpn(,|$| )' || fail "Depends lacks openvpn: $(field Depends)"
for lib in libssl3 libp11-3 libpcsclite1 libreadline8; do
	field Depends | grep -q "$lib" || fail "Depends lacks $lib (shlibs): $(field Depends)"
done
[ "$(field Recommends)" = "opensc-pkcs11, pcscd" ] || fail "Recommends: $(field Recommends)"

dpkg-deb -c "$deb" | awk '{print $1, $6}' | sed 's|^\([^ ]*\) \./|\1 /|' | sort -k2 >"$tmp/contents"
for want in "-rwxr-xr-x /usr/bin/ovpn-token" "drwx------ /etc/ovpn-token/" \
	"-rw-r--r-- /lib/systemd/system/ovpn-token@.service" \
	"-rw-r--r-- /lib/systemd/system/ovpn-token-serve@.service" \
	"-rw-r--r-- /usr/share/man/man1/ovpn-token.1.gz" \
	"-rw-r--r-- /usr/share/bash-completion/completions/ovpn-token" \
	"-rw-r--r-- /usr/share/doc/ovpn-token/examples/smartcard-client.ovpn" \
	"-rw-r--r-- /usr/share/doc/ovpn-token/copyright"; do
	grep -qxF -- "$want" "$tmp/contents" || fail "the package lacks '$want'; it has: $(cat "$tmp/contents")"
done

# serve's group: made by the postinst (addgroup --system, hence Depends: adduser), never removed.
field Depends | grep -qE '(^|, )adduser(,|$| )' || fail "Depends lacks adduser (postinst): $(field Depends)"
dpkg-deb -e "$deb" "$tmp/control"
grep -q '^[[:space:]]*addgroup --system --quiet ovpn-token$' "$tmp/control/postinst" \
	|| fail "the postinst does not make the group ovpn-token: $(cat "$tmp/control/postinst")"
for script in prerm postrm; do
	[ ! -f "$tmp/control/$script" ] || ! grep -q 'delgroup\|groupdel' "$tmp/control/$script" \
		|| fail "$script removes the group an administrator filled"
done

# lintian: errors fail the test; warnings are shown.  As root lintian only notes that.
lintian --fail-on error --tag-display-limit 0 "$tmp/out/ovpn-token_${version}_$arch.changes" \
	>"$tmp/lintian.out" 2>&1 || fail "lintian: $(cat "$tmp/lintian.out")"
grep -v 'running with root privileges' "$tmp/lintian.out" | sed 's/^/check-deb: lintian: /' || true
say "lintian: $(grep -c '^E:' "$tmp/lintian.out" || true) errors, $(grep -c '^W:' "$tmp/lintian.out" || true) warnings"

if [ "$(id -u)" != 0 ]; then
	say "SKIP: installing the package needs root"
	exit 0
fi
if dpkg-query -W -f='${Status}' ovpn-token 2>/dev/null | grep -q 'installed'; then
	say "SKIP: a package ovpn-token is already installed here; not replacing it"
	exit 0
fi

getent group ovpn-token >/dev/null || made_group=1
installed=1
dpkg -i "$deb" >"$tmp/dpkg.out" 2>&1 || fail "dpkg -i: $(cat "$tmp/dpkg.out")"
getent group ovpn-token >/dev/null || fail "no group ovpn-token after installing"
grep -q '^ExecStart=/usr/bin/ovpn-token serve /etc/openvpn/client/%i.conf$' \
	/lib/systemd/system/ovpn-token-serve@.service || fail "the serve unit does not run /usr/bin/ovpn-token serve"
[ "$(dpkg-query -W -f='${Status} ${Version}' ovpn-token)" = "install ok installed $version" ] \
	|| fail "dpkg says: $(dpkg-query -W -f='${Status} ${Version}' ovpn-token)"
[ "$(/usr/bin/ovpn-token --version | head -n 1)" = "ovpn-token $version" ] || fail "--version: $(/usr/bin/ovpn-token --version)"
say "installed: $(/usr/bin/ovpn-token --version | head -n 1)"
# doctor: whatever this machine lacks (a card, pcscd), the openvpn checks pass and the exit
# status is the one for "all fine" or "a check failed", not a crash or a usage error.
rc=0
/usr/bin/ovpn-token doctor >"$tmp/doctor.out" 2>&1 || rc=$?
sed 's/^/check-deb: doctor: /' "$tmp/doctor.out"
[ "$rc" = 0 ] || [ "$rc" = 11 ] || fail "doctor exited with $rc"
grep -q '^OK   openvpn is built with PKCS#11' "$tmp/doctor.out" || fail "doctor did not find openvpn with PKCS#11"
[ "$(stat -c '%a %U' /etc/ovpn-token)" = "700 root" ] || fail "/etc/ovpn-token: $(stat -c '%a %U' /etc/ovpn-token)"
grep -q '^ExecStart=/usr/bin/ovpn-token start ' /lib/systemd/system/ovpn-token@.service \
	|| fail "the unit does not run /usr/bin/ovpn-token"
[ "$(man -w ovpn-token 2>/dev/null)" = /usr/share/man/man1/ovpn-token.1.gz ] || fail "man -w ovpn-token: $(man -w ovpn-token 2>&1)"
zcat /usr/share/man/man1/ovpn-token.1.gz | grep -q "^\.Os ovpn-token $version\$" || fail "the man page does not carry $version"

dpkg -L ovpn-token | sort >"$tmp/files"
dpkg --purge ovpn-token >"$tmp/purge.out" 2>&1 || fail "purge: $(cat "$tmp/purge.out")"
installed=
left=
while IFS= read -r f; do
	case $f in */ovpn-token* | */ovpn-token@*) [ -e "$f" ] && left="$left $f" ;; esac
done <"$tmp/files"
[ -z "$left" ] || fail "left after purge:$left"
say "purged; nothing of the package is left"
say "ok"
