# SPDX-License-Identifier: GPL-3.0-or-later
# Release archives and the Debian package, all named with the version from VERSION.
#   make dist            build/dist/ovpn-token-VERSION.tar.gz: `git archive` of HEAD (committed
#                        files only, no build output)
#   make windows-dist    build/dist/ovpn-token-VERSION-win64.zip: ovpn-token.exe with every DLL
#                        it needs (those `make windows` put beside it, build/windows-dlls.txt),
#                        the launcher, README.txt, LICENSE.txt (text files with CRLF);
#                        WIN_DIST_EXTRA="a.dll b.dll" adds more files (copied as they are)
#   make deb             build/dist/ovpn-token_VERSION_ARCH.deb, built by dpkg-buildpackage in
#                        a temporary copy of the tree (it writes into the parent directory)
#   make dist-check windows-dist-check deb-check version-check   their tests; part of `make test`

DIST_DIR       := build/dist
DIST_NAME      := ovpn-token-$(VERSION)
DIST_TARBALL   := $(DIST_DIR)/$(DIST_NAME).tar.gz
WIN_DIST_NAME  := $(DIST_NAME)-win64
WIN_DIST_ZIP   := $(DIST_DIR)/$(WIN_DIST_NAME).zip
WIN_DIST_EXTRA ?=
WIN_DIST_TEXT  := win32/ovpn-token.cmd

.PHONY: dist windows-dist deb dist-check windows-dist-check deb-check version-check

# Not a file target: HEAD moves without any file here changing.
dist:
	@mkdir -p $(DIST_DIR)
	git archive --format=tar.gz --prefix=$(DIST_NAME)/ -o $(DIST_TARBALL) HEAD
	@echo "$(DIST_TARBALL)"

# CRLF for the text files, whatever their line ends in the tree.
to_crlf = sed -e 's/\r$$//' -e 's/$$/\r/' $(1) > $(2)

windows-dist: ovpn-token.exe $(WIN_DIST_TEXT) doc/README-windows.txt LICENSE $(WIN_DIST_EXTRA)
	@rm -rf $(DIST_DIR)/$(WIN_DIST_NAME) $(WIN_DIST_ZIP)
	@mkdir -p $(DIST_DIR)/$(WIN_DIST_NAME)
	cp ovpn-token.exe $(DIST_DIR)/$(WIN_DIST_NAME)/
	@# The DLLs of the exe's import table, found again here so a stale list cannot hide one.
	tools/win-dlls ovpn-token.exe . | xargs -r -I{} cp {} $(DIST_DIR)/$(WIN_DIST_NAME)/
	$(foreach f,$(WIN_DIST_TEXT),$(call to_crlf,$(f),$(DIST_DIR)/$(WIN_DIST_NAME)/$(notdir $(f)));)
	sed 's/@VERSION@/$(VERSION)/g' doc/README-windows.txt | $(call to_crlf,,$(DIST_DIR)/$(WIN_DIST_NAME)/README.txt)
	$(call to_crlf,LICENSE,$(DIST_DIR)/$(WIN_DIST_NAME)/LICENSE.txt)
	$(if $(strip $(WIN_DIST_EXTRA)),cp $(WIN_DIST_EXTRA) $(DIST_DIR)/$(WIN_DIST_NAME)/)
	cd $(DIST_DIR) && zip -q -X -r $(WIN_DIST_NAME).zip $(WIN_DIST_NAME)
	@echo "$(WIN_DIST_ZIP)"

deb:
	tools/build-deb $(DIST_DIR)

dist-check:
	tests/dist/check-dist.sh

# The exe is built by this make (not by the one the test starts), so `make -j test` builds it once.
ifneq ($(shell command -v $(or $(WIN_CC),x86_64-w64-mingw32-gcc) 2>/dev/null),)
windows-dist-check: ovpn-token.exe
endif
windows-dist-check:
	tests/dist/check-windows-dist.sh

deb-check:
	tests/dist/check-deb.sh

version-check:
	tests/dist/check-version.sh

TEST_TARGETS += version-check dist-check windows-dist-check deb-check

# The wine tests include one that runs the release zip (tests/e2e/36-wine-zip.sh).
windows-test: | windows-dist
