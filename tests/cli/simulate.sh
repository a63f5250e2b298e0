#!/usr/bin/env bash
# replay --simulate: several configs in one pass on the bundled traces, the directions the
# kernel's knobs must move the results in, determinism, compare on simulations, bad input.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

T=traces/compact-small.dat
[ -f "$T" ] || { nok "$T missing"; finish; exit; }
R=$TMP/sim.json

expect_exit 0 "replay --simulate with three configs" -- "$MMFRAG" replay -q --simulate \
	--config name=base --config name=nomob,mobility_grouping=off --config name=nocp,compaction=off \
	-o "$R" "$T"
json_get "$R" '[s["name"] for s in d["simulations"]]' | grep -qx "\['base', 'nomob', 'nocp'\]" &&
	ok "one simulation per config, in order" || nok "simulations: $(json_get "$R" '[s["name"] for s in d["simulations"]]')"

json_get "$R" 'not [w for w in d["warnings"] if "internal inconsistency" in w]' | grep -q True &&
	ok "simulators end consistent (mf_sim_check)" || nok "simulator invariants broken: $(json_get "$R" 'd["warnings"]')"
for c in max_order=1 max_order=14,pageblock_order=14 pageblock_order=2 memory=64M defrag_mode=1 \
	 max_order=13,pageblock_order=13,memory=64M memory=64M,mobility_grouping=off \
	 compaction_proactiveness=100 watermark_scale_factor=3000,min_free_kbytes=0; do
	if "$MMFRAG" replay -q --simulate --config "$c" -o "$TMP/c.json" "$T" 2>"$TMP/err" &&
	   json_get "$TMP/c.json" 'not [w for w in d["warnings"] if "internal inconsistency" in w]' | grep -q True; then
		ok "config $c runs and stays consistent"
	else
		nok "config $c"; sed 's/^/#   /' "$TMP/err" | head -3
	fi
done

# The human report lists what each simulation approximated, wrapped to 88 columns.
"$MMFRAG" report "$R" > "$TMP/human.txt" 2>&1
nlim=$(json_get "$R" 'sum(len(s["limits"]) for s in d["simulations"])')
nitem=$(grep -c '^    - ' "$TMP/human.txt")
nhead=$(grep -cE '^  (base|nomob|nocp): approximated or not modelled$' "$TMP/human.txt")
long=$(sed -n '/approximated or not modelled/,/^$/p' "$TMP/human.txt" | awk 'length > 88' | wc -l)
[ "$nlim" -gt 0 ] && [ "$nitem" = "$nlim" ] && [ "$nhead" = 3 ] && [ "$long" = 0 ] &&
	ok "report: each simulation's limits, $nlim items" ||
	nok "report limits: $nlim in JSON, $nitem items, $nhead headers, $long long lines"

# Same shapes as observe mode.
json_get "$R" 'all(set(z) >= set(d["zones"][0]) - {"check"} for s in d["simulations"] for z in s["zones"])' |
	grep -q True && ok "simulated zones have observe mode's keys" || nok "simulated zones have observe mode's keys"
json_get "$R" 'all(k in s["compaction"]["direct"] for s in d["simulations"] for k in ("stall","success","fail","efficiency","by_priority"))' |
	grep -q True && ok "compaction.direct: stall, success, fail, efficiency, by_priority" ||
	nok "compaction.direct keys"
json_get "$R" 'all(k in s["compaction"] for s in d["simulations"] for k in ("by_order","pages_scanned","pages_migrated","runs","kcompactd_wake"))' |
	grep -q True && ok "compaction: by_order, pages_scanned, pages_migrated, runs" || nok "compaction keys"
json_get "$R" 'all(len(s["allocations"]["failures_by_order"]) == s["model"]["max_order"] + 1 for s in d["simulations"])' |
	grep -q True && ok "allocation failures by order" || nok "allocation failures by order"
json_get "$R" 'all(z["free_pages"] + z["pcp_pages"] <= z["present"] for s in d["simulations"] for z in s["zones"])' |
	grep -q True && ok "free and per-CPU pages fit in every zone" || nok "free and per-CPU pages fit in every zone"
