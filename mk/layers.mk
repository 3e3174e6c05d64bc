# SPDX-License-Identifier: GPL-3.0-or-later
# The session's shape: its files call downwards only (tools/check-session-layers).
#   make layers-check   part of `make test`

.PHONY: layers-check
layers-check:
	@tools/check-session-layers

TEST_TARGETS += layers-check
