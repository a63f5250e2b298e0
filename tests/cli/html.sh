#!/usr/bin/env bash
# mmfrag report --html, replay --html, compare --html: the page opened in headless
# Chromium, offline, must say it is drawn (data-mmfrag-ready=1) with no script error, every
# view present and drawn, and the memory map one cell per pageblock of every zone of every
# run.  Also report --csv, and the size and opening time of a 24 GB machine's page with
# 200 interval points.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1

CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] || { skip "html pages: chromium not installable here (make deps tries)"; exit 77; }
for t in compact-small pagecache-small; do
	[ -f "traces/$t.dat" ] || { nok "traces/$t.dat missing"; finish; exit; }
done

# open PAGE: the DOM once the page's scripts ran, in $TMP/dom; no network at all
open_page() {
	rm -rf "$TMP/profile"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$TMP/profile" \
		--virtual-time-budget=10000 --dump-dom "file://$1" >"$TMP/dom" 2>"$TMP/chromium.err"
}

# check_page NAME PAGE VIEWS PAGEBLOCKS: drawn, no error, each of VIEWS (space-separated)
# a container with a canvas or svg and data-drawn=1, the map's data-pageblocks
check_page() {
	local name=$1 page=$2 views=$3 want=$4 out
	if grep -qiE '<script[^>]+src=|<link[^>]+href=|<img[^>]+src="?https?:' "$page"; then
		nok "$name: the page refers to outside files"; return
	fi
	if ! open_page "$page"; then
		nok "$name: chromium failed"; sed 's/^/#   /' "$TMP/chromium.err" | tail -3; return
	fi
	out=$(python3 - "$TMP/dom" "$views" "$want" <<'EOF'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body, self.stack, self.views = {}, [], {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag in ("canvas", "svg"):
            for v in self.stack:
                self.views[v]["canvas"] = True
        if "data-chart" in a:
            self.views[a["data-chart"]] = dict(a, canvas=False)
            self.stack.append(a["data-chart"])
            self.depth = 0
        if self.stack and tag not in ("br", "input", "img", "meta", "link"):
            self.views[self.stack[-1]]["_d"] = self.views[self.stack[-1]].get("_d", 0) + 1
    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "input", "img", "meta", "link"):
            v = self.views[self.stack[-1]]
            v["_d"] -= 1
            if v["_d"] == 0:
                self.stack.pop()

p = P()
p.feed(open(sys.argv[1]).read())
bad = []
if p.body.get("data-mmfrag-ready") != "1":
    bad.append("not ready (data-mmfrag-ready=%s)" % p.body.get("data-mmfrag-ready"))
if p.body.get("data-mmfrag-errors") != "0":
    bad.append("%s script errors" % p.body.get("data-mmfrag-errors"))
for v in sys.argv[2].split():
    if v not in p.views:
        bad.append("no %s view" % v)
    elif not p.views[v]["canvas"]:
        bad.append("%s holds no canvas" % v)
    elif p.views[v].get("data-drawn") != "1":
        bad.append("%s not drawn" % v)
    elif v in ("unusable", "score", "memmap", "compaction") and int(p.views[v].get("data-points", 0)) <= 0 \
            and not (v == "memmap" and sys.argv[3] == "0"):
        bad.append("%s drew nothing" % v)
got = p.views.get("memmap", {}).get("data-pageblocks")
if got != sys.argv[3]:
    bad.append("memory map drew %s pageblocks, the zones span %s" % (got, sys.argv[3]))
print("; ".join(bad) if bad else "ok %s" % p.body.get("data-mmfrag-ms"))
EOF
)
	case $out in
	ok*) ok "$name: drawn, no script error, $(wc -w <<<"$views") views, $want pageblocks" ;;
	*) nok "$name: $out" ;;
	esac
}