json_get "$R" '0 < sum(d["simulations"][0]["allocations"]["requests_by_order"]) <= d["events"]["mm_page_alloc"]' |
	grep -q True && ok "requests are the mm_page_alloc events after the start" ||
	nok "requests are not the mm_page_alloc events after the start"

# The base config compacts for the trace's THP faults, as the kernel did.
json_get "$R" 'd["simulations"][0]["compaction"]["direct"]["stall"] > 0 and d["simulations"][0]["compaction"]["direct"]["success"] > 0' |
	grep -q True && ok "base: direct compaction stalls and succeeds" || nok "base: no successful direct compaction"
json_get "$R" 'all(d["compaction"]["success_rates"]["observed"][k] == d["compaction"]["observed"]["direct"][k] for k in ("stall","success","fail","efficiency"))' |
	grep -q True && ok "success_rates.observed is the observed direct outcome" || nok "success_rates.observed"
json_get "$R" 'all(set(x) >= {"runs","success","efficiency"} for r in [d["compaction"]["success_rates"]["observed"]] + list(d["compaction"]["success_rates"]["simulated"].values()) for x in (r["kcompactd"], r["proactive"]))' |
	grep -q True && ok "success_rates: kcompactd and proactive runs beside direct" || nok "success_rates: background runs"
json_get "$R" 'sorted(d["compaction"]["success_rates"]["simulated"]) == ["base","nocp","nomob"]' |
	grep -q True && ok "success_rates.simulated per config" || nok "success_rates.simulated"
json_get "$R" 'd["compaction"]["success_rates"]["vmstat"]["stall"] == d["compaction"]["vmstat"]["compact_stall"]' |
	grep -q True && ok "success_rates.vmstat from the captures' deltas" || nok "success_rates.vmstat"

# Mobility grouping off (page_group_by_mobility_disabled): one type, more fragmentation.
json_get "$R" 'd["simulations"][1]["model"]["mobility_disabled"] and all(set(z["pageblocks_by_type"]) <= {"Unmovable"} or all(v == 0 for k, v in z["pageblocks_by_type"].items() if k != "Unmovable") for z in d["simulations"][1]["zones"])' |
	grep -q True && ok "nomob: every pageblock Unmovable" || nok "nomob: pageblocks of other types"
unus() { json_get "$R" "sum(z['unusable_index'][9] for z in d['simulations'][$1]['zones'] if z['zone'] in ('DMA32','Normal'))"; }
b=$(unus 0); n=$(unus 1)
echo "# unusable index at order 9, DMA32 + Normal: base $b, nomob $n (thousandths)"
[ "$n" -gt "$b" ] && ok "mobility grouping off fragments more (unusable@9 $n > $b)" ||
	nok "mobility grouping off does not fragment more ($n <= $b)"
json_get "$R" 'd["simulations"][1]["compaction"]["direct"]["success"] <= d["simulations"][0]["compaction"]["direct"]["success"]' |
	grep -q True && ok "nomob: no more compaction successes than base" || nok "nomob: more compaction successes"

# Compaction off: no compaction at all, more failures.
json_get "$R" '[(c["direct"]["stall"], c["pages_migrated"], sum(c["runs"].values())) for c in [d["simulations"][2]["compaction"]]] == [(0, 0, 0)]' |
	grep -q True && ok "nocp: no compaction at all" || nok "nocp: compaction ran"
json_get "$R" 'd["simulations"][2]["allocations"]["failures"] >= d["simulations"][0]["allocations"]["failures"]' |
	grep -q True && ok "nocp: at least base's allocation failures" || nok "nocp: fewer failures than base"

# One pass, deterministic: the same simulations again, and alone.
expect_exit 0 "replay --simulate again" -- "$MMFRAG" replay -q --simulate \
	--config name=base --config name=nomob,mobility_grouping=off --config name=nocp,compaction=off \
	-o "$TMP/again.json" "$T"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["simulations"]; b=json.load(open(sys.argv[2]))["simulations"]; sys.exit(a != b)' \
	"$R" "$TMP/again.json" && ok "simulations are deterministic" || nok "simulations differ between runs"
expect_exit 0 "replay --simulate with one config" -- "$MMFRAG" replay -q --simulate --config name=base \
	-o "$TMP/one.json" "$T"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["simulations"][0]; b=json.load(open(sys.argv[2]))["simulations"][0]; sys.exit(a != b)' \
	"$R" "$TMP/one.json" && ok "a config alone gives what it gives beside others" || nok "configs interfere"

