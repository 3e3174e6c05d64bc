#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Windows build's tests under wine (`make windows-test`):
#   1. each cross-compiled unit test EXE given as an argument (cmocka; portable tests from
#      tests/unit/ and Windows-only ones from tests/win32/),
#   2. the end-to-end test tests/e2e/30-wine-attach.sh with $OVPN_TOKEN_EXE.
# One wine prefix serves the whole run and is removed at the end.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine-env.sh
. "$here/wine-env.sh"

command -v wine >/dev/null || { echo "run-wine-tests.sh: wine not found (apt-get install wine wine64)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ovpn-token-wine.XXXXXX")
trap 'wine_prefix_down; rm -rf "$work"' EXIT
echo "== wine prefix (first start takes a while)"
wine_prefix_up "$work" || exit 1

failed=0 passed=0
for exe in "$@"; do
    echo "== wine $exe"
    if timeout 120 wine "$exe"; then
        passed=$((passed + 1))
    else
        echo "FAIL $exe"
        failed=$((failed + 1))
    fi
done
echo "windows unit tests: $passed passed, $failed failed"

echo "== wine end-to-end"
"$here/../run-e2e.sh" -wine- || failed=$((failed + 1))
[ "$failed" = 0 ]
