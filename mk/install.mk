# SPDX-License-Identifier: GPL-3.0-or-later
# make install / make uninstall: the binary, the man page, the bash completion, the systemd
# template unit, the example config and /etc/ovpn-token/ (mode 0700: the unit's PIN files).
#   make install PREFIX=/usr DESTDIR=/tmp/root    every *DIR below can be set on its own
#   make install-check                            install into a DESTDIR, check, uninstall;
#                                                 part of `make test`
# uninstall removes what install put there; /etc/ovpn-token/ only if it is empty (PIN files
# an admin put there stay).

PREFIX           ?= /usr/local
BINDIR           ?= $(PREFIX)/bin
DATADIR          ?= $(PREFIX)/share
MANDIR           ?= $(DATADIR)/man
DOCDIR           ?= $(DATADIR)/doc/ovpn-token
BASHCOMPDIR      ?= $(DATADIR)/bash-completion/completions
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR       ?= /etc

.PHONY: install uninstall install-check

# The unit names the binary by its installed path, so it is made here, for this BINDIR.
install: ovpn-token $(MAN_PAGE)
	install -D -m 0755 ovpn-token $(DESTDIR)$(BINDIR)/ovpn-token
	install -D -m 0644 $(MAN_PAGE) $(DESTDIR)$(MANDIR)/man1/ovpn-token.1
	install -D -m 0644 completion/ovpn-token.bash $(DESTDIR)$(BASHCOMPDIR)/ovpn-token
	install -d -m 0755 $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@BINDIR@|$(BINDIR)|g' conf/ovpn-token@.service.in \
		> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token@.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token@.service
	install -D -m 0644 conf/smartcard-client.ovpn $(DESTDIR)$(DOCDIR)/examples/smartcard-client.ovpn
	install -d -m 0700 $(DESTDIR)$(SYSCONFDIR)/ovpn-token

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ovpn-token $(DESTDIR)$(MANDIR)/man1/ovpn-token.1 \
		$(DESTDIR)$(BASHCOMPDIR)/ovpn-token $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token@.service \
		$(DESTDIR)$(DOCDIR)/examples/smartcard-client.ovpn
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null
	-rmdir $(DESTDIR)$(SYSCONFDIR)/ovpn-token 2>/dev/null

# What install needs is made by this make, so the test's own `make install` finds it made.
install-check: ovpn-token $(MAN_PAGE)
	tests/dist/check-install.sh

TEST_TARGETS += install-check