# Observe mode is unchanged by --simulate.
expect_exit 0 "replay without --simulate" -- "$MMFRAG" replay -q -o "$TMP/obs.json" "$T"
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); a.pop("simulations"); [x["compaction"].pop("success_rates") for x in (a,b)]; sys.exit(a != b)' \
	"$R" "$TMP/obs.json" && ok "observe mode unchanged by --simulate" || nok "--simulate changed observe mode"

# The time series: every point after the start has each simulation's zones.
expect_exit 0 "replay --simulate --interval" -- "$MMFRAG" replay -q --simulate --interval 1 \
	--config name=base --config name=nomob,mobility_grouping=off -o "$TMP/series.json" "$T"
json_get "$TMP/series.json" 'len(d["series"]) > 3 and all(sorted(p["simulations"]) == ["base","nomob"] and all(len(v["zones"]) == len(p["zones"]) for v in p["simulations"].values()) for p in d["series"][1:])' |
	grep -q True && ok "series points carry every simulation" || nok "series points lack simulations"
json_get "$TMP/series.json" '[p["simulations"]["base"]["zones"] for p in d["series"]][-1] == [{k: z[k] for k in ("node","zone","free_blocks","pcp_pages","unusable_index","extfrag_index","fragmentation_score")} for z in d["simulations"][0]["zones"]]' |
	grep -q True && ok "the last series point is the simulation's end state" || nok "last series point differs from the end state"
expect_exit 0 "report --section series with simulations" -- "$MMFRAG" report --section series --zone DMA32 "$TMP/series.json"
grep -qE '^time +zone .* base +nomob$' "$TMP/out" && [ "$(grep -c ' DMA32 ' "$TMP/out")" -gt 3 ] &&
	ok "series table: a column per simulation" || nok "series table: no simulation columns"

# The other bundled trace, and a machine of our own (no capture needed).
expect_exit 0 "simulate the page cache trace" -- "$MMFRAG" replay -q --simulate -o "$TMP/pc.json" \
	traces/pagecache-small.dat
expect_exit 0 "simulate memory=4G without captures" -- "$MMFRAG" replay -q --no-state --simulate \
	--config memory=4G,name=m4 -o "$TMP/mem.json" "$T"
json_get "$TMP/mem.json" 'd["simulations"][0]["model"]["zones_from"] == "memory" and [z["zone"] for z in d["simulations"][0]["zones"]] == ["DMA", "DMA32"] and sum(z["present"] for z in d["simulations"][0]["zones"]) == (4 << 18) - 1' |
	grep -q True && ok "memory=4G: DMA and DMA32, 4 GiB" || nok "memory=4G layout"
# kernelcore= / movablecore=: ZONE_MOVABLE as find_zone_movable_pfns_for_nodes() lays it out
expect_exit 0 "simulate memory=8G,movablecore=3G" -- "$MMFRAG" replay -q --no-state --simulate \
	--config memory=8G,movablecore=3G,name=mc -o "$TMP/mc.json" "$T"
json_get "$TMP/mc.json" '[(z["zone"], z["start_pfn"], z["present"]) for z in d["simulations"][0]["zones"]][2:] == [("Normal", 1 << 20, 262144), ("Movable", 1310720, 786432)]' |
	grep -q True && ok "movablecore=3G: a 3 GiB Movable zone on top" || nok "movablecore=3G layout"
expect_exit 0 "simulate a capture with kernelcore=512M" -- "$MMFRAG" replay -q --simulate \
	--config kernelcore=512M,name=kc -o "$TMP/kc.json" traces/compact-small.dat
json_get "$TMP/kc.json" '[z["zone"] for z in d["simulations"][0]["zones"]] == ["DMA", "DMA32", "Normal", "Movable"] and d["simulations"][0]["zones"][2]["present"] == 0' |
	grep -q True && ok "kernelcore=512M: DMA32 meets it, all of Normal is Movable" || nok "kernelcore=512M layout"
expect_error 2 "--config kernelcore too small" "kernelcore" -- "$MMFRAG" replay --simulate --config kernelcore=1M "$T"

