#!/usr/bin/env bash
# Man pages (commands in section 1, the result document in 5): lint-clean, every EXAMPLES
# command runs, options, commands and simulate-mode config keys in step with --help.
#
# An example is a line "$ mmfrag ..." in the EXAMPLES section of a page (rendered, so roff
# escapes are gone).  The examples of one page run in order, from a fresh folder in $TMP
# holding links to traces/ and tests/, so that relative paths work and ./mmfrag.json and
# -o FILE land in $TMP.  Each must exit 0, unless the line ends in "# exit N".
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

command -v mandoc >/dev/null || { skip "man pages: mandoc is not installed"; exit 77; }
[ -x "$MMFRAG" ] || { nok "no $MMFRAG: run make first"; finish; exit; }
pages=(man/*.1 man/*.5)
[ -e "${pages[0]}" ] || { nok "no man pages in man/"; finish; exit; }

# render PAGE: the page as plain text, no overstrike, long lines unbroken
render() { mandoc -Tascii -O width=1000 "$1" | sed -e 's/.\x08//g'; }

# section NAME: the lines of one section of a rendered page (stdin)
section() { awk -v name="$1" '$0 == name { on = 1; next } /^[A-Z]/ { on = 0 } on'; }

# ---- (1) lint ----------------------------------------------------------------------------
for p in "${pages[@]}"; do
	out=$(mandoc -Tlint -W warning "$p" 2>&1)
	if [ $? -eq 0 ] && [ -z "$out" ]; then ok "mandoc -Tlint $p"
	else nok "mandoc -Tlint $p"; printf '%s\n' "$out" | head -10 | sed 's/^/#   /'; fi
done

# ---- (2) examples ------------------------------------------------------------------------
live_ok=false
[ -r /proc/buddyinfo ] && live_ok=true

for p in "${pages[@]}"; do
	name=$(basename "$p"); name=${name%.[15]}
	mapfile -t examples < <(render "$p" | section EXAMPLES | sed -nE 's/^ *\$ (mmfrag( .*)?)$/\1/p')
	if [ ${#examples[@]} -eq 0 ]; then nok "$p has no '\$ mmfrag' examples"; continue; fi
	dir=$TMP/ex-$name
	mkdir -p "$dir" && ln -s "$TOP/traces" "$dir/traces" && ln -s "$TOP/tests" "$dir/tests"
	for ex in "${examples[@]}"; do
		want=0
		if [[ $ex =~ \#\ exit\ ([0-9]+)$ ]]; then
			want=${BASH_REMATCH[1]}
			ex=${ex%"# exit "*}	# the last one: FILE#NAME has a '#' too
		fi
		# the live machine: needs /proc/buddyinfo
		if [[ ! $ex =~ (-p|--proc) ]] && [[ $ex =~ ^mmfrag\ status ]] && ! $live_ok; then
			skip "$name: $ex (no /proc/buddyinfo)"
			continue
		fi
		# the live view needs root and tracefs
		if [[ $ex =~ ^mmfrag\ top ]] && { [ "$(id -u)" -ne 0 ] ||
			[ ! -w /sys/kernel/tracing/instances ]; }; then
			skip "$name: $ex (needs root and tracefs)"
			continue
		fi
		cmd=$(printf '%s\n' "$ex" | sed -E 's/(^|[|;&] *)mmfrag( |$)/\1"$MMFRAG"\2/g')
		(cd "$dir" && MMFRAG="$MMFRAG" bash -o pipefail -c "$cmd") >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -eq "$want" ]; then ok "$name: $ex"
		else
			nok "$name: $ex (exit $rc, wanted $want)"
			sed 's/^/#   /' "$TMP/err" | head -5
		fi
	done
done

# ---- (3) options: --help and the OPTIONS section agree ------------------------------------
# help_opts CMD...: the long option of each option line of --help
help_opts() { "$MMFRAG" "$@" --help | sed -nE 's/^ +(-[^ -], )?(--[a-z][a-z-]*).*/\2/p' | sort -u; }
# man_opts PAGE: the long option of each tag of the OPTIONS section
man_opts() {
	render "$1" | section OPTIONS | sed -nE 's/^       (-[^ ,-], )?(--[a-z][a-z-]*).*/\2/p' | sort -u
}

for cmd in "" status replay report compare top; do
	if [ -n "$cmd" ]; then page=man/mmfrag-$cmd.1; label="mmfrag $cmd"
	else page=man/mmfrag.1; label="mmfrag"; fi
	[ -f "$page" ] || { nok "$label: no $page"; continue; }
	h=$(help_opts $cmd)
	m=$(man_opts "$page")
	if [ -z "$h" ]; then nok "$label --help lists no options"; continue; fi
	missing=$(comm -23 <(printf '%s\n' "$h") <(printf '%s\n' "$m") | tr '\n' ' ')
	extra=$(comm -13 <(printf '%s\n' "$h") <(printf '%s\n' "$m") | tr '\n' ' ')
	if [ -z "$missing" ]; then ok "$page documents every option of '$label --help'"
	else nok "$page lacks $missing"; fi
	if [ -z "$extra" ]; then ok "'$label --help' has every option of $page"
	else nok "'$label --help' lacks $extra(documented in $page)"; fi
done

# ---- (4) commands: one page each, listed in mmfrag(1) --------------------------------------
cmds=$("$MMFRAG" --help | sed -n '/^Commands:/,/^$/p' | sed -nE 's/^  ([a-z][a-z0-9-]*) .*/\1/p')
if [ -z "$cmds" ]; then nok "mmfrag --help lists no commands"; fi
for c in $cmds; do
	if [ -f "man/mmfrag-$c.1" ]; then ok "command $c has man/mmfrag-$c.1"
	else nok "command $c has no man/mmfrag-$c.1"; fi
	if render man/mmfrag.1 | grep -qF "mmfrag-$c(1)"; then ok "mmfrag(1) refers to mmfrag-$c(1)"
	else nok "mmfrag(1) does not refer to mmfrag-$c(1)"; fi
done
for p in man/mmfrag-*.1; do
	[ -e "$p" ] || continue
	c=${p#man/mmfrag-}; c=${c%.1}
	printf '%s\n' $cmds | grep -qx "$c" && ok "$p is a command of mmfrag --help" ||
		nok "$p: '$c' is not a command of mmfrag --help"
done

# ---- (5) simulate-mode keys: the knob table and mmfrag-replay(1) agree -----------------------
# 'mmfrag replay --help' lists the table (src/sim/config.c) as "  KEY=ARG  help"; the page's
# "Simulate mode" subsection has one tag "KEY=ARG" per key.  Both ways, ARG included, and
# a key with a sysctl (/proc/sys/vm/KEY in --help) is named vm.KEY on the page.
help_keys=$("$MMFRAG" replay --help | sed -n '/^Keys of --config/,/^$/p' |
	sed -nE 's/^  ([a-z_]+=[^ ]+)( .*)?$/\1/p' | sort)
man_sim=$(render man/mmfrag-replay.1 | awk '$0 == "   Simulate mode" { on = 1; next }
	/^   [A-Z]/ { on = 0 } on')
man_keys=$(printf '%s\n' "$man_sim" | sed -nE 's/^       ([a-z_]+=[^ ]+)$/\1/p' | sort -u)
if [ -z "$help_keys" ] || [ -z "$man_keys" ]; then
	nok "config keys: none in 'mmfrag replay --help' or in mmfrag-replay(1) Simulate mode"
else
	missing=$(comm -23 <(printf '%s\n' "$help_keys") <(printf '%s\n' "$man_keys") | tr '\n' ' ')
	extra=$(comm -13 <(printf '%s\n' "$help_keys") <(printf '%s\n' "$man_keys") | tr '\n' ' ')
	if [ -z "$missing" ]; then ok "mmfrag-replay(1) documents every config key of the table"
	else nok "mmfrag-replay(1) Simulate mode lacks config keys: $missing"; fi
	if [ -z "$extra" ]; then ok "every config key of mmfrag-replay(1) is in the table"
	else nok "mmfrag-replay(1) documents config keys the table lacks: $extra"; fi
	sysctls=$("$MMFRAG" replay --help | sed -n '/^Keys of --config/,/^$/p' |
		grep -oE '/proc/sys/vm/[a-z_]+' | sed 's|/proc/sys/vm/||' | sort -u)
	missing=
	for k in $sysctls; do
		grep -qF "vm.$k" <<<"$man_sim" || missing+="vm.$k "
	done
	if [ -n "$sysctls" ] && [ -z "$missing" ]; then
		ok "mmfrag-replay(1) names each config key's sysctl"
	else nok "mmfrag-replay(1) Simulate mode does not name: ${missing:-any sysctl}"; fi
fi

# ---- (6) documents: every key the JSON output has is named in its page -------------------
# json_keys FILE: every object key of the document, except event names under "events" and
# simulation names under "simulated" (the user's names, not the schema's)
json_keys() {
	python3 -c '
import json, sys
keys = set()
def walk(o, parent):
    if isinstance(o, dict):
        for k, v in o.items():
            if parent not in ("events", "simulated"):
                keys.add(k)
            walk(v, k)
    elif isinstance(o, list):
        for v in o:
            walk(v, parent)
for f in sys.argv[1:]:
    walk(json.load(open(f)), "")
print("\n".join(sorted(keys)))' "$@"
}

# keys_documented PAGE SECTION FILE...: each key a whole word of that section of the page
keys_documented() {
	local page=$1 sec=$2 text missing k; shift 2
	text=$(render "$page" | section "$sec")
	missing=
	for k in $(json_keys "$@"); do
		grep -qw -- "$k" <<<"$text" || missing+="$k "
	done
	if [ -z "$missing" ]; then ok "$page ($sec) names every key of its JSON output"
	else nok "$page ($sec) does not name: $missing"; fi
}

docs=()
for t in compact-small pagecache-small; do
	[ -f "traces/$t.dat" ] || continue
	if "$MMFRAG" replay -j --interval 1 --from-state "traces/$t.state/start" \
		--check-state "traces/$t.state/end" "traces/$t.dat" >"$TMP/$t.json" 2>"$TMP/err"; then
		docs+=("$TMP/$t.json")
	else
		nok "replay $t for the key check"; sed 's/^/#   /' "$TMP/err" | head -3
	fi
done
# simulate mode: a start capture's machine and a memory= one, several knobs changed
sim_docs=()
if "$MMFRAG" replay -j --simulate --config name=base \
	--config name=other,pageblock_order=10,mobility_grouping=off,defrag_mode=on,min_free_kbytes=8192 \
	--config name=small,memory=256M,compaction=off traces/compact-small.dat \
	>"$TMP/simulate.json" 2>"$TMP/err"; then
	sim_docs+=("$TMP/simulate.json")
else
	nok "replay --simulate for the key check"; sed 's/^/#   /' "$TMP/err" | head -3
fi
[ ${#docs[@]} -gt 0 ] &&
	keys_documented man/mmfrag-result.5 DESCRIPTION "${docs[@]}" "${sim_docs[@]}"
if [ ${#docs[@]} -ge 2 ] &&
   "$MMFRAG" compare -j -f 'lost_events>0' -f 'Normal.free_pages.delta>0' "${docs[@]:0:2}" \
	>"$TMP/compare.json" 2>"$TMP/err"; [ $? -eq 3 ]; then
	keys_documented man/mmfrag-compare.1 DESCRIPTION "$TMP/compare.json"
else
	nok "compare --json for the key check"; sed 's/^/#   /' "$TMP/err" | head -3
fi
if "$MMFRAG" status -j -p traces/compact-small.state/end >"$TMP/status.json" 2>"$TMP/err"; then
	keys_documented man/mmfrag-status.1 DESCRIPTION "$TMP/status.json"
else
	nok "status --json for the key check"; sed 's/^/#   /' "$TMP/err" | head -3
fi

finish
