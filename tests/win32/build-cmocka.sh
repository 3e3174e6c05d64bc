#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds cmocka for Windows (static, x86_64 mingw-w64) into DEST, for the unit tests under wine.
#   tests/win32/build-cmocka.sh DEST [CC]
# Debian has no mingw package of cmocka, so its Debian source package is fetched with
# `apt-get source` (the same version as libcmocka-dev; needs a deb-src line, see
# tools/install-deps) and cross-built with cmake.  Nothing of it enters the repository.
set -euo pipefail

dest=$1
cc=${2:-x86_64-w64-mingw32-gcc}
[ -f "$dest/lib/libcmocka-static.a" ] && exit 0
for tool in apt-get cmake "$cc"; do
    command -v "$tool" >/dev/null || { echo "build-cmocka.sh: $tool not found" >&2; exit 2; }
done

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
src="$dest/src"
rm -rf "$src" && mkdir -p "$src"
cd "$src"
# --download-only: no dpkg-source needed; the upstream tarball is all we build.
if ! apt-get source --download-only cmocka >apt-source.log 2>&1; then
    cat apt-source.log >&2
    echo "build-cmocka.sh: 'apt-get source cmocka' failed: is a deb-src line configured?" >&2
    exit 2
fi
tar xf cmocka_*.orig.tar.[gx]z
cd cmocka-*/
mkdir -p build && cd build
cmake .. -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$dest" \
    -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF >"$src/cmake.log" 2>&1 \
    || { tail -n 30 "$src/cmake.log" >&2; exit 1; }
make -j"$(nproc)" >>"$src/cmake.log" 2>&1 && make install >>"$src/cmake.log" 2>&1 \
    || { tail -n 30 "$src/cmake.log" >&2; exit 1; }
test -f "$dest/lib/libcmocka-static.a"
echo "  CMOCKA  $dest (cmocka $(basename "$(dirname "$PWD")" | sed 's/^cmocka-//'), mingw-w64)"
