#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 36-wine-zip: the release zip is all a user needs: `make windows-dist`'s zip, unpacked into a
# fresh folder, and its ovpn-token.exe (with nothing but the DLLs beside it: no WINEPATH, nothing
# from build/) runs the whole of 32-wine-start's scenario — found openvpn.exe through the
# registry, the config by bare name, the PIN typed, "Connected to", Ctrl-C, a hard kill — in a
# wine prefix of its own, made for this test and removed after it.
# e2e-timeout: 360
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)

if [ -z "${OVPN_TOKEN_EXE:-}" ]; then echo "SKIP: OVPN_TOKEN_EXE not set (make windows-test runs this)"; exit 77; fi
version=$(cat "$top/VERSION")
zip="$top/build/dist/ovpn-token-$version-win64.zip"
[ -f "$zip" ] || { echo "SKIP: no $zip (make windows-dist)"; exit 77; }
command -v unzip >/dev/null || { echo "SKIP: unzip not installed"; exit 77; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/ovpn-token-zip.XXXXXX")
trap 'rm -rf "$dir"' EXIT
unzip -q "$zip" -d "$dir" || { echo "cannot unzip $zip" >&2; exit 1; }
exe=$(find "$dir" -name ovpn-token.exe | head -n 1)
[ -n "$exe" ] || { echo "no ovpn-token.exe in $zip" >&2; exit 1; }
echo "[36-wine-zip] $(cd "$(dirname "$exe")" && ls | tr '\n' ' ')"

# A prefix of its own (32 makes one when none is given) and no search path into build/.
unset WINEPREFIX WINEPATH
OVPN_TOKEN_EXE=$exe OVPN_TOKEN=$exe bash "$top/tests/e2e/32-wine-start.sh"
