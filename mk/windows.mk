# SPDX-License-Identifier: GPL-3.0-or-later
# Windows build (x86_64, mingw-w64 cross compiler) and its tests under wine.
#   make windows               ./ovpn-token.exe: certificates through the Windows CryptoAPI,
#                              no OpenSSL, no libp11 (openvpn.exe does the PKCS#11 work)
#   make windows WITH_P11=1    with OpenSSL and libp11 found by pkg-config (e.g. an MSYS2
#                              mingw64 shell, or a cross sysroot: set WIN_PKG_CONFIG)
#   make windows-test          unit tests cross-compiled and run under wine, then the wine
#                              end-to-end test (tests/e2e/30-wine-attach.sh); part of
#                              `make test` when x86_64-w64-mingw32-gcc and wine are installed
# Everything goes to build/windows/ (build/windows-p11/ with WITH_P11=1).

WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_WINDRES ?= x86_64-w64-mingw32-windres
WIN_PKG_CONFIG ?= x86_64-w64-mingw32-pkg-config
WITH_P11    ?=
WIN         := build/windows$(if $(WITH_P11),-p11)

# Windows 10 and later: the console, AF_INET and job-object calls used are all there.
# PRINTF_ARCHETYPE: the format checking of our printf-like functions.  mingw's "printf" means
# Microsoft's rules (no %zu); with __USE_MINGW_ANSI_STDIO the C99 ones hold, i.e. gnu_printf.
WIN_CFLAGS  := -std=c11 $(WARN) -Isrc -Isrc/platform/win32 -O2 -g -D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00 \
               -DWIN32_LEAN_AND_MEAN -DUNICODE -D_UNICODE \
               -D__USE_MINGW_ANSI_STDIO=1 -DPRINTF_ARCHETYPE=gnu_printf \
               -DOVPN_TOKEN_VERSION='"$(VERSION)"'
WIN_LIBS    := -lws2_32 -liphlpapi -lcrypt32 -lbcrypt -ladvapi32 -lole32 -luuid -lshell32
# -municode: the C runtime starts at wmain() (src/platform/win32/main.c), for UTF-8 arguments.
WIN_LDFLAGS := -municode -static -static-libgcc

# Sources: the lists of mk/sources.mk.  The plain build takes the stand-ins for OpenSSL, libp11
# and PC/SC (certificates through the CryptoAPI); WITH_P11=1 takes the real ones.
ifeq ($(WITH_P11),)
WIN_CORE_SRC := $(PORTABLE_SRC) $(NO_P11_SRC) $(WIN32_SRC)
else
WIN_PKGS     := openssl libp11
WIN_CFLAGS   += $(shell $(WIN_PKG_CONFIG) --cflags $(WIN_PKGS))
WIN_LIBS     := $(shell $(WIN_PKG_CONFIG) --libs $(WIN_PKGS)) $(WIN_LIBS) -lwinscard
WIN_CORE_SRC := $(PORTABLE_SRC) $(P11_SRC) $(WIN32_SRC)
endif
WIN_CORE_OBJ := $(WIN_CORE_SRC:%.c=$(WIN)/%.o)

.PHONY: windows windows-test windows-unit windows-e2e

windows: ovpn-token.exe

ovpn-token.exe: $(WIN)/ovpn-token.exe
	cp $< $@

$(WIN)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  WINCC   $<"
	@$(WIN_CC) $(WIN_CFLAGS) -MMD -MP -c $< -o $@

# Version resource and manifest (UTF-8 code page, so the C runtime's fopen() in portable code
# takes UTF-8 paths too; console subsystem; no elevation).
comma := ,
$(WIN)/ovpn-token.res.o: win32/ovpn-token.rc win32/ovpn-token.manifest VERSION
	@mkdir -p $(dir $@)
	@echo "  WINDRES $<"
	@$(WIN_WINDRES) -I win32 -DOVPN_TOKEN_VERSION_NUM=$(subst .,$(comma),$(VERSION)),0 \
		-DOVPN_TOKEN_VERSION_STR='\"$(VERSION)\"' -O coff -i $< -o $@

$(WIN)/ovpn-token.exe: $(WIN_CORE_OBJ) $(WIN)/$(MAIN_SRC:.c=.o) $(WIN)/$(WIN32_MAIN_SRC:.c=.o) \
		$(WIN)/ovpn-token.res.o
	@echo "  WINLD   $@"
	@$(WIN_CC) $(WIN_LDFLAGS) -o $@ $^ $(WIN_LIBS)

# ---- tests under wine -------------------------------------------------------------------

# cmocka has no mingw package in Debian: its Debian source is fetched (apt-get source, which
# needs a deb-src line) and built with the cross compiler into build/windows/cmocka.
WIN_CMOCKA := build/windows/cmocka
$(WIN_CMOCKA)/lib/libcmocka-static.a: tests/win32/build-cmocka.sh
	tests/win32/build-cmocka.sh $(WIN_CMOCKA) $(WIN_CC)

# The portable unit tests plus the Windows-only ones.
WIN_UNIT_SRC := $(UNIT_PORTABLE) $(UNIT_WIN32_ONLY)
WIN_UNIT_EXE := $(patsubst %.c,$(WIN)/unit/%.exe,$(notdir $(WIN_UNIT_SRC)))
WIN_TEST_CFLAGS := -isystem $(WIN_CMOCKA)/include -I$(WIN)/tests/win32

$(WIN)/tests/%.o: tests/%.c $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINCC   $<"
	@$(WIN_CC) $(WIN_CFLAGS) $(WIN_TEST_CFLAGS) -MMD -MP -c $< -o $@

# The certificate test's fixtures are made by OpenSSL on the build machine at test time,
# so they cannot go stale and no binary blob is checked in.
$(WIN)/tests/win32/cert_fixtures.h: tests/win32/gen_cert_fixtures.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(CC) -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -o $(WIN)/gen_cert_fixtures $< \
		$(shell pkg-config --cflags --libs openssl)
	@$(WIN)/gen_cert_fixtures > $@.tmp && mv $@.tmp $@
$(WIN)/tests/win32/test_cert_info_wincrypt.o: $(WIN)/tests/win32/cert_fixtures.h

$(WIN)/unit/%.exe: $(WIN)/tests/unit/%.o $(WIN_CORE_OBJ) $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINLD   $@"
	@$(WIN_CC) -static -o $@ $^ $(WIN_LIBS)
$(WIN)/unit/%.exe: $(WIN)/tests/win32/%.o $(WIN_CORE_OBJ) $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINLD   $@"
	@$(WIN_CC) -static -o $@ $^ $(WIN_LIBS)

# One wine prefix for the whole run (its first start takes ~15 s), removed afterwards.
# (OVPN_TOKEN is what run-e2e.sh requires; here the program under test is the exe.)
windows-test: $(WIN)/ovpn-token.exe $(WIN_UNIT_EXE)
	OVPN_TOKEN=$(CURDIR)/$(WIN)/ovpn-token.exe OVPN_TOKEN_EXE=$(CURDIR)/$(WIN)/ovpn-token.exe \
		tests/win32/run-wine-tests.sh $(WIN_UNIT_EXE)

ifneq ($(shell command -v $(WIN_CC) 2>/dev/null),)
ifneq ($(shell command -v wine 2>/dev/null),)
TEST_TARGETS += windows-test
endif
endif
# (The Makefile's own -include of build/**/*.d covers the dependency files made here.)
# Keep the unit test objects (make would delete them as intermediates and rebuild every time).
.SECONDARY: $(patsubst %.c,$(WIN)/%.o,$(WIN_UNIT_SRC))
