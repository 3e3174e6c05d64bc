#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-dist.sh: `make dist` makes ovpn-token-VERSION.tar.gz with everything under one
# ovpn-token-VERSION/ folder, holding no build output, and the unpacked tree builds (`make`) and
# passes its unit tests (`make unit`) on its own, without git.  The archive is HEAD: files not
# committed are not in it.  SKIP outside a git checkout (an unpacked archive cannot make one).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-dist: FAIL: $*" >&2; exit 1; }
version=$(cat "$top/VERSION")
name=ovpn-token-$version
if ! git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "check-dist: SKIP: not a git checkout"
	exit 0
fi

make -s -C "$top" dist >"$tmp/dist.out" 2>&1 || fail "make dist: $(cat "$tmp/dist.out")"
tarball=$top/build/dist/$name.tar.gz
[ -f "$tarball" ] || fail "no $tarball"
tar -tzf "$tarball" >"$tmp/list"
bad=$(grep -v "^$name/" "$tmp/list" || true)
[ -z "$bad" ] || fail "outside $name/: $bad"
bad=$(grep -E "^$name/(build/|ovpn-token$|ovpn-token\.exe$)|\.o$|\.d$|\.deb$" "$tmp/list" || true)
[ -z "$bad" ] || fail "build output in the archive: $bad"
for f in LICENSE VERSION Makefile README.md doc/ovpn-token.1 completion/ovpn-token.bash debian/changelog; do
	grep -qx "$name/$f" "$tmp/list" || fail "$f is not in the archive"
done
echo "check-dist: $(basename "$tarball"): $(grep -vc '/$' "$tmp/list") files"

tar -xzf "$tarball" -C "$tmp"
cd "$tmp/$name"
# No git repository above the unpacked tree may be found: it must build without one.
export GIT_CEILING_DIRECTORIES=$tmp
make -j"$(nproc)" >"$tmp/make.out" 2>&1 || { tail -n 30 "$tmp/make.out"; fail "make in the unpacked tree"; }
[ "$(./ovpn-token --version | head -n 1)" = "ovpn-token $version" ] || fail "--version: $(./ovpn-token --version)"
make -j"$(nproc)" unit >"$tmp/unit.out" 2>&1 || { tail -n 30 "$tmp/unit.out"; fail "make unit in the unpacked tree"; }
n=$(grep -c '^== ' "$tmp/unit.out" || true)
[ "$n" -gt 0 ] || fail "make unit ran no tests"
grep -E '^\[  PASSED  \]' "$tmp/unit.out" | tail -n 1 || true
echo "check-dist: ok: the unpacked tree builds and passes $n unit test programs"
