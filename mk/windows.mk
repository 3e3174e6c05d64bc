# SPDX-License-Identifier: GPL-3.0-or-later
# Windows build (x86_64, mingw-w64 cross compiler) and its tests under wine.
#   make windows               ./ovpn-token.exe, by default with OpenSSL and libp11 from the
#                              Windows stack (mk/windows-stack.mk; built first when its sources
#                              are there) and their DLLs beside it; without the stack the plain
#                              exe, with a note saying what it lacks
#   make windows WITH_P11=1    always with OpenSSL and libp11, found by $(WIN_PKG_CONFIG) (the
#                              stack's by default; or an MSYS2 mingw64 shell: set WIN_PKG_CONFIG)
#   make windows WITH_P11=0    the plain exe: certificates through the Windows CryptoAPI, no
#                              OpenSSL, no libp11 (openvpn.exe does the PKCS#11 work), one file
#   make windows-test          unit tests cross-compiled (plain variant) and run under wine, then
#                              the wine end-to-end tests (tests/e2e/3x-wine-*.sh) with the exe of
#                              `make windows`; part of `make test` when x86_64-w64-mingw32-gcc
#                              and wine are installed
# Everything goes to build/windows/ (build/windows-p11/ with OpenSSL and libp11).

WIN_CC      ?= x86_64-w64-mingw32-gcc
WIN_WINDRES ?= x86_64-w64-mingw32-windres
# The stack's pkg-config files (mk/windows-stack.mk is read before this file).
WIN_STACK_PC := $(WINDOWS_STACK)/lib/pkgconfig
ifneq ($(wildcard $(WIN_STACK_PC)/libp11.pc),)
WIN_PKG_CONFIG ?= PKG_CONFIG_LIBDIR=$(CURDIR)/$(WIN_STACK_PC) pkg-config
WIN_DLL_DIRS   ?= $(WINDOWS_STACK)/bin
else
WIN_PKG_CONFIG ?= x86_64-w64-mingw32-pkg-config
endif
# Where the DLLs of the p11 variant are looked up (an MSYS2 shell: its bin folder).
WIN_DLL_DIRS ?= $(dir $(shell command -v $(WIN_CC)))
WITH_P11    ?= auto
# WIN_P11 is what this make builds: 1 or empty.  "auto" is decided by a make started after the
# stack step (see ovpn-token.exe below); until then, by what is there now.
WIN_P11     := $(if $(filter 0,$(WITH_P11)),,$(if $(filter auto,$(WITH_P11)),$(if $(wildcard $(WIN_STACK_PC)/libp11.pc),1),$(WITH_P11)))
WIN         := build/windows$(if $(WIN_P11),-p11)
# The unit tests are always those of the plain variant: they include the CryptoAPI
# certificate code, which the p11 variant replaces by OpenSSL's.
WIN_UNIT_DIR := build/windows

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
WIN_PLAIN_SRC := $(PORTABLE_SRC) $(NO_P11_SRC) $(WIN32_SRC)
ifeq ($(WIN_P11),)
WIN_CORE_SRC := $(WIN_PLAIN_SRC)
else
WIN_PKGS     := openssl libp11
WIN_P11_CFLAGS := $(shell $(WIN_PKG_CONFIG) --cflags $(WIN_PKGS)) \
                  -DLIBP11_BUILD_VERSION='"$(shell $(WIN_PKG_CONFIG) --modversion libp11)"'
WIN_LIBS_P11 := $(shell $(WIN_PKG_CONFIG) --libs $(WIN_PKGS)) $(WIN_LIBS)
WIN_CORE_SRC := $(PORTABLE_SRC) $(P11_SRC) $(WIN32_SRC)
# libp11 exists only as a DLL, and it must share one libcrypto with us (keys and certificates
# cross between the two): OpenSSL is linked as DLLs too, and those go beside the exe.
$(WIN)/%: WIN_LDFLAGS := -municode -static-libgcc
$(WIN)/%: WIN_LIBS := $(WIN_LIBS_P11)
$(WIN)/%: WIN_CFLAGS += $(WIN_P11_CFLAGS)
endif
WIN_CORE_OBJ := $(WIN_CORE_SRC:%.c=$(WIN)/%.o)
WIN_PLAIN_OBJ := $(WIN_PLAIN_SRC:%.c=$(WIN_UNIT_DIR)/%.o)

.PHONY: windows windows-test windows-unit windows-e2e FORCE
FORCE:

windows: ovpn-token.exe

ifeq ($(WITH_P11),auto)
# The stack may be made by this very run, so the variant is chosen by a make started after it.
ovpn-token.exe: windows-stack FORCE
	@if [ -f $(WIN_STACK_PC)/libp11.pc ]; then p11=1; else p11=0; \
	    echo "windows: no Windows stack in $(WINDOWS_STACK) (make windows-stack says why):" \
	         "building the plain ovpn-token.exe, without OpenSSL and libp11, so without list," \
	         "doctor's token checks, lockout protection and the late-token watch"; fi; \
	$(MAKE) --no-print-directory ovpn-token.exe WITH_P11=$$p11
