#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-man.sh BINARY MANPAGE OPTIONS_SOURCE COMMANDS_SOURCE: the man page is clean for `mandoc -Tlint` (warnings
# and worse; its style notes are not errors) and carries the version from VERSION, and every
# long option of the option table in OPTIONS_SOURCE and every command of the command table in
# COMMANDS_SOURCE
# appears both in `BINARY --help` and in the man page as a reader sees it (rendered by mandoc).
set -eu
bin=$1 page=$2 src=$3 cmd_src=$4
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-man: FAIL: $*" >&2; exit 1; }

mandoc -Tlint -W warning "$page" >"$tmp/lint" 2>&1 || true
grep -v 'mandoc.db' "$tmp/lint" >"$tmp/lint.real" || true
[ ! -s "$tmp/lint.real" ] || fail "mandoc -Tlint: $(cat "$tmp/lint.real")"

MANWIDTH=200 mandoc -Tascii -O width=200 "$page" | col -b >"$tmp/man.txt"
version=$(cat "$top/VERSION")
tail -n 1 "$tmp/man.txt" | grep -qF "ovpn-token $version" || fail "the page's footer does not say ovpn-token $version"
"$bin" --help >"$tmp/help.txt" 2>&1 || fail "$bin --help exited with $?"

# The tables: the first quoted string of each entry (the flag-only entries have none).
table() {
	awk -v t="$1" '$0 ~ "struct " t "[^;]*\\[\\] *= *\\{" {on = 1; next}
		on && /^\};/ {on = 0}
		on && match($0, /"[^"]+"/) {print substr($0, RSTART + 1, RLENGTH - 2)}' "$2"
}
options=$(table option_spec "$src") commands=$(table cmd_entry "$cmd_src")
[ "$(echo "$options" | wc -w)" -ge 10 ] || fail "found only '$options' as options in $src"
[ "$(echo "$commands" | wc -w)" -ge 4 ] || fail "found only '$commands' as commands in $cmd_src"

missing=
for o in $options; do
	grep -qE -- "--$o([^a-z-]|\$)" "$tmp/help.txt" || missing="$missing --$o(--help)"
	grep -qE -- "--$o([^a-z-]|\$)" "$tmp/man.txt" || missing="$missing --$o(man page)"
done
for c in $commands; do
	[ "$c" = help ] && continue   # `ovpn-token help` is the same as --help
	grep -qE "ovpn-token +$c\b" "$tmp/help.txt" || missing="$missing $c(--help)"
	grep -qE "ovpn-token +$c\b" "$tmp/man.txt" || missing="$missing $c(man page)"
done
[ -z "$missing" ] || fail "not documented:$missing"
echo "check-man: ok: $(echo $options | wc -w) options and $(echo $commands | wc -w) commands in --help and the man page, mandoc -Tlint clean"
