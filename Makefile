# ovpn-token — build, test and demo.
#   make            release build: ./ovpn-token
#   make test       unit tests (cmocka) and end-to-end tests, built with ASan and UBSan
#   make demo       throwaway PKI + SoftHSM2 token + loopback server, then `ovpn-token start`
#   make deps       install the Debian packages everything here needs (as root)

CC      ?= cc
PKGS    := openssl readline
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
CFLAGS  ?= -O2 -g
BASE_CFLAGS := -std=c11 $(WARN) -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(PKG_CFLAGS)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

PREFIX  ?= /usr/local
VERSION := $(shell cat VERSION)

# Everything but the entry point goes into a library the unit tests link against.
CORE_SRC := $(wildcard src/*.c src/mgmt/*.c src/pkcs11/*.c src/ui/*.c) $(wildcard src/platform/posix_*.c)
CORE_SRC := $(filter-out src/main.c,$(CORE_SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL := build/release
TST := build/test

.PHONY: all test unit e2e demo deps clean install
all: ovpn-token

# mk/*.mk add their own targets (windows, fuzz, ...) and append to TEST_TARGETS.
TEST_TARGETS := unit
# The openvpn binaries the e2e suite runs against, one whole run each; mk/openvpn.mk adds 2.7.
E2E_OPENVPNS := openvpn
E2E_DEPS :=
-include $(sort $(wildcard mk/*.mk))
TEST_TARGETS += e2e

ovpn-token: $(REL)/ovpn-token
	cp $< $@

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE_CFLAGS) $(CFLAGS) -DOVPN_TOKEN_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(TST)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC+SAN  $<"
	@$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) -DOVPN_TOKEN_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(REL)/ovpn-token: $(CORE_SRC:%.c=$(REL)/%.o) $(REL)/src/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(TST)/ovpn-token: $(CORE_SRC:%.c=$(TST)/%.o) $(TST)/src/main.o
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

$(TST)/unit/%: $(TST)/tests/unit/%.o $(CORE_SRC:%.c=$(TST)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka)

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(TST)/unit/%)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

e2e: $(TST)/ovpn-token $(E2E_DEPS)
	OVPN_TOKEN=$(CURDIR)/$(TST)/ovpn-token OPENVPNS="$(E2E_OPENVPNS)" tests/run-e2e.sh

test: $(TEST_TARGETS)

demo: ovpn-token
	tests/demo.sh $(CURDIR)/ovpn-token

deps:
	tools/install-deps

SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system

build/ovpn-token@.service: conf/ovpn-token@.service.in
	@mkdir -p build
	sed 's|@BINDIR@|$(PREFIX)/bin|g' $< > $@

install: ovpn-token build/ovpn-token@.service
	install -D -m 0755 ovpn-token $(DESTDIR)$(PREFIX)/bin/ovpn-token
	install -D -m 0644 build/ovpn-token@.service $(DESTDIR)$(SYSTEMD_UNIT_DIR)/ovpn-token@.service
	install -D -m 0644 conf/smartcard-client.ovpn $(DESTDIR)$(PREFIX)/share/doc/ovpn-token/smartcard-client.ovpn

clean:
	rm -rf build ovpn-token

-include $(shell find build -name '*.d' 2>/dev/null)
