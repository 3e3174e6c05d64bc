#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-bench-builds.sh: bench/run on a fresh clone builds what its parts need itself, as `make
# test` does, so that one command gives the whole table: for the card rows it runs `make
# virt-cacard` (the virtual card) before it judges whether the card stack is there.  Run on a copy
# of bench/ and tests/lib/ (a tree without build/), with `make` standing in as a recorder that
# builds nothing: the card rows then say why they are not measured, and the bench ends at once.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail() { echo "check-bench-builds: FAIL: $*" >&2; exit 1; }

mkdir -p "$tmp/clone/tests" "$tmp/bin"
cp -r "$top/bench" "$tmp/clone/"
cp -r "$top/tests/lib" "$tmp/clone/tests/"
cat >"$tmp/bin/make" <<EOS
#!/bin/sh
echo "make \$*" >>"$tmp/make.log"
EOS
chmod +x "$tmp/bin/make"
: >"$tmp/make.log"
PATH="$tmp/bin:$PATH" OVPN_TOKEN=/bin/true BENCH_ONLY=card VIRT_CACARD='' \
	timeout 120 "$tmp/clone/bench/run" >"$tmp/out" 2>"$tmp/err" ||
	fail "bench/run exited with $?: $(tail -n 5 "$tmp/err")"
grep -q "^make -C $tmp/clone .*virt-cacard" "$tmp/make.log" ||
	fail "bench/run did not build the virtual card (make virt-cacard); it ran: $(cat "$tmp/make.log")"
grep -q "the card rows" "$tmp/out" || fail "bench/run printed no card row: $(cat "$tmp/out")"
echo "check-bench-builds: ok: bench/run builds the virtual card itself (make virt-cacard)"
