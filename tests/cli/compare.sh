#!/usr/bin/env bash
# mmfrag compare: side by side, JSON, thresholds and their exit status, traces replayed
# in place of results, and every bad input.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

for t in compact-small pagecache-small; do
	[ -f "traces/$t.dat" ] || { nok "traces/$t.dat missing"; finish; exit; }
done

A=$TMP/a.json B=$TMP/b.json N=$TMP/nostate.json
expect_exit 0 "replay A (compact-small)" -- "$MMFRAG" replay -q -o "$A" traces/compact-small.dat
expect_exit 0 "replay B (pagecache-small)" -- "$MMFRAG" replay -q -o "$B" traces/pagecache-small.dat
expect_exit 0 "replay A --no-state" -- "$MMFRAG" replay -q --no-state -o "$N" traces/compact-small.dat

# A against itself: every delta 0, nothing crossed.
expect_exit 0 "compare A A" -- "$MMFRAG" compare --json "$A" "$A"
cp "$TMP/out" "$TMP/aa.json"
json_get "$TMP/aa.json" 'len(d["metrics"]) > 20 and all(m["delta"] in (0, None) for m in d["metrics"]) and not d["crossed"]' |
	grep -q True && ok "A against A: all deltas 0" || nok "A against A: all deltas 0"
json_get "$TMP/aa.json" 'all(m["relative"] in (0, None) for m in d["metrics"])' |
	grep -q True && ok "A against A: relative deltas 0 or null" || nok "A against A: relative deltas 0 or null"

# The table: the key metrics, orders 0, 3, 9 and 10 by default.
expect_exit 0 "compare A B (table)" -- "$MMFRAG" compare "$A" "$B"
missing=
for m in Normal.fragmentation_score Normal.free_pages Normal.unusable_index.0 \
	 Normal.unusable_index.3 Normal.unusable_index.9 Normal.extfrag_index.10 \
	 Normal.free_blocks_error compaction.direct.stall compaction.direct.success \
	 compaction.direct.fail compaction.direct.efficiency compaction.kcompactd_wake \
	 compaction.pages_migrated fallbacks.total fallbacks.fragmenting allocations.failures \
	 lost_events; do
	grep -q "^$m " "$TMP/out" || missing+="$m "
done
[ -z "$missing" ] && ok "table shows the key metrics" || nok "table lacks $missing"
grep -q '^Normal.unusable_index.5 ' "$TMP/out" && nok "table shows only the key orders" ||
	ok "table shows only the key orders"
grep -E '^Normal.fragmentation_score +92 +13 +-79 +-85.9%' "$TMP/out" >/dev/null &&
	ok "table: Normal score 92 -> 13, -79, -85.9%" || nok "table: Normal score row"
grep -E '^compaction.direct.efficiency +93.8 +- +- +-' "$TMP/out" >/dev/null &&
	ok "table: efficiency without stalls is -" || nok "table: efficiency without stalls is -"
expect_exit 0 "compare --orders all --zone normal" -- "$MMFRAG" compare --orders all --zone normal "$A" "$B"
grep -q '^Normal.unusable_index.5 ' "$TMP/out" && ! grep -q '^DMA32\.' "$TMP/out" &&
	grep -q '^lost_events ' "$TMP/out" && ok "--orders all, --zone" || nok "--orders all, --zone"

# JSON: valid, the documented keys, raw numbers.
expect_exit 0 "compare --json" -- "$MMFRAG" compare --json "$A" "$B"
cp "$TMP/out" "$TMP/ab.json"
json_ok "$TMP/ab.json" && ok "--json is valid JSON" || nok "--json is valid JSON"
json_get "$TMP/ab.json" 'sorted(d) == ["a", "b", "crossed", "metrics", "schema", "thresholds"] and d["schema"] == "mmfrag-compare/1" and all(sorted(m) == ["a", "b", "delta", "name", "relative"] for m in d["metrics"])' |
	grep -q True && ok "--json has the documented keys" || nok "--json has the documented keys"
