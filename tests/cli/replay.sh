#!/usr/bin/env bash
# mmfrag replay / report end to end on the bundled real traces, and every bad input.
. "$(dirname "$0")/lib.sh"
cd "$TOP"

traces=(traces/*.dat)
[ -e "${traces[0]}" ] || { nok "no bundled traces in traces/"; finish; exit; }

# Per-event counts equal trace-cmd report's, for every bundled trace.
for t in "${traces[@]}"; do
	expect_exit 0 "replay $t" -- "$MMFRAG" replay --json "$t"
	cp "$TMP/out" "$TMP/result.json"
	same_counts "event counts of $t equal trace-cmd report's" "$t" "$TMP/result.json"
done

# Pageblocks per zone as pagetypeinfo counts them ("Number of blocks type"): only those
# with a page, so not DMA32's hole below 4 GiB (512 pageblocks on this VM) nor
# pagecache-small's offline Normal memory (10,112 of 10,752).
for t in "${traces[@]}"; do
	pti=${t%.dat}.state/start/pagetypeinfo
	[ -f "$pti" ] || continue
	"$MMFRAG" replay --json "$t" >"$TMP/pb.json" 2>/dev/null
	got=$(python3 - "$TMP/pb.json" "$pti" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kernel = {}
on = False
for line in open(sys.argv[2]):
    if line.startswith("Number of blocks type"):
        on = True
        continue
    if on and line.startswith("Node"):
        f = line.replace(",", " ").split()
        kernel[f[3]] = sum(int(x) for x in f[4:])
model = {z["zone"]: sum(z["pageblocks_by_type"].values()) for z in d["zones"]}
print(" ".join("%s=%d/%d" % (z, model.get(z, -1), n) for z, n in sorted(kernel.items())),
      all(model.get(z) == n for z, n in kernel.items()))
PY
)
	case $got in
	*True) ok "$t: pageblocks per zone are pagetypeinfo's (model/kernel ${got% True})" ;;
	*) nok "$t: pageblocks per zone differ from pagetypeinfo's (model/kernel $got)" ;;
	esac
done

t=${traces[0]}
# Saved result, then report of it: tables and the same document as JSON.
expect_exit 0 "replay -o saves the result" -- "$MMFRAG" replay -q -o "$TMP/saved.json" "$t"
if json_ok "$TMP/saved.json" && [ ! -s "$TMP/out" ]; then ok "saved result is JSON, -q prints nothing"
else nok "saved result is JSON, -q prints nothing"; fi
expect_exit 0 "report of a saved result" -- "$MMFRAG" report "$TMP/saved.json"
grep -q "free blocks" "$TMP/out" && ok "report shows zone tables" || nok "report shows zone tables"
expect_exit 0 "report --json" -- "$MMFRAG" report --json "$TMP/saved.json"
if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
	"$TMP/out" "$TMP/saved.json"; then ok "report --json is the saved document"
else nok "report --json is the saved document"; fi
expect_exit 0 "report of a trace replays it" -- "$MMFRAG" report --section summary,zones "$t"
grep -q "free blocks" "$TMP/out" && ok "report of a trace shows zones" || nok "report of a trace shows zones"
(cd "$TMP" && "$MMFRAG" replay -q "$TOP/$t" && "$MMFRAG" report --section zones >/dev/null) &&
	ok "default ./mmfrag.json round trip" || nok "default ./mmfrag.json round trip"

# Required keys of the result document.
json_get "$TMP/saved.json" '" ".join(k for k in ["schema","events","lost_events","zones","fallbacks","compaction","fidelity"] if k not in d)' >"$TMP/missing"
[ ! -s "$TMP/missing" ] || [ "$(cat "$TMP/missing")" = "" ] && ok "result has the documented top-level keys" ||
	nok "result lacks keys: $(cat "$TMP/missing")"
json_get "$TMP/saved.json" 'all(all(k in z for k in ["node","zone","free_blocks","unusable_index","extfrag_index","fragmentation_score"]) for z in d["zones"])' |
	grep -q True && ok "zones have the documented keys" || nok "zones have the documented keys"
json_get "$TMP/saved.json" 'sorted(d["compaction"]["observed"]["direct"].keys())' | grep -q "'stall'" &&
	ok "compaction.observed.direct has stall/success/fail" || nok "compaction.observed.direct has stall/success/fail"

# --interval gives a time series.
expect_exit 0 "replay --interval" -- "$MMFRAG" replay --json --interval 0.5 "$t"
json_get "$TMP/out" 'len(d["series"]) >= 2' | grep -q True && ok "series has points" || nok "series has points"
# each point counts the pages on the per-CPU lists, which free_blocks leaves out; the
# last point is the end state
json_get "$TMP/out" '[z["pcp_pages"] for z in d["series"][-1]["zones"]] == [z["pcp_pages"] for z in d["zones"]] and any(z["pcp_pages"] > 0 for z in d["zones"])' |
	grep -q True && ok "series points carry the per-CPU pages" || nok "series points lack or misstate pcp_pages"

# Start and check captures around the compaction trace.
if [ -d traces/compact-small.state/start ]; then
	expect_exit 0 "replay --from-state/--check-state" -- "$MMFRAG" replay --json \
		--from-state traces/compact-small.state/start --check-state traces/compact-small.state/end \
		traces/compact-small.dat
	cp "$TMP/out" "$TMP/checked.json"
	# recorded by trace-cmd without pagemap:mm_lru_insertion: the migration targets are
	# guessed, and every zone still lands within 0.01 (DMA32 was 0.0143 while the free
	# scanner's walk did not step over compound pages)
	errs=$(json_get "$TMP/checked.json" '" ".join("%s=%.4f" % (z["zone"], z["check"]["free_blocks_error"]) for z in d["zones"])')
	echo "# compact-small free_blocks_error at the end capture: $errs"
	json_get "$TMP/checked.json" 'all(z["check"]["free_blocks_error"] <= 0.01 for z in d["zones"]) and d["compaction"]["observed"]["direct"]["stall"] >= 30' |
		grep -q True && ok "compact-small: every zone's end-state error <= 0.01 ($errs)" ||
		nok "compact-small: a zone's end-state error > 0.01 ($errs)"
	# the per-order unusable index error: the worst order, as a fraction; shown by the summary
	json_get "$TMP/checked.json" 'all(z["check"]["unusable_index_error"] == max(abs(x) for x in z["check"]["unusable_index_diff"]) / 1000.0 for z in d["zones"]) and any(z["check"]["unusable_index_error"] > 0 for z in d["zones"])' |
		grep -q True && ok "check's unusable_index_error is the worst order's |unusable_index_diff|" ||
		nok "check's unusable_index_error is the worst order's |unusable_index_diff|"
	"$MMFRAG" report "$TMP/checked.json" 2>/dev/null | grep -q '^  unusable_index_error 0\.0' &&
		ok "summary shows unusable_index_error" || nok "summary shows unusable_index_error"
	# zoneinfo shows online CPUs only, each as "cpu: N": with CPU 1 offline (its section
	# renamed to 2 in a copy of the end capture) the per-CPU arrays are indexed by N
	cp -r traces/compact-small.state/end "$TMP/end-cpu2"
	sed -i 's/^    cpu: 1$/    cpu: 2/' "$TMP/end-cpu2/zoneinfo"
	"$MMFRAG" replay --json --from-state traces/compact-small.state/start \
		--check-state "$TMP/end-cpu2" traces/compact-small.dat >"$TMP/cpu2.json" 2>/dev/null
	json_get "$TMP/cpu2.json" '[(len(z["check"]["kernel_pcp_pages_by_cpu"]), z["check"]["kernel_pcp_pages_by_cpu"][1], len(z["check"]["model_pcp_pages_by_cpu"])) for z in d["zones"] if z["zone"] == "Normal"][0] == (3, 0, 3) and [z["check"]["kernel_pcp_pages_by_cpu"][2] for z in d["zones"] if z["zone"] == "Normal"] == [z["check"]["kernel_pcp_pages_by_cpu"][1] for z in json.load(open(sys.argv[1].replace("cpu2.json", "checked.json")))["zones"] if z["zone"] == "Normal"]' |
		grep -q True && ok "per-CPU pages by the CPU number zoneinfo prints" ||
		nok "per-CPU pages by the CPU number zoneinfo prints"
	json_get "$TMP/checked.json" 'd["model"]["start"]["aligned_by"]' | grep -q marker &&
		ok "start capture aligned by its trace marker" || nok "start capture aligned by its trace marker"
else
	nok "traces/compact-small.state/start missing"
fi

# The compaction-heavy recording (mmfrag record, pagemap:mm_lru_insertion included; see
# traces/README.md): every zone within 0.01 of the kernel at the end capture, with hundreds
# of direct compaction stalls (the vmstat check below covers it too).
t=traces/compact-heavy.dat
if [ -f "$t" ]; then
	expect_exit 0 "replay $t" -- "$MMFRAG" replay --json "$t"
	cp "$TMP/out" "$TMP/heavy.json"
	errs=$(json_get "$TMP/heavy.json" '" ".join("%s=%.4f" % (z["zone"], z["check"]["free_blocks_error"]) for z in d["zones"] if "check" in z)')
	echo "# $t: free_blocks_error at the end capture: $errs"
	json_get "$TMP/heavy.json" 'len([z for z in d["zones"] if "check" in z]) == 3 and all(z["check"]["free_blocks_error"] <= 0.01 for z in d["zones"])' |
		grep -q True && ok "$t: every zone's end-state error <= 0.01 ($errs)" ||
		nok "$t: a zone's end-state error > 0.01 ($errs)"
	json_get "$TMP/heavy.json" 'd["model"]["start"]["aligned_by"] == "marker" and d["model"]["check"]["aligned_by"] == "marker" and d["compaction"]["observed"]["direct"]["stall"] >= 300 and d["fidelity"]["compaction_targets_taken"] > 0 and d["fidelity"]["start_window_events"] > 0' |
		grep -q True && ok "$t: captures aligned by markers, >= 300 stalls, migration targets used" ||
		nok "$t: captures not aligned, too few stalls or no migration targets"
else
	nok "$t missing"
fi

# A recording's captures beside it are found without options; --no-state ignores them.
expect_exit 0 "replay finds FILE.state captures" -- "$MMFRAG" replay --json traces/compact-small.dat
json_get "$TMP/out" 'd["model"]["start"]["state"].endswith("compact-small.state/start") and [c["capture"] for c in d["checks"]] == ["start", "end"]' |
	grep -q True && ok "start and end captures used, drift series has both" ||
	nok "start and end captures used, drift series has both"
expect_exit 0 "replay --no-state" -- "$MMFRAG" replay --json --no-state traces/compact-small.dat
json_get "$TMP/out" '"start" not in d["model"] and "checks" not in d and d["model"]["zones_from"] == "learned"' |
	grep -q True && ok "--no-state ignores the captures" || nok "--no-state ignores the captures"
expect_exit 0 "replay --json -o saves and prints" -- "$MMFRAG" replay --json -o "$TMP/both.json" "$t"
json_ok "$TMP/both.json" && json_ok "$TMP/out" && ok "--json with -o: both" || nok "--json with -o: both"

# Bad input: one line naming the file, exit 1, nothing on stdout; usage errors exit 2.
expect_error 1 "missing file" "$TMP/nonexistent.dat" -- "$MMFRAG" replay --json "$TMP/nonexistent.dat"
: >"$TMP/empty.dat"
expect_error 1 "empty file" "$TMP/empty.dat" -- "$MMFRAG" replay --json "$TMP/empty.dat"
head -c 200000 /dev/urandom >"$TMP/random.dat"
expect_error 1 "random bytes" "$TMP/random.dat" -- "$MMFRAG" replay --json "$TMP/random.dat"
printf 'hello\nworld\n' >"$TMP/text.dat"
expect_error 1 "text file" "$TMP/text.dat" -- "$MMFRAG" replay --json "$TMP/text.dat"
for cut in 16 4096 100000; do
	head -c $cut "$t" >"$TMP/cut$cut.dat"
	expect_error 1 "truncated after $cut bytes" "$TMP/cut$cut.dat" -- "$MMFRAG" replay --json "$TMP/cut$cut.dat"
done
size=$(stat -c %s "$t")
head -c $((size * 3 / 4)) "$t" >"$TMP/cut-data.dat"
"$MMFRAG" replay --json "$TMP/cut-data.dat" >"$TMP/out" 2>"$TMP/err"; rc=$?
if { [ $rc -eq 1 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]; } ||
   { [ $rc -eq 0 ] && json_ok "$TMP/out"; }; then ok "truncated in the event data: clean error or intact events"
else nok "truncated in the event data (exit $rc)"; fi
if [ -f traces/no-page-events.dat ]; then
	expect_error 1 "trace without page-allocator events" "no page-allocator events" -- \
		"$MMFRAG" replay --json traces/no-page-events.dat
fi
expect_error 1 "bad --from-state dir" "$TMP/nostate" -- "$MMFRAG" replay --json --from-state "$TMP/nostate" "$t"
expect_error 1 "unwritable -o" "$TMP/nodir/x.json" -- "$MMFRAG" replay -o "$TMP/nodir/x.json" "$t"
[ ! -e "$TMP/nodir" ] && ok "nothing half-written" || nok "nothing half-written"
expect_error 1 "report of a non-result" "$TMP/text.dat" -- "$MMFRAG" report "$TMP/text.dat"
echo '{"schema": "other/1"}' >"$TMP/other.json"
expect_error 1 "report of another schema" "$TMP/other.json" -- "$MMFRAG" report "$TMP/other.json"
expect_error 2 "replay without a file" "trace file" -- "$MMFRAG" replay
expect_error 2 "replay with a bad --interval" "--interval" -- "$MMFRAG" replay --interval x "$t"
expect_error 2 "--from-time without --from-state" "--from-time" -- "$MMFRAG" replay --from-time 1 "$t"
expect_error 2 "unknown option" "unrecognized" -- "$MMFRAG" replay --bogus "$t"
expect_error 2 "unknown command" "unknown command" -- "$MMFRAG" bogus
expect_error 2 "report with a bad --section" "--section" -- "$MMFRAG" report --section nope "$TMP/saved.json"
# Observed direct compaction equals the kernel's own counts: compact_stall, compact_success
# and compact_fail of the end capture's /proc/vmstat minus the start capture's, for every
# bundled trace (its captures bracket the whole recording), and the per-order split sums up.
vmstat_delta() { # STATE_DIR COUNTER: end minus start
	local s e
	s=$(awk -v k="$2" '$1 == k { print $2 }' "$1/start/vmstat")
	e=$(awk -v k="$2" '$1 == k { print $2 }' "$1/end/vmstat")
	[ -n "$s" ] && [ -n "$e" ] && echo $((e - s))
}
for t in "${traces[@]}"; do
	st=${t%.dat}.state
	[ -f "$st/start/vmstat" ] && [ -f "$st/end/vmstat" ] || { nok "$t: no start/end vmstat in $st"; continue; }
	want=$(for c in stall success fail; do printf '%s=%s ' $c "$(vmstat_delta "$st" compact_$c)"; done)
	if ! "$MMFRAG" replay -j --from-state "$st/start" --check-state "$st/end" "$t" \
		>"$TMP/vm.json" 2>"$TMP/err"; then
		nok "replay $t for the vmstat check"; sed 's/^/#   /' "$TMP/err" | head -3; continue
	fi
	got=$(json_get "$TMP/vm.json" '" ".join("%s=%d" % (k, d["compaction"]["observed"]["direct"][k]) for k in ("stall", "success", "fail")) + " "')
	if [ "$got" = "$want" ]; then ok "$t: observed direct compaction equals the vmstat deltas ($got)"
	else nok "$t: observed direct compaction $got, the captures' vmstat deltas $want"; fi
	sums=$(json_get "$TMP/vm.json" '" ".join("%s=%d" % (k, sum(o[k] for o in d["compaction"]["observed"]["direct"]["by_order"])) for k in ("stall", "success", "fail")) + " "')
	if [ "$sums" = "$want" ]; then ok "$t: direct compaction by order sums to the vmstat deltas"
	else nok "$t: direct compaction by order sums to $sums, vmstat deltas $want"; fi
done

# Migration targets: a trace that compacted without pagemap:mm_lru_insertion says the
# model guessed them (in the result's warnings and the summary); one with it does not.
if [ -e traces/compact-small.dat ] && [ -e traces/compact-heavy.dat ]; then
	expect_exit 0 "replay of a trace without mm_lru_insertion" -- "$MMFRAG" replay --json traces/compact-small.dat
	json_get "$TMP/out" 'sum("no pagemap:mm_lru_insertion" in w for w in d.get("warnings", []))' | grep -qx 1 &&
		ok "a compacting trace without mm_lru_insertion warns once" ||
		nok "a compacting trace without mm_lru_insertion warns once"
	expect_exit 0 "replay of a trace with mm_lru_insertion" -- "$MMFRAG" replay --json traces/compact-heavy.dat
	json_get "$TMP/out" 'sum("mm_lru_insertion" in w for w in d.get("warnings", []))' | grep -qx 0 &&
		ok "a trace with mm_lru_insertion does not warn about it" ||
		nok "a trace with mm_lru_insertion does not warn about it"
fi
finish