# Tables.
expect_exit 0 "report --section simulations" -- "$MMFRAG" report --section simulations "$R"
grep -q '^simulate mode' "$TMP/out" && grep -qE '^ +observed +base +nomob +nocp$' "$TMP/out" &&
	ok "simulations table: observed beside each config" || nok "simulations table"

# compare on simulations: FILE#NAME, gates (mobility grouping off: 197 direct compaction
# failures against 71, no success; which zone's free memory ends more fragmented moves with
# the per-CPU lists the trace ends with)
expect_exit 0 "compare base with itself" -- "$MMFRAG" compare -q "$R#base" "$R#base"
expect_exit 3 "compare base nomob --fail-if compaction fails more" -- "$MMFRAG" compare -q \
	-f 'compaction.direct.fail.delta>50' "$R#base" "$R#nomob"
expect_exit 0 "compare base nomob --fail-if compaction fails less" -- "$MMFRAG" compare -q \
	-f 'compaction.direct.fail.delta<0' "$R#base" "$R#nomob"
expect_exit 0 "compare --json base nocp" -- "$MMFRAG" compare --json "$R#base" "$R#nocp"
json_get "$TMP/out" '[m["b"] for m in d["metrics"] if m["name"] == "compaction.direct.stall"][0] == 0' |
	grep -q True && ok "compare reads the simulation's compaction" || nok "compare reads the simulation's compaction"
expect_exit 0 "compare a trace under two configs" -- "$MMFRAG" compare -q "$T#default" "$T#compaction=off"
expect_error 1 "compare: no such simulation" "nosuch" -- "$MMFRAG" compare "$R#nosuch" "$R#base"
expect_error 1 "compare: result without simulations" "no simulation named" -- \
	"$MMFRAG" compare "$TMP/obs.json#base" "$R#base"
expect_error 1 "compare trace#bad config" "colour" -- "$MMFRAG" compare "$T#colour=blue" "$R#base"

# Reclaim and migration failures from what a recording shows (traces/compact-heavy: made by
# mmfrag record, mm_lru_insertion on, no swap on the recording machine, ext4 page cache in
# large folios): the simulated kswapd reclaims file pages only, the trace's LRU insertions
# among them, and migrations fail on the written page cache, never at a higher share of
# the pages tried than the trace's own migrations (mmfrag-replay(1)).
H=traces/compact-heavy.dat
expect_exit 0 "simulate compact-heavy" -- "$MMFRAG" replay -q --simulate -o "$TMP/heavy.json" "$H"
LIM=$(python3 - "$TMP/heavy.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
lim = d["simulations"][0]["limits"]
out = []
rec = [l for l in lim if l.startswith("reclaim approximated")]
m = rec and re.search(r"from (\d+) LRU pages of the start capture \(file pages: the capture "
                      r"shows no swap\) and (\d+) the trace put on an LRU list", rec[0])
out.append("%s reclaim pool: file pages of the start, and the trace's insertions (%s)" % (
    "ok" if m and int(m.group(1)) > 0 and int(m.group(2)) > 0 else "BAD",
    m.group(0) if m else rec))
mig = [l for l in lim if l.startswith("migration failures")]
m = mig and re.search(r"is: (\d+) simulated pages failed .*failed/tried pages: direct async "
                      r"(\d+)/(\d+), direct sync (\d+)/(\d+), kcompactd and others (\d+)/(\d+);"
                      r" the trace's own (\d+)/(\d+), (\d+)/(\d+), (\d+)/(\d+)", mig[0])
# a dirty large folio fails where it is met: at the trace's share, or as a run's end when
# no target of its order is free (-ENOMEM); which of the two depends on the free memory
enomem = [re.match(r"written page cache: (\d+) migrations ended", l) for l in lim]
enomem = sum(int(e.group(1)) for e in enomem if e)
ok = bool(m) and int(m.group(1)) + enomem > 0
if m:
    v = [int(x) for x in m.groups()[1:]]
    for i in range(3):
        sf, st, kf, kt = v[2 * i], v[2 * i + 1], v[6 + 2 * i], v[7 + 2 * i]
        # at or below the trace's share (its prior leans on the other sources: 5% slack)
        if st and kt and sf / st > kf / kt + 0.05:
            ok = False
out.append("%s migrations fail on the written page cache, at most at the trace's share (%s; "
           "%d runs ended on one)" % ("ok" if ok else "BAD", mig[0][:160] if mig else "no line", enomem))
print("\n".join(out))
PY
)
while read -r st rest; do
	[ "$st" = ok ] && ok "compact-heavy: $rest" || nok "compact-heavy: $rest"
