# SPDX-License-Identifier: GPL-3.0-or-later
# The house's layers (doc/HACKING.md, "Where things live" and "The session's layers"): every
# file of src/ uses only the layers its row allows, and no files use each other in a circle
# (tools/check-layers).
#   make layers-check   part of `make test`

.PHONY: layers-check
layers-check:
	@tools/check-layers

TEST_TARGETS += layers-check