# pageblocks DOC [SIM...]: what the zones span in pageblocks, for the run(s) the page draws
pageblocks() {
	python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def span(zones, pbo):
    n = 0
    for z in zones:
        first = z["start_pfn"] >> pbo << pbo
        n += (z["start_pfn"] + z["spanned"] - first + (1 << pbo) - 1) >> pbo
    return n
runs = [(d["zones"], d["model"]["pageblock_order"])] if "-" in sys.argv[2:] or len(sys.argv) == 2 else []
for s in d.get("simulations", []):
    if "all" in sys.argv[2:] or s["name"] in sys.argv[2:]:
        runs.append((s["zones"], s["model"]["pageblock_order"]))
print(sum(span(z, o) for z, o in runs))
EOF
}

REPORT_VIEWS="unusable extfrag score compaction memmap simulation fidelity"

for t in compact-small pagecache-small; do
	expect_exit 0 "replay $t --interval 1 --html" -- "$MMFRAG" replay -q --interval 1 \
		-o "$TMP/$t.json" --html "$TMP/$t-replay.html" "traces/$t.dat"
	expect_exit 0 "report $t --html -o" -- "$MMFRAG" report --html -o "$TMP/$t.html" "$TMP/$t.json"
	python3 tests/tools/pageblocks.py "$TMP/$t.json" >"$TMP/pb" &&
		ok "$t: the memory map decodes to the zones' counters" ||
		{ nok "$t: memory map"; sed 's/^/#   /' "$TMP/pb"; }
	want=$(pageblocks "$TMP/$t.json")
	check_page "report --html $t" "$TMP/$t.html" "$REPORT_VIEWS" "$want"
	check_page "replay --html $t" "$TMP/$t-replay.html" "$REPORT_VIEWS" "$want"
done

# --format html on stdout is the same page as -o
"$MMFRAG" report --format html "$TMP/compact-small.json" >"$TMP/stdout.html" &&
	cmp -s "$TMP/stdout.html" "$TMP/compact-small.html" && ok "--format html on stdout = --html -o" ||
	nok "--format html on stdout = --html -o"

# a result saved before the memory map was in the document: drawn, no map, no error
json_get "$TMP/compact-small.json" 'json.dumps({k: v for k, v in d.items() if k != "pageblocks"})' \
	>"$TMP/nomap.json"
expect_exit 0 "report --html of a result without pageblocks" -- \
	"$MMFRAG" report --html -o "$TMP/nomap.html" "$TMP/nomap.json"
check_page "report --html, no memory map in the result" "$TMP/nomap.html" "$REPORT_VIEWS" 0

# results saved by older mmfrag builds (tests/data/result-*.json, oldresult.sh): drawn, no error
for old in tests/data/result-5ec2bc7.json tests/data/result-dc9ed8f-sim.json; do
	n=$(basename "$old" .json)
	expect_exit 0 "report --html of $n" -- "$MMFRAG" report --html -o "$TMP/$n.html" "$old"
	check_page "report --html, $n" "$TMP/$n.html" "$REPORT_VIEWS" 0
done

# several configs: a map per config, side by side
S=$TMP/sim.json
expect_exit 0 "replay --simulate a, b (mobility_grouping=off), c (pageblock_order=10)" -- \
	"$MMFRAG" replay -q --interval 1 --simulate --config name=a \
	--config name=b,mobility_grouping=off --config name=c,pageblock_order=10 -o "$S" \
	traces/compact-small.dat
python3 tests/tools/pageblocks.py "$S" >"$TMP/pb" && ok "simulations: the maps decode to the zones' counters" ||
	{ nok "simulations: memory maps"; sed 's/^/#   /' "$TMP/pb"; }
expect_exit 0 "report --html of the simulations" -- "$MMFRAG" report --html -o "$TMP/sim.html" "$S"
check_page "report --html, 3 configs" "$TMP/sim.html" "$REPORT_VIEWS" "$(pageblocks "$S" - all)"
grep -o '<div class="map"[^>]*>' "$TMP/dom" | grep -c data-pageblocks | grep -qx 4 &&
	ok "one map for the observed run and each config" || nok "one map for the observed run and each config"

