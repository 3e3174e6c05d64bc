# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The fault matrix's cells for the served tunnel: root's `serve`, a member's `connect` at a
# terminal (tests/matrix/run-served-cell.sh drives them). MODE "connect", INPUT "tty".
# States: cert-menu, pin-prompt (held by a user, not yet up), connected (held, up); the serve
# states free and openvpn restarting are the ends each cell checks (free within 2 s, no restart).
# Faults: ctrl-c, kill-9 (the user's connect killed), serve-restart.

MATRIX_SERVED="
cert-menu ctrl-c subset 2
cert-menu kill-9 full 2
pin-prompt ctrl-c full 2
connected ctrl-c full -
connected kill-9 full -
connected serve-restart subset 6
"
matrix_served_cells() {
    local state fault set seam
    while read -r state fault set seam; do
        [ -n "$state" ] || continue
        cell "connect/tty/$state/$fault" connect tty "$state" "$fault" "$set" "$seam"
    done <<<"$MATRIX_SERVED"
}
matrix_served_cells