done <<<"$LIM"

# Calibration against the real kernel (traces/whatif-small.*, bench/whatif/run-one.sh with a
# small workload): simulated `default` on the recording against the traced kernel's own direct
# compaction counts (the captures' vmstat deltas), and extfrag_threshold=1000 against the same
# workload recorded under that setting (extfrag_threshold_1000/: its vmstat, 0 stalls).  Each
# count is the mean over the simulator's seeds 0-7 (--config seed=), as bench/whatif/analyze.py
# --seeds scores: compaction is chaotic, one seed's count on one trace moves by 20-30 failures
# with any change of the model's order of events, and a check on it tested the draw.  The goal
# is 15%; the tolerances below are what the current model meets plus a margin (the
# thirty-sixth round: stall 109-115, success 60-62, fail 47-54 over the seeds, against the
# kernel's 109 / 62 / 47; see bench/README.md, "calibration test"), so that a regression of the
# calibration fails here.  The effect's lower bound is 0.5: the simulator starts
# extfrag_threshold=1000 with the traced kernel's deferred zones, and their 46 deferred stalls
# are not in the real run (its own start had none deferred), though other real runs show such
# stalls (bench/README.md, nineteenth round).  With the default at the kernel's 109, the
# simulated effect can be no larger than 109 - 46 = 63, a ratio of 0.58.
W=traces/whatif-small.dat
if [ -f "$W" ]; then
	cal_ok=1
	for seed in 0 1 2 3 4 5 6 7; do
		"$MMFRAG" replay -q --simulate --config name=default,seed=$seed \
			--config name=ef1000,extfrag_threshold=1000,seed=$seed \
			-o "$TMP/cal$seed.json" "$W" 2>"$TMP/cal.err" || { cal_ok=0; break; }
	done
	[ "$cal_ok" = 1 ] && ok "calibration: default and extfrag_threshold=1000 on whatif-small, seeds 0-7" ||
		{ nok "calibration: replay of whatif-small failed (seed $seed)"; sed 's/^/#   /' "$TMP/cal.err" | head -3; }
	CAL=$(python3 - "$TMP" traces/whatif-small.state <<'PY'
import json, sys
runs = [json.load(open("%s/cal%d.json" % (sys.argv[1], seed))) for seed in range(8)]
def vmdelta(st, key):
    v = [dict(l.split() for l in open("%s/%s/vmstat" % (st, w))) for w in ("start", "end")]
    return int(v[1][key]) - int(v[0][key])
real = {k: vmdelta(sys.argv[2], "compact_" + k) for k in ("stall", "success", "fail")}
obs = runs[0]["compaction"]["observed"]["direct"]
def mean(name, k):
    return sum({s["name"]: s for s in d["simulations"]}[name]["compaction"]["direct"][k]
               for d in runs) / len(runs)
tol = {"stall": 0.15, "success": 0.15, "fail": 0.25}	# relative error allowed, see above
out = []
for k in ("stall", "success", "fail"):
    sim = mean("default", k)
    err = (sim - real[k]) / real[k]
    out.append("%s %s real=%d observed=%d sim=%.1f err=%+.0f%% tol=%.0f%%" % (
        "ok" if abs(err) <= tol[k] and obs[k] == real[k] else "BAD", k, real[k], obs[k],
        sim, 100 * err, 100 * tol[k]))
ef_real = vmdelta(sys.argv[2] + "/extfrag_threshold_1000", "compact_stall") - real["stall"]
ef_sim = mean("ef1000", "stall") - mean("default", "stall")
ratio = ef_sim / ef_real if ef_real else 0
out.append("%s extfrag_threshold=1000 stall effect real=%d sim=%.1f ratio=%.2f" % (
    "ok" if ef_real < 0 and ef_sim < 0 and 0.5 <= ratio <= 1.3 else "BAD", ef_real, ef_sim, ratio))
print("\n".join(out))
PY
)
	while read -r st rest; do
		[ "$st" = ok ] && ok "calibration: $rest" || nok "calibration: $rest"
	done <<<"$CAL"