# compare: two results, and a result against one of its simulations
expect_exit 0 "compare --html A B" -- "$MMFRAG" compare --html -o "$TMP/cmp.html" \
	"$TMP/compact-small.json" "$TMP/pagecache-small.json"
check_page "compare --html A B" "$TMP/cmp.html" "$REPORT_VIEWS compare" \
	"$(( $(pageblocks "$TMP/compact-small.json") + $(pageblocks "$TMP/pagecache-small.json") ))"
expect_exit 0 "compare --html A A#b" -- "$MMFRAG" compare --html -o "$TMP/cmp-sim.html" "$S" "$S#b"
check_page "compare --html A A#b" "$TMP/cmp-sim.html" "$REPORT_VIEWS compare" "$(pageblocks "$S" - b)"
grep -q 'compaction.direct.stall' "$TMP/dom" && ok "compare page lists the metrics" ||
	nok "compare page lists the metrics"
expect_error 2 "compare --output without --html" "--output goes with --html" -- \
	"$MMFRAG" compare -o "$TMP/x.html" "$S" "$S"
expect_error 2 "report --format bogus" "--format" -- "$MMFRAG" report --format bogus "$S"

# CSV: a header, then one row per source, point, zone and order
expect_exit 0 "report --csv" -- "$MMFRAG" report --csv "$S"
python3 - "$TMP/out" "$S" <<'EOF' >"$TMP/csv" && ok "report --csv: header and every row" ||
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
d = json.load(open(sys.argv[2]))
want = 0
for p in d["series"]:
    want += sum(len(z["free_blocks"]) for z in p["zones"])
    want += sum(len(z["free_blocks"]) for s in p["simulations"].values() for z in s["zones"])
want += sum(len(z["free_blocks"]) for z in d["zones"])
want += sum(len(z["free_blocks"]) for s in d["simulations"] for z in s["zones"])
assert len(rows) == want, (len(rows), want)
last = [r for r in rows if r["source"] == "sim:b" and r["point"] == "end" and r["zone"] == "Normal"]
z = [z for z in d["simulations"][1]["zones"] if z["zone"] == "Normal"][0]
assert [int(r["free_blocks"]) for r in last] == z["free_blocks"]
assert [int(r["unusable_index"]) for r in last] == z["unusable_index"]
EOF
	{ nok "report --csv"; sed 's/^/#   /' "$TMP/csv" | tail -3; }
"$MMFRAG" report --format csv -o "$TMP/out.csv" "$S" && cmp -s "$TMP/out.csv" "$TMP/out" &&
	ok "--format csv -o FILE = --csv on stdout" || nok "--format csv -o FILE = --csv on stdout"

# size and time: this 24 GB machine with 200 interval points
B=$TMP/big.json
"$MMFRAG" replay -q --interval 0.038 -o "$B" traces/compact-small.dat &&
	"$MMFRAG" report --html -o "$TMP/big.html" "$B" || nok "replay and report, 200 points"
points=$(json_get "$B" 'len(d["series"])')
size=$(stat -c %s "$TMP/big.html")
[ "$points" -ge 200 ] && [ "$size" -lt 5000000 ] &&
	ok "$points points, 24 GB: the page is $size bytes (< 5 MB)" ||
	nok "$points points: the page is $size bytes"
check_page "$points points" "$TMP/big.html" "$REPORT_VIEWS" "$(pageblocks "$B")"
ms=$(grep -o 'data-mmfrag-ms="[0-9]*"' "$TMP/dom" | tr -dc 0-9)
[ -n "$ms" ] && [ "$ms" -lt 2000 ] && ok "$points points: drawn $ms ms after navigation (< 2 s)" ||
	nok "$points points: drawn ${ms:-?} ms after navigation"

finish
