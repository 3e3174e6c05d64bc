#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 99-fault-matrix: the fault matrix's fixed subset (issue 25; tests/matrix/driver.sh): each state of
# the session (PIN prompt, handshake, insert-token prompt, certificate menu, connected,
# reconnecting, token removed) and each fault (card out/in, Ctrl-C once and twice, SIGTERM,
# SIGHUP, SIGSTOP+SIGCONT, kill -9, openvpn killed, server restarted, an expired certificate) at
# least once, with the same invariants checked in every cell; the table at the end.
# MATRIX_SET=full runs the whole matrix (`make soak`).
# e2e-timeout: 900
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
require_ovpn_token
exec "$(dirname "$0")/../matrix/driver.sh" "${MATRIX_SET:-subset}"
