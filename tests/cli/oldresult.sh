#!/usr/bin/env bash
# Result documents saved by an older mmfrag still load: keys added to mmfrag-replay/1 after
# it first shipped are optional on load (result-check.c's added_later), while what mmfrag
# writes today keeps them (schema.sh).  The documents in tests/data/ were written by old
# builds of mmfrag on traces/compact-small.dat (tests/data/README.md says how):
#   result-5ec2bc7.json      the first mmfrag-replay/1 (--interval 1)
#   result-dc9ed8f-sim.json  the last commit before the schema file (--interval 1,
#                            --simulate a and b, drift checks against the captures)
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
[ -x "$MMFRAG" ] || { nok "no $MMFRAG: run make first"; finish; exit; }

OLD1=tests/data/result-5ec2bc7.json
OLD2=tests/data/result-dc9ed8f-sim.json
for d in "$OLD1" "$OLD2"; do [ -f "$d" ] || { nok "no $d"; finish; exit; }; done

# the documents really are old: the strict schema of what mmfrag writes refuses them
if python3 -c 'import jsonschema' 2>/dev/null; then
	for d in "$OLD1" "$OLD2"; do
		if python3 - doc/mmfrag-result.schema.json "$d" <<'EOF' 2>/dev/null
import json, sys, jsonschema
s, d = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if jsonschema.Draft202012Validator(s).is_valid(d) else 1)
EOF
		then nok "$(basename "$d"): valid under today's strict schema (not an old document)"
		else ok "$(basename "$d"): lacks keys today's strict schema requires"; fi
	done
else
	skip "old documents against the strict schema: python3-jsonschema is not installed"
fi

for d in "$OLD1" "$OLD2"; do
	n=$(basename "$d" .json)
	expect_exit 0 "$n: report" -- "$MMFRAG" report "$d"
	grep -q '^trace traces/compact-small.dat: ' "$TMP/out" && grep -q '^Node 0, zone Normal' "$TMP/out" &&
		grep -q '^compaction (observed)' "$TMP/out" && [ ! -s "$TMP/err" ] &&
		ok "$n: report shows summary, zones, compaction, nothing on stderr" ||
		nok "$n: report output"
	# a key the old document lacks is "-" or left out, never a made-up 0
	if [ "$n" = result-dc9ed8f-sim ]; then
		sed -n '/^simulate mode/,/^$/p' "$TMP/out" >"$TMP/sims"
		grep -qE '^  pages scanned +[0-9]+ +[0-9]+ +[0-9]+$' "$TMP/sims" &&
			ok "$n: simulations table" || nok "$n: simulations table"
	else
		grep -qE '^  alloc_from_buddy +[0-9]+$' "$TMP/out" &&
			ok "$n: a repair without its pages key has no pages figure" ||
			nok "$n: a repair without its pages key has no pages figure"
	fi

	expect_exit 0 "$n: report --json" -- "$MMFRAG" report --json "$d"
	python3 - "$d" "$TMP/out" <<'EOF' && ok "$n: report --json passes the document through" ||
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
EOF
		nok "$n: report --json passes the document through"

	expect_exit 0 "$n: report --csv" -- "$MMFRAG" report --csv "$d"
	rows=$(grep -c '^observed,' "$TMP/out")
	[ "$rows" -gt 0 ] && ok "$n: csv has $rows observed rows" || nok "$n: csv has no observed rows"

	expect_exit 0 "$n: report --html" -- "$MMFRAG" report --html -o "$TMP/$n.html" "$d"
	grep -q 'id="mmfrag-data"' "$TMP/$n.html" && ok "$n: the page carries the document" ||
		nok "$n: the page carries the document"

	expect_exit 0 "$n: compare with itself" -- "$MMFRAG" compare "$d" "$d"
	expect_exit 0 "$n: compare with today's replay" -- "$MMFRAG" compare "$d" traces/compact-small.dat
done
expect_exit 0 "result-dc9ed8f-sim: compare #a #b" -- "$MMFRAG" compare "$OLD2#a" "$OLD2#b"
grep -qE '^compaction.direct.stall +16 +144 ' "$TMP/out" &&
	ok "compare #a #b: each simulation's own numbers" || nok "compare #a #b: each simulation's own numbers"

# optional on load is only what was added later: a key every version wrote is still required
json_get "$OLD1" 'json.dumps({k: v for k, v in d.items() if k != "fallbacks"})' >"$TMP/nofb.json"
expect_error 1 "a document without fallbacks is refused" "lacks fallbacks" -- \
	"$MMFRAG" report "$TMP/nofb.json"
json_get "$OLD2" 'json.dumps(dict(d, simulations=[{k: v for k, v in s.items() if k != "config_text"} for s in d["simulations"]]))' \
	>"$TMP/nocfg.json"
expect_error 1 "a simulation without config_text is refused" "config_text" -- \
	"$MMFRAG" report "$TMP/nocfg.json"

finish
