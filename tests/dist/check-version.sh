#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-version.sh: VERSION is the one place the version is written.  debian/changelog's top
# entry (which names the .deb) must say the same, and VERSION must be a plain X.Y.Z, since the
# Windows version resource is made from it (mk/windows.mk: X,Y,Z,0).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "check-version: FAIL: $*" >&2; exit 1; }
version=$(cat "$top/VERSION")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "VERSION '$version' is not X.Y.Z"
deb=$(cd "$top" && dpkg-parsechangelog -SVersion)
[ "$deb" = "$version" ] || fail "debian/changelog says $deb, VERSION says $version: add a changelog entry (dch -v $version)"
grep -q '^\.Os ovpn-token @VERSION@$' "$top/doc/ovpn-token.1" || fail "doc/ovpn-token.1 does not take the version from VERSION"
echo "check-version: ok: $version in VERSION and debian/changelog"
