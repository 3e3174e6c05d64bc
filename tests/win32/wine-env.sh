# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# A wine prefix for one test run: sourced by tests/win32/run-wine-tests.sh and by
# tests/e2e/30-wine-attach.sh (which reuses the runner's prefix when WINEPREFIX is set).
#
#   wine_prefix_up DIR   WINEPREFIX=DIR/wineprefix, created and booted now (~15 s the first
#                        time on a machine), its wineserver kept running; does nothing when
#                        WINEPREFIX is already set
#   wine_prefix_down     stops that prefix's wineserver and removes it (only if we made it)

WINE_PREFIX_OWNED=

wine_prefix_up() {
    export WINEDEBUG=-all
    # No Mono or Gecko: nothing here needs .NET or HTML, and their install prompt would hang.
    export WINEDLLOVERRIDES="mscoree,mshtml="
    if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then return 0; fi
    export WINEPREFIX="$1/wineprefix"
    WINE_PREFIX_OWNED=$WINEPREFIX
    mkdir -p "$WINEPREFIX"
    wineboot -i >"$1/wineboot.log" 2>&1 || { cat "$1/wineboot.log" >&2; return 1; }
    # wineboot returns before the prefix is complete; the server ends when it is.
    wineserver -w
    # Then one server for the whole run, as Windows has one system: left to itself it ends 3 s
    # after the last program, and the next program then races a server (and its services, the
    # nsiproxy driver behind the TCP table among them) that is going away or not yet up again.
    wineserver -p
}

wine_prefix_down() {
    [ -n "$WINE_PREFIX_OWNED" ] || return 0
    WINEPREFIX=$WINE_PREFIX_OWNED wineserver -k 2>/dev/null || true
    rm -rf "$WINE_PREFIX_OWNED"
    WINE_PREFIX_OWNED=
}
