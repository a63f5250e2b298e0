#!/usr/bin/env bash
# Replay throughput and memory: mmfrag replay --json against trace-cmd report on the same
# file, v7 (zstd) and v6 (uncompressed).  A measurement, not a test: it prints figures and
# never fails on them.
#
#   bench/run.sh [TRACE.dat]     default: bench/work/large.dat, recorded by
#                                bench/record-large.sh when missing (root, ~3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-bench/work/large.dat}
make -s mmfrag

if [ ! -f "$trace" ]; then
	[ "$trace" = bench/work/large.dat ] || { echo "bench: $trace: no such file" >&2; exit 1; }
	echo "bench: recording $trace (>= 5M events) with bench/record-large.sh"
	bench/record-large.sh
fi
v6=${trace%.dat}-v6.dat
if [ ! -f "$v6" ]; then
	trace-cmd convert -i "$trace" -o "$v6" --file-version 6 --compression none >/dev/null 2>&1
fi

# run NAME CMD...: wall seconds and peak RSS (KiB) of CMD, output discarded
run() {
	local name=$1; shift
	/usr/bin/time -f "%e %M" -o /tmp/mmfrag-bench.$$ "$@" >/dev/null 2>/dev/null || true
	read -r wall rss </tmp/mmfrag-bench.$$
	rm -f /tmp/mmfrag-bench.$$
	echo "$name $wall $rss"
}

events=$(./mmfrag replay --json "$trace" | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace"]["events"])')
echo "trace: $trace ($events events, $(du -h "$trace" | cut -f1)); v6: $v6 ($(du -h "$v6" | cut -f1))"
printf '%-34s %10s %14s %12s\n' "" "wall s" "events/s" "peak RSS MB"
for f in "$trace" "$v6"; do
	for tool in mmfrag trace-cmd; do
		if [ $tool = mmfrag ]; then
			set -- ./mmfrag replay --json "$f"
		else
			set -- trace-cmd report "$f"
		fi
		read -r _ wall rss < <(run "$tool" "$@")
		printf '%-34s %10.2f %14.0f %12.1f\n' "$tool $(basename "$f")" "$wall" \
			"$(python3 -c "print($events / max($wall, 0.001))")" "$(python3 -c "print($rss / 1024)")"
	done
done
