# SPDX-License-Identifier: GPL-3.0-or-later
# ovpn-token — build, test and demo.
#   make            release build: ./ovpn-token
#   make test       unit tests (cmocka) and end-to-end tests, built with ASan and UBSan
#   make demo       throwaway PKI + SoftHSM2 token + loopback server, then `ovpn-token start`
#   make deps       install the Debian packages everything here needs (as root)

CC      ?= cc
# OpenSSL (certificates), libp11 and pcsc-lite (tokens and readers), readline (visible prompts).
PKGS    := openssl readline libp11 libpcsclite
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# -pthread: the PC/SC watch's helper thread (pcsc/watch.c, platform/posix/thread.c).
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -pthread
# libp11 has no version call: --version names the one built against.
PKG_CFLAGS += -DLIBP11_BUILD_VERSION='"$(shell pkg-config --modversion libp11)"'

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CFLAGS  ?= -O2 -g
# src/platform/posix on the include path: the platform's own variants of shared headers.
BASE_CFLAGS := -std=c11 $(WARN) -Isrc -Isrc/platform/posix -D_POSIX_C_SOURCE=200809L \
               -D_DEFAULT_SOURCE $(PKG_CFLAGS)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

VERSION := $(shell cat VERSION)

include mk/sources.mk

# Everything but the entry point: the program and every unit test link these objects.
CORE_SRC := $(PORTABLE_SRC) $(P11_SRC) $(POSIX_SRC)
UNIT_SRC := $(UNIT_PORTABLE) $(UNIT_NATIVE_ONLY)

REL := build/release
TST := build/test

.PHONY: all test unit e2e demo deps clean
all: ovpn-token

# mk/*.mk add their own targets (windows, fuzz, ...) and append to TEST_TARGETS.
TEST_TARGETS := unit
# The openvpn binaries the e2e suite runs against, one whole run each; mk/openvpn.mk adds 2.7.
E2E_OPENVPNS := openvpn
E2E_DEPS :=
-include $(sort $(filter-out mk/sources.mk,$(wildcard mk/*.mk)))
TEST_TARGETS += e2e

ovpn-token: $(REL)/ovpn-token
	cp $< $@

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -DOVPN_TOKEN_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(TST)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC+SAN  $<"
	@$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) -DOVPN_TOKEN_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(REL)/ovpn-token: $(CORE_SRC:%.c=$(REL)/%.o) $(MAIN_SRC:%.c=$(REL)/%.o)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(TST)/ovpn-token: $(CORE_SRC:%.c=$(TST)/%.o) $(MAIN_SRC:%.c=$(TST)/%.o)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

$(TST)/unit/%: $(TST)/tests/unit/%.o $(CORE_SRC:%.c=$(TST)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka)

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(TST)/unit/%)

# Programs the end-to-end tests run beside ovpn-token, on the same objects.
$(TST)/tools/%: $(TST)/tests/tools/%.o $(CORE_SRC:%.c=$(TST)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)
E2E_TOOLS := $(TST)/tools/pcsc_watch_churn
.SECONDARY: $(E2E_TOOLS:$(TST)/tools/%=$(TST)/tests/tools/%.o)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

e2e: $(TST)/ovpn-token $(E2E_TOOLS) $(E2E_DEPS)
	OVPN_TOKEN=$(CURDIR)/$(TST)/ovpn-token OPENVPNS="$(E2E_OPENVPNS)" tests/run-e2e.sh

test: $(TEST_TARGETS)

demo: ovpn-token
	tests/demo.sh $(CURDIR)/ovpn-token

deps:
	tools/install-deps

clean:
	rm -rf build ovpn-token

-include $(shell find build -name '*.d' 2>/dev/null)