else
	nok "$W missing"
fi

# seed=: the simulator's own draws.  Seed 0 is the default's; the same seed gives the
# same result; another seed moves the draws (whatif-small: its learned migration failures
# and contention) and the result document says which seed ran.
if [ -f "$W" ] &&
   "$MMFRAG" replay -q --simulate --config name=a --config name=b,seed=0 --config name=c,seed=1 \
	--config name=d,seed=1 -o "$TMP/seed.json" "$W" 2>"$TMP/err" &&
   python3 - "$TMP/seed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in d["simulations"]}
key = lambda x: json.dumps([x["compaction"], x["allocations"], x["zones"]], sort_keys=True)
assert [s[n]["config"]["seed"] for n in "abcd"] == [0, 0, 1, 1], [s[n]["config"] for n in "abcd"]
assert key(s["a"]) == key(s["b"]), "seed=0 is not the default's draws"
assert key(s["c"]) == key(s["d"]), "one seed, two results"
assert key(s["a"]) != key(s["c"]), "seed=1 draws what seed 0 does"
PY
then ok "--config seed=: 0 is the default, one seed one result, another seed other draws"
else nok "--config seed=: $(tr '\n' ' ' <"$TMP/err")"; fi
expect_error 2 "--config seed out of range" "seed" -- "$MMFRAG" replay --simulate --config seed=-1 "$T"

# bench/whatif/analyze.py --seeds: each simulated count the mean over the seeds, their
# spread beside it (a set of one recording: whatif-small as a default run)
mkdir -p "$TMP/aw/runs"
ln -s "$PWD/$W" "$TMP/aw/runs/default-r1.dat"
ln -s "$PWD/traces/whatif-small.state" "$TMP/aw/runs/default-r1.dat.state"
cp traces/whatif-small.state/whatif.json "$TMP/aw/runs/default-r1.dat.whatif.json"
if python3 bench/whatif/analyze.py -w "$TMP/aw" --seeds 2 --mmfrag "$MMFRAG" >"$TMP/aw.txt" 2>"$TMP/err" &&
   python3 - "$TMP/aw" <<'PY'
import json, math, sys
t = json.load(open(sys.argv[1] + "/table.json"))
f = [json.load(open(sys.argv[1] + "/replay/" + n))["simulations"][0]["compaction"]["direct"]["fail"]
     for n in ("default-r1.sim.json", "default-r1.sim.s1.json")]
m = t["configs"][0]["metrics"]["fail"]
assert t["seeds"] == 2, t["seeds"]
assert abs(m["sim"] - sum(f) / 2) < 1e-9, (m, f)
assert abs(m["sim_seed_sd"] - abs(f[0] - f[1]) / math.sqrt(2)) < 1e-9, (m, f)
w = [json.load(open(sys.argv[1] + "/replay/" + n))["simulations"][0]["workload"]
     for n in ("default-r1.sim.json", "default-r1.sim.s1.json")]
share = sum(x["placed_as_traced"] for x in w) / sum(x["placed"] for x in w)
lay = t["configs"][0]["layout"]["default_recordings"]
assert 0 < lay <= 1 and abs(lay - share) < 1e-9, (lay, w)
PY
   grep -q "^seed spread" "$TMP/aw.txt" && grep -q "^layout: " "$TMP/aw.txt"
then ok "analyze.py --seeds 2: the mean of the seeds' counts, their spread and the layout kept"
else nok "analyze.py --seeds: $(tr '\n' ' ' <"$TMP/err")"; fi

# Bad input: one line, the right status, nothing on stdout.
expect_error 2 "--config without --simulate" "--config goes with --simulate" -- \
	"$MMFRAG" replay --config compaction=off "$T"
expect_error 2 "--config unknown key" "colour" -- "$MMFRAG" replay --simulate --config colour=blue "$T"
expect_error 2 "--config bad value" "extfrag_threshold" -- \
	"$MMFRAG" replay --simulate --config extfrag_threshold=2000 "$T"
