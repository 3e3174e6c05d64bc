#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-docs-agree.sh BINARY: where the same fact is written in several places, they say the same.
#   - the exit codes after which the unit ovpn-token@.service is not restarted
#     (RestartPreventExitStatus=), in the unit, doc/guide.md and the man page's EXAMPLES;
#   - the unit's folder modes (StateDirectoryMode= ...) and doc/guide.md and the man page;
#   - the exit codes of src/exit_codes.h, --help, the man page's EXIT STATUS and README.md;
#   - exit 16 of `status NAME` in all of those;
#   - the man page as a reader sees it has no plain word rendered as a flag ("-default").
set -eu
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-docs-agree: FAIL: $*" >&2; exit 1; }
unit=$top/conf/ovpn-token@.service.in guide=$top/doc/guide.md page=$top/doc/ovpn-token.1

MANWIDTH=200 mandoc -Tascii -O width=200 "$page" | col -b | tr -s ' \t\n' ' ' >"$tmp/man.txt"
tr -s ' \t\n' ' ' <"$guide" >"$tmp/guide.txt"
"$bin" --help >"$tmp/help.txt"

# "2 5 6" -> "2, 5, 6"
commas() { sed 's/ \+/, /g'; }

prevent=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit" | commas)
[ -n "$prevent" ] || fail "no RestartPreventExitStatus= in $unit"
grep -qF "not restarted after exit codes that a retry cannot fix ($prevent)" "$tmp/guide.txt" ||
	fail "doc/guide.md does not say the unit is not restarted after ($prevent), as the unit does"
grep -qF "not restarted after the exit codes a retry cannot fix ($prevent)" "$tmp/man.txt" ||
	fail "the man page's EXAMPLES do not say ($prevent), as the unit does"

modes=
for d in State Logs Runtime; do
	m=$(sed -n "s/^${d}DirectoryMode=//p" "$unit")
	[ -n "$m" ] || fail "the unit sets no ${d}DirectoryMode= (systemd's default would be unsaid)"
	modes="$modes${modes:+, }${d}Directory= $m"
	grep -qF "\`${d}Directory=\` $m" "$tmp/guide.txt" ||
		fail "doc/guide.md does not give ${d}Directory= mode $m, as the unit does"
	grep -qF "${d}Directory= $m" "$tmp/man.txt" ||
		fail "the man page does not give ${d}Directory= mode $m, as the unit does"
done

# one_line: the numbers on stdin, one line, space-separated.
one_line() { tr -s ' \n' ' ' | sed 's/^ //; s/ $//'; }
codes=$(sed -n 's/^[[:space:]]*EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' "$top/src/exit_codes.h" | one_line)
[ "$(echo "$codes" | wc -w)" -ge 10 ] || fail "found only '$codes' in exit_codes.h"
help_codes=$(sed -n '/^Exit codes:/,$p' "$tmp/help.txt" | sed -n 's/^ *\([0-9]\+\)  .*/\1/p' | one_line)
[ "$help_codes" = "$codes" ] || fail "--help lists exit codes $help_codes, exit_codes.h $codes"
man_codes=$(sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /p' "$page" | sed -n 's/^\.It \([0-9]\+\)$/\1/p' | one_line)
[ "$man_codes" = "$codes" ] || fail "the man page lists exit codes $man_codes, exit_codes.h $codes"
readme_codes=$(sed -n 's/^| \([0-9]\+\) | .*/\1/p' "$top/README.md" | one_line)
[ "$readme_codes" = "$codes" ] || fail "README.md lists exit codes $readme_codes, exit_codes.h $codes"

not_served=$(sed -n 's/^[[:space:]]*EXIT_NOT_SERVED = \([0-9]*\),.*/\1/p' "$top/src/exit_codes.h")
grep -q "^ *$not_served  .*status NAME" "$tmp/help.txt" || fail "--help does not give status NAME exit $not_served"
grep -qE "^\| $not_served \| .*status NAME" "$top/README.md" || fail "README.md does not give status NAME exit $not_served"
grep -qF "$not_served connect, disconnect, status name" "$tmp/man.txt" ||
	fail "the man page's EXIT STATUS does not give status name exit $not_served"
grep -q "^ \* Exit: .*$not_served (EXIT_NOT_SERVED)" "$top/src/cmd/status.c" ||
	fail "src/cmd/status.c's comment does not say exit $not_served"

# A plain word that a stray Fl renders as a flag beside an option (".Pq Fl -group , default"
# gives "(--group, -default").
stray=$(grep -oE -- '--[a-z][a-z-]*, -[a-z]{2,}' "$tmp/man.txt" || true)
[ -z "$stray" ] || fail "the man page renders a word as a flag: '$stray'"

echo "check-docs-agree: ok: unit, guide, man page, --help and README agree ($prevent; $modes)"