json_get "$TMP/ab.json" '{m["name"]: m for m in d["metrics"]}["Normal.unusable_index.9"] == {"name": "Normal.unusable_index.9", "a": 922, "b": 131, "delta": -791, "relative": -85.7918}' |
	grep -q True && ok "--json: indices in thousandths" || nok "--json: indices in thousandths"
json_get "$TMP/ab.json" '"Normal.unusable_index.5" in [m["name"] for m in d["metrics"]] and "Normal.extfrag_index.10" in [m["name"] for m in d["metrics"]]' |
	grep -q True && ok "--json: every order" || nok "--json: every order"

# A without captures: no check, so free_blocks_error has no value on that side.
expect_exit 0 "compare A --no-state A" -- "$MMFRAG" compare --json "$A" "$N"
json_get "$TMP/out" '{m["name"]: m for m in d["metrics"]}["Normal.free_blocks_error"]["b"] is None and {m["name"]: m for m in d["metrics"]}["compaction.direct.stall"]["delta"] == 0' |
	grep -q True && ok "free_blocks_error is null without a check" || nok "free_blocks_error is null without a check"

# Thresholds.
expect_exit 3 "crossed threshold exits 3" -- "$MMFRAG" compare --fail-if 'Normal.fragmentation_score>50' "$B" "$A"
grep -q 'threshold crossed: Normal.fragmentation_score>50' "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	ok "crossed threshold named, one line" || nok "crossed threshold named, one line"
grep -q '^Normal.fragmentation_score ' "$TMP/out" && ok "table printed when a threshold is crossed" ||
	nok "table printed when a threshold is crossed"
expect_exit 0 "threshold not crossed exits 0" -- "$MMFRAG" compare --fail-if 'Normal.fragmentation_score>50' "$A" "$B"
[ ! -s "$TMP/err" ] && ok "nothing on stderr when not crossed" || nok "nothing on stderr when not crossed"
expect_exit 3 ".delta crossed" -- "$MMFRAG" compare --fail-if 'Normal.fragmentation_score.delta>10' "$B" "$A"
grep -q 'delta +79' "$TMP/err" && ok ".delta is B - A" || nok ".delta is B - A"
expect_exit 0 ".delta not crossed" -- "$MMFRAG" compare --fail-if 'Normal.fragmentation_score.delta>10' "$A" "$B"
expect_exit 3 ".relative crossed" -- "$MMFRAG" compare --fail-if 'Normal.free_pages.relative >= 500' "$A" "$B"
expect_exit 0 ".relative not crossed" -- "$MMFRAG" compare --fail-if 'Normal.free_pages.relative<500' "$A" "$B"
expect_exit 3 "index threshold in thousandths" -- "$MMFRAG" compare --fail-if 'Normal.unusable_index.9>=922' "$B" "$A"
expect_exit 0 "index threshold in thousandths, not crossed" -- "$MMFRAG" compare --fail-if 'Normal.unusable_index.9>922' "$B" "$A"
expect_exit 3 "several thresholds, -q" -- "$MMFRAG" compare -q -f 'lost_events>0' -f 'compaction.direct.fail<=2' \
	-f 'N0.DMA32.extfrag_index.9<0' "$A" "$A"
[ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] && ok "-q prints nothing" || nok "-q prints nothing"
expect_exit 3 "--json with thresholds" -- "$MMFRAG" compare --json -f 'lost_events>0' -f 'Normal.fragmentation_score.delta>10' "$B" "$A"
json_get "$TMP/out" 'd["crossed"] and [t["crossed"] for t in d["thresholds"]] == [False, True] and d["thresholds"][1]["a"] == 13 and d["thresholds"][1]["actual"] == 79 and all(sorted(set(t) - {"a"}) == ["actual", "b", "crossed", "expr", "metric", "on", "op", "value"] for t in d["thresholds"])' |
	grep -q True && ok "--json thresholds" || nok "--json thresholds"
