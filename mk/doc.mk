# SPDX-License-Identifier: GPL-3.0-or-later
# The man page and the shell completion, and their tests.
#   make man               build/man/ovpn-token.1 (doc/ovpn-token.1 with the version from VERSION)
#   make man-check         mandoc -Tlint, and every option and command of the option table in
#                          --help and in the man page; part of `make test`
#   make completion-check  drives the bash completion as TAB would; part of `make test`

MAN_PAGE := build/man/ovpn-token.1
# The files that hold the option table and the command table.
OPTIONS_SRC ?= src/cli/options.h
COMMANDS_SRC ?= src/cli/commands.h

.PHONY: man man-check completion-check

man: $(MAN_PAGE)

$(MAN_PAGE): doc/ovpn-token.1 VERSION
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< > $@

man-check: $(MAN_PAGE) ovpn-token
	tests/dist/check-man.sh ./ovpn-token $(MAN_PAGE) $(OPTIONS_SRC) $(COMMANDS_SRC)

completion-check: ovpn-token
	tests/dist/check-completion.sh ./ovpn-token

TEST_TARGETS += man-check completion-check
