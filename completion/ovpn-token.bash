# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for ovpn-token (needs the bash-completion package's helpers).
# Installed as /usr/share/bash-completion/completions/ovpn-token, loaded on first use.

# Client configs of the systemd unit: offered as full paths, since `start` takes a path.
: "${OVPN_TOKEN_COMPLETION_CLIENT_DIR:=/etc/openvpn/client}"
# The tunnels `serve` runs, one folder each: what connect, disconnect and status take.
: "${OVPN_TOKEN_COMPLETION_RUN_DIR:=/run/ovpn-token}"

# What --cert can match, for the provider named on the line: each certificate's subject and its
# CN alone (PATTERN is matched against the subject, so either selects it).  Run as the program
# being completed (words[0]), so ./ovpn-token completes from itself.
_ovpn_token_cert_patterns() {
	local prog=$1 provider=$2
	[[ $prog == */* && -x $prog ]] || prog=ovpn-token
	command -v "$prog" >/dev/null 2>&1 || return 0
	"$prog" list --json --provider "$provider" 2>/dev/null |
		sed -n 's/^ *"subject\(_cn\)\{0,1\}": "\(.*\)",\{0,1\}$/\2/p' |
		grep -v '\\u' | sed -e 's/\\"/"/g' -e 's/\\\\/\\/g' | sort -u
}

_ovpn_token() {
	local cur prev words cword split
	_init_completion -s || return

	local i command= provider=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--provider) provider=${words[i + 1]} ;;
		--provider=*) provider=${words[i]#--provider=} ;;
		esac
		[[ -n $command ]] && continue
		case ${words[i]} in
		-*) ;;
		*)
			# A word after an option that takes a value is that value, not the command.
			case ${words[i - 1]} in
			--openvpn | --cert | --management-password-file | --management-password-fd | \
				--log | --provider | --pin-file | --pin-fd | --status-file | --auth-user-pass-file | \
				--on-removal | --group | --service | --subject | --key | --id | --label | --token | \
				--out | --import) ;;
			*) command=${words[i]} ;;
			esac
			;;
		esac
	done
	[[ -n $provider ]] && __expand_tilde_by_ref provider

	case $prev in
	--cert)
		if [[ -n $provider ]]; then
			local pattern typed
			# cur as typed may carry quotes or backslashes: compare with it unquoted (by hand:
			# eval would run whatever the line holds).
			typed=${cur//\\/}
			typed=${typed//\'/}
			typed=${typed//\"/}
			COMPREPLY=()
			while IFS= read -r pattern; do
				[[ $pattern == "$typed"* ]] && COMPREPLY+=("$(printf '%q' "$pattern")")
			done < <(_ovpn_token_cert_patterns "${words[0]}" "$provider")
			# readline replaces only what follows the last '=' of the word: drop what precedes it.
			if [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
				local before=${cur%"${cur##*=}"}
				COMPREPLY=("${COMPREPLY[@]#"$before"}")
			fi
		fi
		return
		;;
	--pin-fd | --management-password-fd)
		return
		;;
	--on-removal)
		COMPREPLY=($(compgen -W 'disconnect keep' -- "$cur"))
		return
		;;
	--group)
		COMPREPLY=($(compgen -g -- "$cur"))
		return
		;;
	--key)
		COMPREPLY=($(compgen -W 'rsa:2048 rsa:3072 ec:P-256 ec:P-384' -- "$cur"))
		return
		;;
	--subject | --id | --label | --token)
		return
		;;
	--out | --import)
		_filedir
		return
		;;
	--provider)
		_filedir '@(so|dll|dylib)'
		return
		;;
	--openvpn | --log | --pin-file | --management-password-file | --status-file | \
		--auth-user-pass-file)
		_filedir
		return
		;;
	esac
	$split && return

	# The options each command takes, as `ovpn-token --help` lists them under it (the commands
	# refuse the others), without the Windows-only --service and shortcut; before the command's
	# name, any of them.  tests/dist/check-completion.sh holds these to --help.
	local session='--cert --provider --pin-file --pin-fd --auth-user-pass-file --batch --no-cache
		--status-file --on-removal'
	local opts
	case $command in
	start) opts="--openvpn --log --external-key --no-external-key --restart $session" ;;
	attach) opts="$session --management-password-file --management-password-fd" ;;
	serve) opts='--openvpn --log --group' ;;
	connect) opts="$session" ;;
	status) opts='--json' ;;
	list) opts='--provider --json --all' ;;
	doctor) opts='--openvpn --cert --provider --external-key --no-external-key' ;;
	enroll) opts='--cert --provider --pin-file --pin-fd --batch --subject --key --id --label
		--token --out --import --chain --renew --remove-old' ;;
	'') opts="--openvpn --log --external-key --no-external-key --restart $session --management-password-file
		--management-password-fd --json --all --group --subject --key --id --label --token --out
		--import --chain --renew --remove-old" ;;
	*) opts= ;;
	esac
	opts="$opts --verbose --quiet --help --version"

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi

	case $command in
	'')
		COMPREPLY=($(compgen -W 'start attach serve connect disconnect status list doctor enroll help' \
			-- "$cur"))
		;;
	connect | disconnect | status)
		# One NAME: a folder of the run directory (its hidden files are serve's locks).
		local n=0 d
		for ((i = 1; i < cword; i++)); do
			[[ ${words[i]} != -* && ${words[i]} != "$command" ]] && n=1
		done
		((n)) && return
		for d in "$OVPN_TOKEN_COMPLETION_RUN_DIR"/*/; do
			d=${d%/}
			d=${d##*/}
			[[ -d $OVPN_TOKEN_COMPLETION_RUN_DIR/$d && $d == "$cur"* ]] && COMPREPLY+=("$d")
		done
		;;
	start | doctor | serve | enroll)
		# Only one config: nothing more once it is there.
		local n=0
		for ((i = 1; i < cword; i++)); do
			[[ ${words[i]} == *.ovpn || ${words[i]} == *.conf ]] && n=1
		done
		((n)) && return
		_filedir '@(ovpn|conf)'
		local f
		for f in "$OVPN_TOKEN_COMPLETION_CLIENT_DIR"/*.conf; do
			[[ -f $f && $f == "$cur"* ]] && COMPREPLY+=("$f")
		done
		;;
	attach)
		# HOST:PORT is typed; a unix socket is a path.
		_filedir
		;;
	esac
}
complete -F _ovpn_token ovpn-token