expect_exit 0 ".relative with A 0 is not checked" -- "$MMFRAG" compare -f 'fallbacks.total.relative>1' "$A" "$B"
grep -q 'not checked' "$TMP/err" && ok "a warning says so" || nok "a warning says so"

# Zones on two nodes: names get "N<node>."; a bare zone name is then ambiguous.
python3 -c 'import json,sys,copy; d=json.load(open(sys.argv[1])); z=copy.deepcopy(d["zones"][-1]); z["node"]=1; d["zones"].append(z); json.dump(d, open(sys.argv[2], "w"))' "$A" "$TMP/nodes.json"
expect_exit 0 "two nodes" -- "$MMFRAG" compare "$TMP/nodes.json" "$TMP/nodes.json"
grep -q '^N1.Normal.free_pages ' "$TMP/out" && grep -q '^N0.DMA.free_pages ' "$TMP/out" &&
	ok "two nodes: metric names carry the node" || nok "two nodes: metric names carry the node"
expect_exit 3 "two nodes: N1. threshold" -- "$MMFRAG" compare -f 'N1.Normal.free_pages>0' -f 'DMA.free_pages<0' "$TMP/nodes.json" "$TMP/nodes.json"
expect_error 2 "two nodes: bare name is ambiguous" "N<node>" -- "$MMFRAG" compare -f 'Normal.free_pages>0' "$TMP/nodes.json" "$TMP/nodes.json"

# A trace.dat argument is replayed first.
expect_exit 0 "compare a trace against its result" -- "$MMFRAG" compare --json traces/compact-small.dat "$A"
json_get "$TMP/out" 'all(m["delta"] in (0, None) for m in d["metrics"])' | grep -q True &&
	ok "a replayed trace equals its saved result" || nok "a replayed trace equals its saved result"

# Bad input.
expect_error 2 "unknown metric" "bogus" -- "$MMFRAG" compare --fail-if 'bogus>1' "$A" "$B"
expect_error 2 "unknown zone order" "Normal.unusable_index.99" -- "$MMFRAG" compare --fail-if 'Normal.unusable_index.99>1' "$A" "$B"
expect_error 2 "zone not in the documents" "HighMem" -- "$MMFRAG" compare --fail-if 'HighMem.free_pages>1' "$A" "$B"
expect_error 2 "no operator" "lost_events" -- "$MMFRAG" compare --fail-if 'lost_events' "$A" "$B"
expect_error 2 "bad value" "lost_events>x" -- "$MMFRAG" compare --fail-if 'lost_events>x' "$A" "$B"
expect_error 2 "one file" "two files" -- "$MMFRAG" compare "$A"
expect_error 2 "three files" "two files" -- "$MMFRAG" compare "$A" "$B" "$A"
expect_error 2 "bad --orders" "--orders" -- "$MMFRAG" compare --orders 3-1 "$A" "$B"
expect_error 1 "missing file" "$TMP/nonexistent.json" -- "$MMFRAG" compare "$TMP/nonexistent.json" "$B"
expect_error 1 "missing B" "$TMP/nonexistent.json" -- "$MMFRAG" compare "$A" "$TMP/nonexistent.json"
printf 'hello\n' >"$TMP/text.txt"
expect_error 1 "A not a result" "$TMP/text.txt" -- "$MMFRAG" compare "$TMP/text.txt" "$B"
echo '{"schema": "mmfrag-status/1", "zones": []}' >"$TMP/status.json"
expect_error 1 "A of another schema" "$TMP/status.json" -- "$MMFRAG" compare "$TMP/status.json" "$B"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["fallbacks"]; json.dump(d, open(sys.argv[2], "w"))' "$A" "$TMP/nofb.json"
expect_error 1 "result lacking a key" "fallbacks.total" -- "$MMFRAG" compare "$A" "$TMP/nofb.json"
expect_error 1 "--zone not in both" "HighMem" -- "$MMFRAG" compare --zone HighMem "$A" "$B"
finish
