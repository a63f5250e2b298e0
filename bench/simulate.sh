#!/usr/bin/env bash
# Simulate mode's cost: one pass of the trace with 0, 1, 3 and 5 configs, wall time, CPU
# time (user + sys: what to compare when the shared machine is loaded) and peak RSS of
# each, and the ratio to one config by CPU time (the goal: three configs in at most twice
# the time of one).  A measurement, not a test: it prints figures and never fails on them.
#
#   bench/simulate.sh [TRACE.dat]   default: bench/holdout/compact-holdout.dat (its
#                                   captures beside it give the simulators a start state)
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-bench/holdout/compact-holdout.dat}
[ -f "$trace" ] || { echo "bench: $trace: no such file" >&2; exit 1; }
make -s mmfrag

configs=(--config name=default --config name=nomob,mobility_grouping=off
	 --config name=pb10,pageblock_order=10 --config name=nocp,compaction=off
	 --config name=pro50,compaction_proactiveness=50)

# run N: the best wall and CPU time of three runs with N configs (0: observe mode only)
run() {
	local n=$1 best="" cbest="" rss=0 i wall u sy r
	local args=()

	[ "$n" -gt 0 ] && args=(--simulate "${configs[@]:0:$((2 * n))}")
	for i in 1 2 3; do
		/usr/bin/time -f "%e %U %S %M" -o /tmp/mmfrag-bench.$$ \
			./mmfrag replay -q "${args[@]}" -o /tmp/mmfrag-bench.$$.json "$trace" || true
		read -r wall u sy r </tmp/mmfrag-bench.$$
		cpu=$(python3 -c "print($u + $sy)")
		if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $wall < $best)"; then best=$wall; fi
		if [ -z "$cbest" ] || python3 -c "import sys; sys.exit(not $cpu < $cbest)"; then cbest=$cpu; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	rm -f /tmp/mmfrag-bench.$$ /tmp/mmfrag-bench.$$.json
	echo "$best $cbest $rss"
}

events=$(./mmfrag replay --json "$trace" | python3 -c 'import json,sys; print(json.load(sys.stdin)["trace"]["events"])')
echo "trace: $trace ($events events); load average $(cut -d' ' -f1-3 /proc/loadavg) (2 CPUs)"
printf '%-14s %8s %8s %14s %14s %12s %10s\n' "" "wall s" "CPU s" "events/s wall" "events/s CPU" \
	"peak RSS MB" "CPU vs 1"
read -r _ one _ < <(run 1)
for n in 0 1 3 5; do
	read -r wall cpu rss < <(run "$n")
	printf '%-14s %8.2f %8.2f %14.0f %14.0f %12.1f %10.2f\n' "$n configs" "$wall" "$cpu" \
		"$(python3 -c "print($events / max($wall, 0.001))")" \
		"$(python3 -c "print($events / max($cpu, 0.001))")" "$(python3 -c "print($rss / 1024)")" \
		"$(python3 -c "print($cpu / max($one, 0.001))")"
done
