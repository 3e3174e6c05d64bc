# SPDX-License-Identifier: GPL-3.0-or-later
# libFuzzer targets for the management protocol code (tests/fuzz/).
#   make fuzz FUZZ_SECONDS=600   fuzz each target that long (default 60); new inputs go to
#                                build/fuzz/corpus/TARGET, crashes to build/fuzz/crash-TARGET-*
#   make fuzz-short              replay tests/fuzz/regressions/, then about 10 s per target;
#                                part of `make test`
# A crash found here: copy the crash file to tests/fuzz/regressions/TARGET/ so every later run
# replays it.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SHORT_SECONDS ?= 10
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS := fuzz_lines fuzz_replies fuzz_command fuzz_pk_sign fuzz_challenge fuzz_session \
                fuzz_broker
# Only the protocol code: it has no dependencies, so the targets build without OpenSSL.
FUZZ_LIB_SRC := $(MGMT_SRC)
FUZZ_FLAGS   := -std=c11 -Wall -Wextra -Werror -Isrc -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
                -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz fuzz-short fuzz-build fuzz-regressions

# The session, driven through its io seam (tests/lib/session_io_script.h): its own files, the
# secrets and the output, with the platform's few calls and the crypto backend stubbed
# in the target itself.
FUZZ_SESSION_SRC := $(MGMT_SRC) $(wildcard src/session/*.c) src/openvpn/supervise.c \
	src/pkcs11/id_codec.c src/pkcs11/signer_none.c \
	src/secret/secret.c src/secret/source.c src/ui/output.c src/ui/sanitize.c src/cert/text.c \
	src/codec/utc.c

$(FUZZ_DIR)/fuzz_session: tests/fuzz/fuzz_session.c tests/fuzz/fuzz_common.h \
		tests/lib/session_io_script.h $(FUZZ_SESSION_SRC) $(wildcard src/*/*.h)
	@mkdir -p $(FUZZ_DIR)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SESSION_SRC)

# serve's broker: what a member sends, through the allow-list.
FUZZ_BROKER_SRC := $(MGMT_SRC) src/served/allow.c src/served/broker.c

$(FUZZ_DIR)/fuzz_broker: tests/fuzz/fuzz_broker.c tests/fuzz/fuzz_common.h $(FUZZ_BROKER_SRC) \
		$(wildcard src/mgmt/*.h src/served/*.h)
	@mkdir -p $(FUZZ_DIR)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_BROKER_SRC)

$(FUZZ_DIR)/%: tests/fuzz/%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_SRC) $(wildcard src/mgmt/*.h)
	@mkdir -p $(FUZZ_DIR)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB_SRC)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

# Every file under tests/fuzz/regressions/TARGET/ once: a fixed bug stays fixed.
fuzz-regressions: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		files=$$(find tests/fuzz/regressions/$$t -type f ! -name '*.md' 2>/dev/null | sort); \
		[ -n "$$files" ] || continue; \
		echo "== $$t: replaying $$(echo "$$files" | wc -l) regression input(s)"; \
		$(FUZZ_DIR)/$$t -runs=1 $$files >$(FUZZ_DIR)/$$t.replay.log 2>&1 || \
			{ tail -n 40 $(FUZZ_DIR)/$$t.replay.log; echo "$$t: a regression input fails"; exit 1; }; \
	done

# $(1): seconds per target.  The checked-in seeds are read, never written to.  fuzz_lines may
# take inputs longer than the reader's 16 KiB buffer, so LINE_TOO_LONG is reached.
define fuzz_run
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t; \
		case $$t in fuzz_lines|fuzz_pk_sign) maxlen=40000 ;; *) maxlen=4096 ;; esac; \
		echo "== $$t: fuzzing $(1) s"; \
		if ! $(FUZZ_DIR)/$$t -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 \
			-max_len=$$maxlen -dict=tests/fuzz/mgmt.dict -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$t- \
			$(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t >$(FUZZ_DIR)/$$t.log 2>&1; then \
			tail -n 60 $(FUZZ_DIR)/$$t.log; \
			echo "$$t: FAILED; the input is in $(FUZZ_DIR)/crash-$$t-*"; exit 1; \
		fi; \
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $(FUZZ_DIR)/$$t.log | tail -n 2; \
	done
endef

fuzz: fuzz-regressions
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-short: fuzz-regressions
	$(call fuzz_run,$(FUZZ_SHORT_SECONDS))

TEST_TARGETS += fuzz-short
