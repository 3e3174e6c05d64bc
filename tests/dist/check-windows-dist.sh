#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-windows-dist.sh: `make windows-dist` makes ovpn-token-VERSION-win64.zip with exactly
# ovpn-token.exe, every DLL it needs (its import table, recursively, less Windows' own),
# ovpn-token.cmd, README.txt and LICENSE.txt in one folder; the text files have CRLF line ends only, the exe is the PE32+ one `make windows`
# builds and carries VERSION in its version resource; WIN_DIST_EXTRA files are added as they
# are.  SKIP without the mingw-w64 compiler.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-windows-dist: FAIL: $*" >&2; exit 1; }
version=$(cat "$top/VERSION")
name=ovpn-token-$version-win64
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	echo "check-windows-dist: SKIP: x86_64-w64-mingw32-gcc not installed (package mingw-w64)"
	exit 0
fi
command -v unzip >/dev/null || fail "unzip missing (tools/install-deps)"

# An extra file, as the lead's DLLs will be: bytes kept exactly (LF stays LF).
printf 'not a dll\nline two\n' >"$tmp/extra.dll"
make -s -C "$top" windows-dist WIN_DIST_EXTRA="$tmp/extra.dll" >"$tmp/make.out" 2>&1 \
	|| fail "make windows-dist: $(tail -n 30 "$tmp/make.out")"
zip=$top/build/dist/$name.zip
[ -f "$zip" ] || fail "no $zip"
unzip -q "$zip" -d "$tmp/x"
(cd "$tmp/x" && find . -type f | sed 's|^\./||' | sort) >"$tmp/files"
# The DLLs: what the exe imports, and what those import, that Windows does not provide.
dlls=$("$top/tools/win-dlls" "$top/ovpn-token.exe" "$top" | xargs -r -n1 basename) \
	|| fail "ovpn-token.exe needs DLLs that are nowhere"
{ printf '%s\n' "$name/LICENSE.txt" "$name/README.txt" "$name/extra.dll" "$name/ovpn-token.cmd" \
	"$name/ovpn-token.exe"; for d in $dlls; do echo "$name/$d"; done; } | sort >"$tmp/want"
diff -u "$tmp/want" "$tmp/files" >&2 || fail "the zip holds other files"

d=$tmp/x/$name
for f in ovpn-token.cmd README.txt LICENSE.txt; do
	lines=$(wc -l <"$d/$f")
	crlf=$(grep -c $'\r$' "$d/$f" || true)
	[ "$lines" -gt 0 ] && [ "$lines" = "$crlf" ] || fail "$f: $crlf of $lines lines end in CRLF"
	# No line end doubled into CR CR LF.
	if grep -q $'\r\r' "$d/$f"; then fail "$f: CR CR in it"; fi
	[ "$(tail -c 2 "$d/$f" | od -An -c | tr -d ' ')" = '\r\n' ] || fail "$f does not end in CRLF"
done
cmp -s <(tr -d '\r' <"$d/LICENSE.txt") "$top/LICENSE" || fail "LICENSE.txt is not LICENSE"
head -n 1 "$d/README.txt" | grep -qF "ovpn-token $version for Windows" || fail "README.txt's title: $(head -n 1 "$d/README.txt")"
if grep -q '@[A-Z]*@' "$d/README.txt"; then fail "a placeholder left in README.txt"; fi
cmp -s "$d/extra.dll" "$tmp/extra.dll" || fail "the extra file was changed"
cmp -s "$d/ovpn-token.exe" "$top/ovpn-token.exe" || fail "ovpn-token.exe is not the one make windows built"
# Nothing the zip's exe needs is missing from the zip itself.
"$top/tools/win-dlls" "$d/ovpn-token.exe" "$d" >/dev/null || fail "the zip lacks a DLL the exe needs"
for dl in $dlls; do cmp -s "$d/$dl" "$top/$dl" || fail "$dl differs from the one beside ovpn-token.exe"; done
file -b "$d/ovpn-token.exe" | grep -q 'PE32+ executable (console) x86-64' || fail "ovpn-token.exe: $(file -b "$d/ovpn-token.exe")"
# The version resource: "ProductVersion" and VERSION in UTF-16 in the exe.
utf16() { printf '%s' "$1" | iconv -f ASCII -t UTF-16LE | od -An -tx1 | tr -d ' \n'; }
od -An -tx1 "$d/ovpn-token.exe" | tr -d ' \n' | grep -q "$(utf16 "$version")" \
	|| fail "ovpn-token.exe has no version resource with $version"
echo "check-windows-dist: ok: $(basename "$zip"): $(wc -l <"$tmp/files") files, text files CRLF"
