#!/usr/bin/env bash
# One human view: every table is printed from a document by the same code.  replay's
# summary is report's sections of the saved result, byte for byte; status's zone tables
# and report's have the same rows, in the same order, under the same labels.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

# the sections replay prints after saving (MF_RESULT_SUMMARY_SECTIONS)
SUMMARY=summary,zones,drift,compaction,simulations,fidelity

# same_as_report NAME REPLAY-ARGS...: replay's stdout is report's, then the "saved" line
same_as_report() {
	local name=$1 r="$TMP/$1.json"; shift
	if ! "$MMFRAG" replay -o "$r" "$@" >"$TMP/replay.out" 2>"$TMP/err"; then
		nok "$name: replay exits 0"; sed 's/^/#   /' "$TMP/err" | head -3; return
	fi
	printf '\nresult saved to %s (mmfrag report %s)\n' "$r" "$r" >"$TMP/saved.want"
	tail -n 2 "$TMP/replay.out" | cmp -s - "$TMP/saved.want" &&
		ok "$name: replay ends with where it saved the result" ||
		nok "$name: replay ends with where it saved the result"
	head -n -2 "$TMP/replay.out" >"$TMP/replay.tables"
	"$MMFRAG" report --section "$SUMMARY" "$r" >"$TMP/report.out" 2>"$TMP/err"
	if [ -s "$TMP/replay.tables" ] && cmp -s "$TMP/replay.tables" "$TMP/report.out"; then
		ok "$name: replay's summary is report --section $SUMMARY, byte for byte"
	else
		nok "$name: replay's summary is report --section $SUMMARY, byte for byte"
		diff -u "$TMP/replay.tables" "$TMP/report.out" | head -20 | sed 's/^/#   /'
	fi
}

for t in traces/*.dat; do
	same_as_report "$(basename "$t" .dat)" "$t"
done
same_as_report simulate --simulate --interval 1 traces/compact-small.dat
# with simulations and a series the document has those sections for report to print
grep -q "^simulate mode" "$TMP/report.out" && ok "the simulate summary has its simulations" ||
	nok "the simulate summary has its simulations"

# labels NAME FILE: "zone<TAB>label" of every row of the zone tables in FILE
labels() {
	awk '/^Node [0-9]+, zone / { zone = $4; sub(/:$/, "", zone); next }
	     zone != "" && /^  [^ ]/ { l = substr($0, 3, 20); sub(/ +$/, "", l);
				       if (l !~ /^(pfn|[0-9])/) print zone "\t" l }
	     zone != "" && /^    [A-Z]/ { print zone "\t  " $1 }
	     /^$/ { zone = "" }' "$1"
}

# status of the bundled end capture and report of a replay checked against it: report has
# every row status has, in status's order (and the check rows and per-CPU pages besides)
s=traces/compact-small.state/end
"$MMFRAG" status -p "$s" >"$TMP/status.out" 2>"$TMP/err" || nok "status -p $s exits 0"
"$MMFRAG" report --section types "$TMP/compact-small.json" >"$TMP/types.out" 2>"$TMP/err" ||
	nok "report --section types exits 0"
labels "$TMP/status.out" >"$TMP/status.labels"
labels "$TMP/types.out" | grep -v -e '	kernel free blocks$' -e '	model then$' \
	-e '	free_blocks_error$' -e '	per-CPU pages then$' -e '	unusable diff$' -e '	unusable_index_error$' \
	-e '	  CMA$' >"$TMP/types.labels"
if [ -s "$TMP/status.labels" ] && grep -q '	  Movable$' "$TMP/status.labels" &&
   diff -u "$TMP/status.labels" "$TMP/types.labels" >"$TMP/diff"; then
	ok "status and report label zone rows alike, in one order"
else
	nok "status and report label zone rows alike, in one order"
	head -20 "$TMP/diff" | sed 's/^/#   /'
fi
grep -q "^  model then  " "$TMP/types.out" && ok "report labels the model at the check 'model then'" ||
	nok "report labels the model at the check 'model then'"

finish
