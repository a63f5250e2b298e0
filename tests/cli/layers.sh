#!/usr/bin/env bash
# The error convention of include/mmfrag/common.h, held by the tree: below src/cmd/ no file
# prints a diagnostic or exits.  src/trace, model, metrics, sim, replay and output fill an
# error string or return -errno; only cmd_*() and main.c call mf_err()/mf_warn(), write to
# stderr or pick an exit status.  Renderers writing to the FILE * they are given are fine.
. "$(dirname "$0")/lib.sh"

LAYERS="trace model metrics sim replay output"
# the calls that print a diagnostic or end the process (comments stripped first)
BAD='\<(mf_err|mf_warn|perror|err|errx|warn|warnx|exit|_exit)[[:space:]]*\(|\<stderr\>'

# violations SRCDIR: "file:line: code" for each call of BAD in the layers under SRCDIR
violations() {
	local src=$1 f l
	for l in $LAYERS; do
		for f in "$src/$l"/*.c "$src/$l"/*.h; do
			[ -f "$f" ] || continue
			# the preprocessor strips comments (and strings' look-alikes stay strings)
			gcc -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null |
				grep -nE "$BAD" | sed "s|^|${f#$src/}:|"
		done
	done
}

# the check itself can fail: a planted call in each layer is found
mkdir -p "$TMP/src"
planted=0
for l in $LAYERS; do
	mkdir -p "$TMP/src/$l"
	printf '/* mf_err("in a comment is fine") */\nint f(void)\n{\n\tmf_warn("x");\n\treturn 0;\n}\n' \
		>"$TMP/src/$l/a.c"
	printf 'void g(void)\n{\n\tfprintf(stderr, "x\\n");\n}\n' >"$TMP/src/$l/b.c"
	planted=$((planted + 2))
done
found=$(violations "$TMP/src" | wc -l)
if [ "$found" -eq "$planted" ]; then ok "layers: the check finds planted calls ($found)"
else nok "layers: the check finds $found of $planted planted calls"; fi

violations "$TOP/src" >"$TMP/found"
if [ ! -s "$TMP/found" ]; then
	ok "layers: nothing below src/cmd prints a diagnostic or exits"
else
	nok "layers: calls that print or exit below src/cmd"; sed 's/^/#   /' "$TMP/found" | head -20
fi

# and the cmd layer does call them (the pattern is not simply blind)
if gcc -fpreprocessed -dD -E -P -x c "$TOP/src/cmd/cmd-replay.c" 2>/dev/null | grep -qE "$BAD"; then
	ok "layers: src/cmd prints its errors"
else
	nok "layers: the pattern finds no mf_err() in src/cmd/cmd-replay.c"
fi

finish
