#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# check-completion.sh BINARY: the bash completion (completion/ovpn-token.bash), loaded into a bash
# with the bash-completion package's helpers, answers as a user pressing TAB would see: commands,
# options per command, config files, and --cert from the subjects on a real SoftHSM2 token when
# --provider is on the line.  COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT are set as readline
# sets them, then the completion function runs and COMPREPLY is compared.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
script=$here/../../completion/ovpn-token.bash
bc=/usr/share/bash-completion/bash_completion
# shellcheck source=../lib/testbed.sh
. "$here/../lib/testbed.sh"
tb_init
[ -r "$bc" ] || fail "$bc missing (package bash-completion)"

PIN=123456
make_pki "$T" "Anna Example" "Bob Builder"
make_token "$T" "Test Token" "$PIN" "Anna Example" "Bob Builder"

mkdir -p "$T/work/sub" "$T/client" "$T/run/office" "$T/run/lab"
touch "$T/work/office.ovpn" "$T/work/home.conf" "$T/work/notes.txt" "$T/client/vpn1.conf" \
	"$T/run/.office.lock"

# answers WORD...: COMPREPLY, sorted, one per line, for the line WORD... with the cursor at the
# end of the last WORD ('' = a new word just begun).
answers() {
	(cd "$T/work" && OVPN_TOKEN_COMPLETION_CLIENT_DIR="$T/client" \
		OVPN_TOKEN_COMPLETION_RUN_DIR="$T/run" bash --norc --noprofile -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_ovpn_token "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$bc" "$script" "$@" 2>"$T/bash.err" | sed '/^$/d' | sort)
}
nfail=0
expect() { # EXPECTED(lines joined by '|') WORD...
	local want=$1 got; shift
	got=$(answers "$@" | paste -sd '|')
	if [ "$got" = "$want" ]; then
		log "ok: [$*] -> $got"
	else
		log "FAIL: [$*]: expected '$want', got '$got'"
		sed 's/^/    bash: /' "$T/bash.err" >&2
		nfail=$((nfail + 1))
	fi
}

expect 'attach|connect|disconnect|doctor|enroll|help|list|serve|start|status' "$bin" ''
expect 'start|status' "$bin" st
expect 'start' "$bin" star
expect '--all|--help|--json|--provider|--quiet|--verbose|--version' "$bin" list --
expect '--cert|--external-key|--help|--no-external-key|--openvpn|--provider|--quiet|--verbose|--version' "$bin" doctor --
expect '--pin-fd|--pin-file|--provider' "$bin" start --p
expect '--restart' "$bin" start --res
expect '' "$bin" attach --res
expect '' "$bin" attach --log
expect '--management-password-fd|--management-password-file' "$bin" attach --man
expect '' "$bin" start --man
expect '' "$bin" list --ba
expect '--help|--quiet|--verbose|--version' "$bin" help --
expect 'ec:P-256|ec:P-384' "$bin" enroll --key ec
expect '--remove-old|--renew' "$bin" enroll --re
# Before the command's name any option may stand; after it, only the command's own.
expect '--json' "$bin" --j
expect '--restart' "$bin" --res

# Each command offers exactly the options `--help` lists under it (printed from the command
# table, which the parser enforces), less the Windows-only ones, plus the global ones.
globals='--help --quiet --verbose --version'
windows_only='--service --start-menu'
"$bin" --help >"$T/help.txt"
help_options() { # COMMAND
	awk -v c="$1" '/^  ovpn-token [a-z]/ {on = ($2 == c); next}
		/^      --/ {if (on) for (i = 1; i <= NF; i++) print $i; next}
		/^[^ ]/ {on = 0}' "$T/help.txt"
}
all=
for c in $(awk '/^  ovpn-token [a-z]/ {print $2}' "$T/help.txt"); do
	case $c in help | shortcut | disconnect) continue ;; esac  # no options; Windows only
	want=$( (help_options "$c"; printf '%s\n' $globals) | grep -vxF -e ${windows_only// / -e } | sort | paste -sd '|')
	[ "$(help_options "$c" | wc -l)" -ge 1 ] || fail "--help lists no options under $c"
	expect "$want" "$bin" "$c" --
	all="$all $(help_options "$c")"
done
want=$(printf '%s\n' $all $globals | grep -vxF -e ${windows_only// / -e } | sort -u | paste -sd '|')
expect "$want" "$bin" --
# Which options take a value, as --help prints them from the option table, one entry a line
# indented by two ("  --log FILE   ..."): the word after one is its value, not the command, so
# the command's name is still completed.
awk '/^  -/ {sub(/^  (-., )?/, ""); sub(/   .*/, ""); print}' "$T/help.txt" >"$T/entries"
[ "$(wc -l <"$T/entries")" -ge 20 ] || fail "--help describes only $(wc -l <"$T/entries") options"
while read -r o value; do
	case $o in --help | --version) continue ;; esac  # they replace the command
	if [ -n "$value" ]; then
		expect 'start|status' "$bin" "$o" x st
	else
		expect 'start|status' "$bin" "$o" st
	fi
done <"$T/entries"
# config files: *.ovpn, *.conf, directories, and the unit's client configs as full paths
expect "$T/client/vpn1.conf|home.conf|office.ovpn|sub" "$bin" start ''
expect 'office.ovpn' "$bin" doctor o
expect 'office.ovpn' "$bin" --provider o start o
expect '' "$bin" start office.ovpn ''
# serve takes a config as start does; connect, disconnect and status a served tunnel's name
expect "$T/client/vpn1.conf|home.conf|office.ovpn|sub" "$bin" serve ''
expect 'lab|office' "$bin" connect ''
expect 'office' "$bin" disconnect o
expect '' "$bin" connect office ''
expect '--group' "$bin" serve --gr
# a value that is any file
expect 'home.conf|notes.txt|office.ovpn|sub' "$bin" start --log ''
expect '' "$bin" start --pin-fd ''
# --cert: from `list --json` when the provider is known, nothing otherwise
expect '' "$bin" start --cert ''
expect 'Anna\ Example|Bob\ Builder|CN=Anna\ Example|CN=Bob\ Builder' \
	"$bin" start --provider "$SOFTHSM_LIB" --cert ''
expect 'Anna\ Example' "$bin" --provider "$SOFTHSM_LIB" start --cert An
# readline replaces only what follows the '=' in the word, so the answer is the rest.
expect 'Bob\ Builder' "$bin" start --provider "$SOFTHSM_LIB" --cert CN=B
expect 'Bob\ Builder' "$bin" attach --provider "$SOFTHSM_LIB" --cert 'Bob\ '

[ "$nfail" = 0 ] || fail "$nfail completion answer(s) wrong"
pass
