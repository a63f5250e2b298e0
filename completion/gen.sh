#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# gen.sh MMFRAG: print the bash completion for mmfrag, generated from its --help at build
# time (the Makefile writes it to $(O)/completion/mmfrag), so that every subcommand of the
# command table and every option of each subcommand's --help is completed, and nothing
# else.  Option values: FILE -> file names, DIR -> directories; other values (numbers,
# names, lists) are left to the user.
set -eu
MMFRAG=$1

# opts < HELPTEXT: one "SHORT LONG ARG" line per option of argp's option column ("-" where
# there is none): "  -o, --output=FILE   ...", "      --usage   ...", "  -x ARG   ..."
opts() {
	awk '/^  +-/ {
		line = $0; sub(/^ +/, "", line); s = "-"; l = "-"; a = "-"
		if (line ~ /^-[^-]/) {
			s = substr(line, 1, 2); line = substr(line, 3)
			if (line ~ /^ [A-Z]/) { split(substr(line, 2), w, " "); a = w[1] }
			sub(/^, /, "", line)
		}
		if (line ~ /^--[a-z0-9]/) {
			match(line, /^--[a-z0-9-]+/); l = substr(line, 1, RLENGTH)
			rest = substr(line, RLENGTH + 1)
			if (rest ~ /^\[?=/) {
				match(rest, /^\[?=[^ \]]+/); a = substr(rest, 1, RLENGTH)
				gsub(/[\[=]/, "", a)
			}
		}
		if (s != "-" || l != "-") print s, l, a
	}'
}

cmds=$("$MMFRAG" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | tr '\n' ' ')
[ -n "$cmds" ] || { echo "gen.sh: no command table in '$MMFRAG --help'" >&2; exit 1; }

cat <<'EOF'
# bash completion for mmfrag(1)                                        -*- shell-script -*-
# Generated from mmfrag --help by completion/gen.sh at build time: do not edit.
EOF
printf '_mmfrag_cmds="%s"\n' "${cmds% }"

emit() {	# emit NAME HELPTEXT-COMMAND...
	name=$1; shift
	table=$("$@" --help | opts)
	words=$(echo "$table" | awk '{ if ($2 != "-") printf "%s%s ", $2, ($3 != "-" ? "=" : "");
		if ($1 != "-") printf "%s ", $1 }')
	printf '_mmfrag_opts_%s="%s"\n' "$name" "${words% }"
	printf '_mmfrag_arg_%s() {\n\tcase $1 in\n' "$name"
	echo "$table" | while read -r s l a; do
		[ "$a" != "-" ] || continue
		pat=$l; [ "$s" = "-" ] || pat="$s|$l"
		pat=$(printf '%s' "$pat" | sed 's/?/\\?/g')
		case $a in
		*FILE*) kind=file ;;
		*DIR*) kind=dir ;;
		*) kind=none ;;
		esac
		printf '\t%s) echo "%s" ;;\n' "$pat" "$kind"
	done
	printf '\t*) echo "" ;;\n\tesac\n}\n'
}

emit global "$MMFRAG"
for c in $cmds; do
	emit "$(echo "$c" | tr - _)" "$MMFRAG" "$c"
done

cat <<'EOF'

_mmfrag_values()
{
	local kind=$1 cur=$2
	case $kind in
	file) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
	dir) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
	*) COMPREPLY=() ;;
	esac
}

_mmfrag()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w kind opt
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()
	# the subcommand: the first word that is not an option (global options take no value)
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in -*) ;; *) cmd=$w; break ;; esac
	done
	if [ -z "$cmd" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W "$_mmfrag_opts_global" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$_mmfrag_cmds" -- "$cur")) ;;
		esac
		return 0
	fi
	case " $_mmfrag_cmds " in *" $cmd "*) ;; *) return 0 ;; esac
	cmd=${cmd//-/_}
	# "mmfrag record -- COMMAND ...": a command line of its own
	if [ "$cmd" = record ]; then
		for ((i = 2; i < COMP_CWORD; i++)); do
			if [ "${COMP_WORDS[i]}" = -- ]; then
				[ $((i + 1)) -eq "$COMP_CWORD" ] && COMPREPLY=($(compgen -c -- "$cur")) ||
					{ compopt -o default 2>/dev/null; COMPREPLY=(); }
				return 0
			fi
		done
	fi
	# an option's value: "--opt=VALUE" (bash splits at '='), "--opt VALUE", "-o VALUE"
	opt=
	if [ "$cur" = = ]; then
		opt=$prev; cur=
	elif [ "$prev" = = ] && [ "$COMP_CWORD" -gt 1 ]; then
		opt=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		opt=${cur%%=*}; cur=${cur#*=}
	else
		case $prev in -*) [ -n "$("_mmfrag_arg_$cmd" "$prev")" ] && opt=$prev ;; esac
	fi
	if [ -n "$opt" ]; then
		kind=$("_mmfrag_arg_$cmd" "$opt")
		[ -n "$kind" ] && { _mmfrag_values "$kind" "$cur"; return 0; }
	fi
	case $cur in
	-*)
		local v=_mmfrag_opts_$cmd
		COMPREPLY=($(compgen -W "${!v}" -- "$cur"))
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		;;
	*)
		# the operands: traces, results, capture folders
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
	return 0
}
complete -F _mmfrag mmfrag
EOF
