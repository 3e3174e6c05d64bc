# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The fault matrix's cells on the real card stack (OpenSC -> pcscd -> the virtual CAC card;
# tests/matrix/run-sc-cell.sh drives them): the removal watch against pcscd's own faults.
#   cell ID MODE INPUT STATE FAULT SET SEAM   (MODE sc-start / sc-xkey: the card stack)
MATRIX_PCSC="
start card-out subset 8
start pcscd-restart subset 3
start pcscd-hung subset 4
xkey card-out full 8
xkey pcscd-restart full 3
"
matrix_pcsc_cells() {
    local mode fault set seam
    while read -r mode fault set seam; do
        [ -n "$mode" ] || continue
        cell "card/$mode/batch/connected/$fault" "sc-$mode" batch connected "$fault" "$set" "$seam"
    done <<<"$MATRIX_PCSC"
}
matrix_pcsc_cells
