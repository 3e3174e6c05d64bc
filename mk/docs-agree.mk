# SPDX-License-Identifier: GPL-3.0-or-later
# Facts written in several places (the unit, doc/guide.md, the man page, --help, README.md, the
# exit codes) say the same (tests/dist/check-docs-agree.sh).
#   make docs-agree-check   part of `make test`
.PHONY: docs-agree-check
docs-agree-check: ovpn-token
	tests/dist/check-docs-agree.sh ./ovpn-token

TEST_TARGETS += docs-agree-check
