#!/usr/bin/env bash
# Bad input from elsewhere (issue 13): /proc captures with impossible numbers, result
# documents whose schema string matches but whose body does not, models that cannot fit
# in memory.  Each is one line on stderr, exit 1 (2 for a usage error), nothing on stdout.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
T=fuzz/corpus/trace/v6-1page.dat
CAP=tests/data/extfrag/idle

# rss FILE CMD...: run CMD (its status, stdout and stderr kept), its peak RSS in KB to FILE
rss() {
	python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$@"
}

# capture DIR KEY VALUE [ZONE]: a copy of $CAP with KEY's value in zone ZONE's section
# (Normal by default) of zoneinfo replaced
capture() {
	local dir=$1 key=$2 val=$3 zone=${4:-Normal}
	mkdir -p "$dir"
	cp "$CAP/buddyinfo" "$CAP/pagetypeinfo" "$dir/"
	awk -v key="$key" -v val="$val" -v zone="$zone" '
		/^Node/ { inz = ($4 == zone) }
		inz && ($1 == key || $1 == key ":") { sub(/[0-9]+$/, val) }
		{ print }' "$CAP/zoneinfo" >"$dir/zoneinfo"
	grep -q "$val" "$dir/zoneinfo" || echo "robust.sh: $key not replaced" >&2
}

# item 6: every zoneinfo number is bounded (no zone has 2^52 pages); status must not
# divide by zero (present 2^64-1 made the node's present + 1 wrap to 0)
for v in 18446744073709551615 4503599627370497; do
	capture "$TMP/p$v" present "$v"
	expect_error 1 "status: zoneinfo present $v is refused" "more pages than a zone can have" -- \
		"$MMFRAG" status --proc "$TMP/p$v"
done
capture "$TMP/s" start_pfn 4503599627370000
expect_error 1 "status: a zone ending beyond pfn 2^52 is refused" "beyond pfn 2^52" -- \
	"$MMFRAG" status --proc "$TMP/s"
mkdir -p "$TMP/b"
cp "$CAP/zoneinfo" "$CAP/pagetypeinfo" "$TMP/b/"
sed '$s/[0-9]*$/4503599627370496/' "$CAP/buddyinfo" >"$TMP/b/buddyinfo"
expect_error 1 "status: a buddyinfo count of 2^52 top-order blocks is refused" \
	"more pages than a zone can have" -- "$MMFRAG" status --proc "$TMP/b"
capture "$TMP/ok" present 4503599627370496
expect_exit 0 "status: present 2^52 is still accepted" -- "$MMFRAG" status --proc "$TMP/ok"

# item 2: a start capture sizes the model; one that cannot fit is refused before allocating
for v in 4294967296 1099511627776; do
	capture "$TMP/z$v" spanned "$v"
	expect_error 1 "replay: a start capture spanning $v pages is refused up front" \
		"more than this machine has" -- \
		rss "$TMP/rss" "$MMFRAG" replay -q --from-state "$TMP/z$v" \
		-o "$TMP/z.json" "$T"
	rss=$(tail -1 "$TMP/rss")
	[ "${rss:-999999}" -lt 65536 ] && ok "... in $rss KB" || nok "... in $rss KB (wanted < 64 MB)"
done
capture "$TMP/sp" start_pfn 1099511627776
expect_error 1 "replay: start_pfn 2^40 is refused up front" "more than this machine has" -- \
	"$MMFRAG" replay -q --from-state "$TMP/sp" -o "$TMP/z.json" "$T"
capture "$TMP/sx" spanned 18446744073709551615
expect_error 1 "replay: spanned 2^64-1 is refused" "more pages than a zone can have" -- \
	"$MMFRAG" replay -q --from-state "$TMP/sx" -o "$TMP/z.json" "$T"

# item 7: memory=SIZE whose model cannot fit here is a usage error; twice the RAM works
expect_error 2 "replay --config memory=1000T is refused up front" "more than this machine has" -- \
	"$MMFRAG" replay -q --simulate --config name=a,memory=1000T -o "$TMP/m.json" "$T"
ram_mb=$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
expect_exit 0 "replay --config memory=twice this machine's RAM works" -- \
	rss "$TMP/rss" "$MMFRAG" replay -q --simulate \
	--config "name=a,memory=$((2 * ram_mb))M" -o "$TMP/m.json" "$T"
rss=$(tail -1 "$TMP/rss")
[ "${rss:-9999999}" -lt 400000 ] && ok "... in $rss KB" || nok "... in $rss KB (wanted < 400 MB)"

# item 2: an allocation that fails is an error, never silent.  An address-space limit makes
# the model's allocation (sized by the trace's capture, ~75 MB) fail; not under ASan, whose
# shadow memory needs terabytes of address space.
if [ -z "${ASAN_OPTIONS:-}" ]; then
	expect_error 1 "replay: the model's allocation failing is one error line" \
		"Cannot allocate memory" -- \
		sh -c 'ulimit -v 60000 && exec "$0" "$@"' "$MMFRAG" replay -q \
		-o "$TMP/alloc.json" traces/compact-small.dat
	[ ! -e "$TMP/alloc.json" ] && ok "... and no result file" || nok "... a result file was written"
fi

# item 5: result documents are checked against the schema before any renderer reads them
S=fuzz/corpus/result/simulate.json
mk() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(d, open(sys.argv[3], "w"))' "$S" "$1" "$2"; }
echo '{"schema":"mmfrag-replay/1"}' >"$TMP/bare.json"
mk 'del d["simulations"][0]["config_text"]' "$TMP/noconf.json"
mk 'd["zones"][0]["zone"] = 5' "$TMP/zname.json"
mk 'd["simulations"][0]["zones"][0]["zone"] = None' "$TMP/simzname.json"
mk 'd["series"][0]["zones"][0]["zone"] = []' "$TMP/serzname.json"
mk 'd["series"][0]["zones"][0]["free_blocks"] = [1] * 70' "$TMP/fb70.json"
mk 'd["series"][0]["zones"][0]["free_blocks"][1] = -1' "$TMP/fbneg.json"
mk 'd["allocations"]["failures_by_order"] = [2**62] * 11' "$TMP/fail.json"
mk 'd["zones"] = {}' "$TMP/zobj.json"
for f in bare noconf zname simzname serzname fb70 fbneg fail zobj; do
	for fmt in table json csv html; do
		expect_error 1 "report --format $fmt: $f.json is refused" "not a valid mmfrag-replay/1 document" -- \
			"$MMFRAG" report --format "$fmt" "$TMP/$f.json"
	done
	expect_error 1 "compare: $f.json is refused" "not a valid mmfrag-replay/1 document" -- \
		"$MMFRAG" compare "$TMP/$f.json" "$S"
done
# the largest counts the schema allows still render, their sums saturated, not wrapped
mk 'd["series"][0]["zones"][0]["free_blocks"] = [2**53] * 16; d["allocations"]["failures_by_order"] = [2**53] * 11' "$TMP/big.json"
expect_exit 0 "report: counts of 2^53 render" -- "$MMFRAG" report "$TMP/big.json"
expect_exit 0 "compare: counts of 2^53 compare" -- "$MMFRAG" compare -q "$TMP/big.json" "$TMP/big.json"
finish