expect_error 2 "--config two configs one name" "two configs named" -- \
	"$MMFRAG" replay --simulate --config name=a --config name=a,compaction=off "$T"
expect_error 2 "--config memory too small" "memory" -- "$MMFRAG" replay --simulate --config memory=1M "$T"
expect_error 2 "--config key given twice" "key 'extfrag_threshold' given twice" -- \
	"$MMFRAG" replay --simulate --config extfrag_threshold=1,extfrag_threshold=2 "$T"
expect_error 2 "--config number with junk" "extfrag_threshold: '5x'" -- \
	"$MMFRAG" replay --simulate --config extfrag_threshold=5x "$T"
# usage errors are one line on stderr
"$MMFRAG" replay --simulate --config extfrag_threshold=1,extfrag_threshold=2 "$T" 2>"$TMP/err"
[ "$(wc -l <"$TMP/err")" -eq 1 ] && ok "--config key given twice: one line" ||
	nok "--config key given twice: $(wc -l <"$TMP/err") lines"
expect_error 1 "--simulate without a capture" "no start capture" -- \
	"$MMFRAG" replay --no-state --simulate -o "$TMP/x.json" "$T"
[ ! -e "$TMP/x.json" ] && ok "nothing saved on error" || nok "a result was saved on error"

# bench/whatif/pool.py: issue 12's goal over scored sets, from their table.json alone
mkdir -p "$TMP/setA" "$TMP/setB"
python3 - "$TMP" <<'PY'
import json, sys
def table(sig, sign, w30, fail_err, per):
    dvt = {k: {"real": 100, "sim": 100 + e, "error_pct": e, "within_15pct": abs(e) <= 15}
           for k, e in (("stall", 1.0), ("success", -2.0), ("fail", fail_err))}
    return {"goal": {"significant_effects": sig, "sign_right": sign, "magnitude_within_30pct": w30,
                     "default_within_15pct": all(v["within_15pct"] for v in dvt.values()),
                     "per_config": per},
            "default_vs_traced": dvt, "own_recordings": {"abs_rel_error_sum": 0.5}}
a = table(4, 4, 3, 20.0, {"x_1": True, "y_2": False})
a["allocation_failures"] = {"simulations": 3, "order0": {"simulated": 1234, "kernel": 5},
                            "higher": {"simulated": 40, "kernel": 42}}
json.dump(a, open(sys.argv[1] + "/setA/table.json", "w"))
json.dump(table(2, 1, 1, 5.0, {"x_1": None, "y_2": True}), open(sys.argv[1] + "/setB/table.json", "w"))
PY
if python3 bench/whatif/pool.py --json "$TMP/setA" "$TMP/setB" >"$TMP/pool.json" 2>"$TMP/err" &&
   python3 - "$TMP/pool.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
t = p["total"]
assert (t["significant_effects"], t["sign_right"], t["magnitude_within_30pct"]) == (6, 5, 4), t
assert t["default_within_15pct_sets"] == 1, t
assert p["configs"]["x_1"] == {"meets": ["setA"], "misses": [], "not_significant": ["setB"]}, p
assert p["configs"]["y_2"] == {"meets": ["setB"], "misses": ["setA"], "not_significant": []}, p
sets = {s["set"]: s for s in p["sets"]}
assert sets["setA"]["order0_failures"] == {"simulated": 1234, "kernel": 5}, sets
assert sets["setB"]["order0_failures"] is None, sets	# a table from before the check
PY
then ok "pool.py: totals and per-config sets over two tables"
else nok "pool.py: $(tr '\n' ' ' <"$TMP/err")"; fi
if python3 bench/whatif/pool.py "$TMP/setA" "$TMP/setB" >"$TMP/pool.txt" 2>"$TMP/err" &&
   grep -q '^setA .* 1234/5$' "$TMP/pool.txt" && grep -q '^setB .* n/a$' "$TMP/pool.txt"
then ok "pool.py: order-0 failures simulated / kernel per set, n/a for an older table"
else nok "pool.py table: $(tr '\n' ' ' <"$TMP/pool.txt" "$TMP/err")"; fi
expect_error 1 "pool.py: a set without table.json" "table.json" -- \
	python3 bench/whatif/pool.py "$TMP/setA" "$TMP/nosuchset"

finish
