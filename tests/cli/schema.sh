#!/usr/bin/env bash
# The JSON Schemas in doc/ against every kind of document mmfrag writes: each validates, a
# mutated one does not, every key the schema names occurs in some document (so the schema
# describes what is written, and these documents cover every section), and mmfrag-result(5)
# names every key of the result schema.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

RS=doc/mmfrag-result.schema.json
CS=doc/mmfrag-compare.schema.json
python3 -c 'import jsonschema' 2>/dev/null ||
	{ skip "schema: python3-jsonschema is not installed"; exit 77; }
[ -x "$MMFRAG" ] || { nok "no $MMFRAG: run make first"; finish; exit; }
for s in "$RS" "$CS"; do [ -f "$s" ] || { nok "no $s"; finish; exit; }; done

# produce NAME STATUS CMD...: run CMD, its stdout saved as $TMP/NAME.json
results=() compares=()
produce() {
	local name=$1 want=$2; shift 2
	"$@" >"$TMP/$name.json" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		nok "$name: exit $rc, wanted $want"; sed 's/^/#   /' "$TMP/err" | head -3; return 1
	fi
}

for t in traces/*.dat; do
	n=$(basename "$t" .dat) st=${t%.dat}.state
	# the plain replay: start and end captures found beside the trace
	produce "$n" 0 "$MMFRAG" replay -j "$t" && results+=("$n")
	# a series, explicit captures, the drift checks
	produce "$n-series" 0 "$MMFRAG" replay -j --interval 1 --from-state "$st/start" \
		--check-state "$st/end" "$t" && results+=("$n-series")
	# two simulations (a capture's machine and a memory= one), with their series
	produce "$n-sim" 0 "$MMFRAG" replay -j --interval 1 --simulate --config name=base \
		--config name=other,memory=256M,mobility_grouping=off,pageblock_order=10,compaction=off \
		"$t" && results+=("$n-sim")
done
# a saved result (-o), as report and compare read it
if "$MMFRAG" replay -q -o "$TMP/saved.json" traces/compact-small.dat 2>"$TMP/err"; then
	results+=(saved)
else
	nok "replay -o"; sed 's/^/#   /' "$TMP/err" | head -3
fi
# events lost on two CPUs (a v6 copy with two ring-buffer pages flagged, its captures beside
# it) and --reanchor: lost_intervals, checks re-anchored
if python3 tests/tools/lose-events.py traces/pagecache-small.dat "$TMP/lost.dat" 0 150 777 &&
   python3 tests/tools/lose-events.py "$TMP/lost.dat" "$TMP/lost.dat" 1 100; then
	ln -sfn "$TOP/traces/pagecache-small.state" "$TMP/lost.state"
	produce lost 0 "$MMFRAG" replay -j --reanchor "$TMP/lost.dat" && results+=(lost)
else
	nok "tests/tools/lose-events.py"
fi
# a check that caught a free page reporting batch: compact-small's end capture with 32
# order-10 blocks of DMA32 off the lists, free page reporting on (reporting_blocks)
mkdir -p "$TMP/rep" && ln -sf "$TOP/traces/compact-small.dat" "$TMP/rep/t.dat" &&
	cp -r traces/compact-small.state "$TMP/rep/t.dat.state" &&
	awk '$4 == "DMA32" { $15 -= 32 } { print }' traces/compact-small.state/end/buddyinfo \
		>"$TMP/rep/t.dat.state/end/buddyinfo" &&
	printf 'page_reporting_order 9\nfree_page_reporting 1\n' >>"$TMP/rep/t.dat.state/start/sysctl" &&
	produce rep 0 "$MMFRAG" replay -j "$TMP/rep/t.dat" && results+=(rep)
# compare: two traces with thresholds (one crossed: exit 3), a simulation against its trace
produce compare 3 "$MMFRAG" compare -j -f 'lost_events>0' -f 'Normal.free_pages.delta>0' \
	-f 'Normal.fragmentation_score.relative>=1000' \
	"$TMP/compact-small-series.json" "$TMP/pagecache-small-series.json" && compares+=(compare)
produce compare-sim 0 "$MMFRAG" compare -j "$TMP/compact-small-sim.json" \
	"$TMP/compact-small-sim.json#other" && compares+=(compare-sim)

for n in "${results[@]}"; do schema_valid "$n: valid mmfrag-replay/1" "$RS" "$TMP/$n.json"; done
for n in "${compares[@]}"; do schema_valid "$n: valid mmfrag-compare/1" "$CS" "$TMP/$n.json"; done

# ---- every key the schema names occurs in a document --------------------------------------
# unused SCHEMA FILE...: the property names of SCHEMA that no document has as a key
unused() {
	python3 - "$@" <<'PY'
import json, sys
def props(s, out):
    if isinstance(s, dict):
        out.update(s.get("properties", {}) if isinstance(s.get("properties"), dict) else {})
        for v in s.values(): props(v, out)
    elif isinstance(s, list):
        for v in s: props(v, out)
    return out
def keys(o, out):
    if isinstance(o, dict):
        out.update(o)
        for v in o.values(): keys(v, out)
    elif isinstance(o, list):
        for v in o: keys(v, out)
    return out
schema = props(json.load(open(sys.argv[1])), {})
seen = set()
for f in sys.argv[2:]:
    keys(json.load(open(f)), seen)
print(" ".join(sorted(set(schema) - seen)))
PY
}
files=(); for n in "${results[@]}"; do files+=("$TMP/$n.json"); done
miss=$(unused "$RS" "${files[@]}")
[ -z "$miss" ] && ok "the documents have every key of $RS" || nok "no document has: $miss"
files=(); for n in "${compares[@]}"; do files+=("$TMP/$n.json"); done
miss=$(unused "$CS" "${files[@]}")
[ -z "$miss" ] && ok "the documents have every key of $CS" || nok "no document has: $miss"

# ---- mmfrag-result(5) names every key of the schema ---------------------------------------
if command -v mandoc >/dev/null; then
	text=$(mandoc -Tascii -O width=1000 man/mmfrag-result.5 | sed -e 's/.\x08//g')
	missing=
	for k in $(python3 -c '
import json, sys
def props(s, out):
    if isinstance(s, dict):
        if isinstance(s.get("properties"), dict): out.update(s["properties"])
        for v in s.values(): props(v, out)
    elif isinstance(s, list):
        for v in s: props(v, out)
    return out
print("\n".join(sorted(props(json.load(open(sys.argv[1])), {}))))' "$RS"); do
		grep -qw -- "$k" <<<"$text" || missing+="$k "
	done
	[ -z "$missing" ] && ok "mmfrag-result(5) names every key of $RS" ||
		nok "mmfrag-result(5) does not name: $missing"
else
	skip "mmfrag-result(5) keys: mandoc is not installed"
fi

# ---- a wrong document fails ---------------------------------------------------------------
# mutate NAME SRC EXPR: $TMP/NAME.json is SRC with the python statement EXPR applied to 'd'
mutate() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))' "$2" "$TMP/$1.json" "$3"
}
R=$TMP/compact-small-sim.json
mutate m1 "$R" 'del d["fidelity"]["events_applied"]'
schema_invalid "a missing fidelity counter fails" "$RS" "$TMP/m1.json" "'events_applied' is a required property"
mutate m2 "$R" 'd["lost_events"] = "0"'
schema_invalid "a count as a string fails" "$RS" "$TMP/m2.json" "is not of type 'integer'"
mutate m3 "$R" 'd["zones"][0]["free_pages_total"] = 1'
schema_invalid "an unknown zone key fails" "$RS" "$TMP/m3.json" "Additional properties are not allowed"
mutate m4 "$R" 'd["compaction"]["observed"]["direct"]["efficiency"] = "93.75"'
schema_invalid "an efficiency as a string fails" "$RS" "$TMP/m4.json" "is not of type"
mutate m5 "$R" 'd["schema"] = "mmfrag-replay/2"'
schema_invalid "another schema string fails" "$RS" "$TMP/m5.json" "'mmfrag-replay/1' was expected"
mutate m6 "$R" 'd["simulations"][1]["config"]["mobility_grouping"] = 0'
schema_invalid "a config boolean as 0 fails" "$RS" "$TMP/m6.json" "is not of type 'boolean'"
mutate m7 "$R" 'del d["series"][0]["simulations"]["base"]["zones"]'
schema_invalid "a series point without zones fails" "$RS" "$TMP/m7.json" "'zones' is a required property"
mutate m8 "$R" 'd["compaction"]["observed"]["end_status"]["finished"] = 1'
schema_invalid "an unknown compaction status fails" "$RS" "$TMP/m8.json" "'finished'"
mutate m9 "$TMP/compare.json" 'd["thresholds"][0]["crossed"] = "yes"'
schema_invalid "a compare threshold's crossed as a string fails" "$CS" "$TMP/m9.json" "is not of type 'boolean'"
mutate m10 "$TMP/compare.json" 'del d["metrics"][0]["delta"]'
schema_invalid "a compare metric without delta fails" "$CS" "$TMP/m10.json" "'delta' is a required property"
finish
