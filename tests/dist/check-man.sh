#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-man.sh BINARY MANPAGE OPTIONS_SOURCE COMMANDS_SOURCE: the man page is clean for
# `mandoc -Tlint` (warnings and worse; its style notes are not errors) and carries the version
# from VERSION; every long option of the option table in OPTIONS_SOURCE and every command of the
# command table in COMMANDS_SOURCE appears both in `BINARY --help` and in the man page as a reader
# sees it (rendered by mandoc); the man page's SYNOPSIS gives each command the options --help
# gives it; and the man page's list of options (after "The options are:") has one entry for each
# option --help describes (printed from the option table), with the same short letter and value.
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

# The tables: the name of each entry X(ID, "name", ...) (the flag-only command has NULL there).
table() {
	sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *"\([a-z][a-z0-9-]*\)".*/\1/p' "$1"
}
options=$(table "$src") commands=$(table "$cmd_src")
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

# Which options go with which command: --help prints them from the command table (under each
# command's line), and the man page's SYNOPSIS must say the same.
help_options() { # COMMAND
	awk -v c="$1" '/^  ovpn-token [a-z]/ {on = ($2 == c); next}
		/^      --/ {if (on) for (i = 1; i <= NF; i++) print $i; next}
		/^[^ ]/ {on = 0}' "$tmp/help.txt" | sort
}
man_options() { # COMMAND
	awk -v c="$1" '/^SYNOPSIS/ {syn = 1; next}
		/^[A-Z]/ {syn = 0}
		syn && /^ +ovpn-token / {on = ($2 == c)}
		syn && on {for (i = 1; i <= NF; i++) if ($i ~ /^\[--[a-z-]+/) {
			o = $i; sub(/^\[/, "", o); sub(/\]$/, "", o); print o}}' "$tmp/man.txt" | sort
}
differ=
for c in $commands; do
	h=$(help_options "$c" | paste -sd ' ') m=$(man_options "$c" | paste -sd ' ')
	[ "$h" = "$m" ] || differ="$differ
  $c: --help: '$h'; man page: '$m'"
done
[ -z "$differ" ] || fail "the man page's SYNOPSIS and --help disagree on the options:$differ"
[ -n "$(help_options start)" ] || fail "--help lists no options under 'ovpn-token start'"

# Each option as "-v --verbose" or "--log file": its letter, its name and its value, lower case.
# --help prints them from the option table, one entry a line indented by two ("  --log FILE");
# the man page has an ".It Fl ..." entry each in its list of options.
help_entries() {
	awk '/^  -/ {sub(/^  /, ""); sub(/   .*/, ""); print}' "$tmp/help.txt" |
		sed 's/, / /' | tr 'A-Z' 'a-z' | sort
}
man_entries() {
	awk '/^The options are:/ {on = 1; next} on && /^\.El/ {exit}
		on && /^\.It Fl/ {print}' "$page" |
		sed -e 's/^\.It //' -e 's/Fl \([a-zA-Z]\) , /-\1 /' -e 's/Fl -/--/g' -e 's/ Ar / /' \
			-e 's/ Cm / /' -e 's/ | /|/g' | tr 'A-Z' 'a-z' | sort
}
help_entries >"$tmp/help.entries"
man_entries >"$tmp/man.entries"
[ "$(wc -l <"$tmp/help.entries")" = "$(echo $options | wc -w)" ] ||
	fail "--help describes $(wc -l <"$tmp/help.entries") options, the table has $(echo $options | wc -w)"
diff -u "$tmp/help.entries" "$tmp/man.entries" >"$tmp/entries.diff" ||
	fail "the man page's list of options (+) is not --help's (-):
$(tail -n +3 "$tmp/entries.diff" | grep '^[-+]')"
echo "check-man: ok: $(echo $options | wc -w) options and $(echo $commands | wc -w) commands in --help and the man page, each command's options the same in both, each option's entry the same in both, mandoc -Tlint clean"
