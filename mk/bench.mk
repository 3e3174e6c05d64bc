# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run builds what its parts need itself (tests/dist/check-bench-builds.sh; the bench itself
# is no test and is not run here).
#   make bench-check   part of `make test`
.PHONY: bench-check
bench-check:
	tests/dist/check-bench-builds.sh

TEST_TARGETS += bench-check
