# SPDX-License-Identifier: GPL-3.0-or-later
# The whole fault matrix (tests/matrix/, issue 25), per openvpn under test: too long for
# `make test`, which runs its fixed subset (tests/e2e/99-fault-matrix.sh).
#   make soak

.PHONY: soak
soak: $(TST)/ovpn-token $(E2E_DEPS)
	MATRIX_SET=full E2E_LIMIT=14400 OVPN_TOKEN=$(CURDIR)/$(TST)/ovpn-token \
	    OPENVPNS="$(E2E_OPENVPNS)" tests/run-e2e.sh fault-matrix