else
# The exe, and for the p11 variant the DLLs it needs beside it (here and in $(WIN)/).  The
# DLLs an earlier build put here (build/windows-dlls.txt) go first: the variant may change.
ovpn-token.exe: $(WIN)/ovpn-token.exe $(if $(WIN_P11),$(WIN)/dlls.stamp) FORCE
	@cmp -s $< $@ || cp $< $@
	@if [ -f build/windows-dlls.txt ]; then xargs -r rm -f < build/windows-dlls.txt; fi
	@touch $(WIN)/dlls.txt; xargs -r -n1 basename < $(WIN)/dlls.txt > build/windows-dlls.txt
	@xargs -r -I{} cp {} . < $(WIN)/dlls.txt
endif

$(WIN)/dlls.stamp: $(WIN)/ovpn-token.exe tools/win-dlls
	@echo "  DLLS    $(WIN)/"
	@tools/win-dlls $< $(WIN_DLL_DIRS) > $(WIN)/dlls.txt
	@cp $$(cat $(WIN)/dlls.txt) $(WIN)/
	@touch $@

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
WIN_UNIT_EXE := $(patsubst %.c,$(WIN_UNIT_DIR)/unit/%.exe,$(notdir $(WIN_UNIT_SRC)))
WIN_TEST_CFLAGS := -isystem $(WIN_CMOCKA)/include -I$(WIN_UNIT_DIR)/tests/win32

# The plain objects the unit tests link, whichever variant the exe is.
$(WIN_UNIT_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  WINCC   $<"
	@$(WIN_CC) $(WIN_CFLAGS) -MMD -MP -c $< -o $@

$(WIN_UNIT_DIR)/tests/%.o: tests/%.c $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINCC   $<"
	@$(WIN_CC) $(WIN_CFLAGS) $(WIN_TEST_CFLAGS) -MMD -MP -c $< -o $@

# The certificate test's fixtures are made by OpenSSL on the build machine at test time,
# so they cannot go stale and no binary blob is checked in.
$(WIN_UNIT_DIR)/tests/win32/cert_fixtures.h: tests/win32/gen_cert_fixtures.c
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(CC) -std=c11 $(WARN) -D_POSIX_C_SOURCE=200809L -o $(WIN_UNIT_DIR)/gen_cert_fixtures $< \
		$(shell pkg-config --cflags --libs openssl)
	@$(WIN_UNIT_DIR)/gen_cert_fixtures > $@.tmp && mv $@.tmp $@
$(WIN_UNIT_DIR)/tests/win32/test_cert_info_wincrypt.o: $(WIN_UNIT_DIR)/tests/win32/cert_fixtures.h

$(WIN_UNIT_DIR)/unit/%.exe: $(WIN_UNIT_DIR)/tests/unit/%.o $(WIN_PLAIN_OBJ) $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINLD   $@"
	@$(WIN_CC) -static -o $@ $^ $(WIN_LIBS)
$(WIN_UNIT_DIR)/unit/%.exe: $(WIN_UNIT_DIR)/tests/win32/%.o $(WIN_PLAIN_OBJ) $(WIN_CMOCKA)/lib/libcmocka-static.a
	@mkdir -p $(dir $@)
	@echo "  WINLD   $@"
	@$(WIN_CC) -static -o $@ $^ $(WIN_LIBS)

# tests/e2e/37-wine-quoting.sh's probe: our command lines as openvpn.exe reads them.
WIN_QUOTE_PROBE := $(WIN_UNIT_DIR)/tools/quote_probe.exe
$(WIN_QUOTE_PROBE): $(WIN_UNIT_DIR)/tests/win32/quote_probe.o $(WIN_PLAIN_OBJ)
	@mkdir -p $(dir $@)
	@echo "  WINLD   $@"
	@$(WIN_CC) -static -o $@ $^ $(WIN_LIBS)

# One wine prefix for the whole run (its first start takes ~15 s), removed afterwards.
# (OVPN_TOKEN is what run-e2e.sh requires; here the program under test is the exe.)
# The exe under test is the one `make windows` made, with its DLLs beside it.
windows-test: ovpn-token.exe $(WIN_UNIT_EXE) $(WIN_QUOTE_PROBE)
	OVPN_TOKEN=$(CURDIR)/ovpn-token.exe OVPN_TOKEN_EXE=$(CURDIR)/ovpn-token.exe \
		OVPN_TOKEN_QUOTE_PROBE=$(CURDIR)/$(WIN_QUOTE_PROBE) \
		tests/win32/run-wine-tests.sh $(WIN_UNIT_EXE)

ifneq ($(shell command -v $(WIN_CC) 2>/dev/null),)
ifneq ($(shell command -v wine 2>/dev/null),)
TEST_TARGETS += windows-test
endif
endif
# (The Makefile's own -include of build/**/*.d covers the dependency files made here.)
# Keep the unit test objects (make would delete them as intermediates and rebuild every time).
.SECONDARY: $(patsubst %.c,$(WIN_UNIT_DIR)/%.o,$(WIN_UNIT_SRC) tests/win32/quote_probe.c)
