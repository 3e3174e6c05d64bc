# SPDX-License-Identifier: GPL-3.0-or-later
# make install's part for `serve` (issue 21): the unit ovpn-token-serve@.service and the group
# whose members may connect.  The group is made only by a real install (no DESTDIR) as root; a
# package makes it in its postinst (debian/postinst).
#   make install-serve SERVE_GROUP=NAME     the unit alone, and that group
SERVE_GROUP ?= ovpn-token

.PHONY: install-serve uninstall-serve
install: install-serve
uninstall: uninstall-serve

install-serve:
	install -d -m 0755 $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed 's|@BINDIR@|$(BINDIR)|g' conf/ovpn-token-serve@.service.in \
		> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token-serve@.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token-serve@.service
	@if [ -n "$(DESTDIR)" ]; then \
		echo "note: the group $(SERVE_GROUP) is not made for a DESTDIR (a package's postinst makes it)"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "note: not root: make the group yourself: sudo groupadd --system $(SERVE_GROUP)"; \
	elif getent group $(SERVE_GROUP) >/dev/null; then \
		echo "the group $(SERVE_GROUP) is there"; \
	else \
		groupadd --system $(SERVE_GROUP) && echo "made the system group $(SERVE_GROUP)"; \
	fi

# The group stays: files may belong to it, and its members are an administrator's choice.
uninstall-serve:
	rm -f $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token-serve@.service
