# SPDX-License-Identifier: GPL-3.0-or-later
# License: every source file carries an SPDX line (tools/check-spdx prints those that do not).
#   make spdx-check   part of `make test`

.PHONY: spdx-check
spdx-check:
	@tools/check-spdx

TEST_TARGETS += spdx-check
