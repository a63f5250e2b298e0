#!/bin/bash
# bench/record-compaction.sh [-n RUNS] [-m MIB] [-M MODES] [-L] -- recording overhead on a
# compaction-heavy workload (root).
#
# Workload (tests/tools/fragment.c): fault MIB (default 4000) of 4K pages, free every other
# one, fault MIB/4 of THP memory, hold it, trigger /proc/sys/vm/compact_memory (a one-shot
# action, no setting changes), then exit (a burst of frees).  Its wall time is the "phase
# time" of issue 15.
#
# Each of RUNS repetitions (default 3) runs every mode once, in this order, holding
# /tmp/mmfrag-live.lock for the repetition only (about a minute; -L: the caller holds it):
#   untraced    the workload alone
#   trace-cmd   under `trace-cmd record -e kmem -e compaction` (-b 65536, --no-filter)
#   v7          under `mmfrag record` (default events, v7 zstd)
#   v6          under `mmfrag record --format v6`
# MODES (-M, comma separated) picks a subset.  Per run it prints the workload's wall time,
# the recorder's CPU time (user+sys), events, lost events, file size and the load average
# before the run; then the mean per mode.  Last, the v7 recording of the last repetition is
# converted to v6 by trace-cmd (the same events) to compare sizes, and both are checked
# with trace-cmd report (event count, first and last event).
# Output in bench/work/ (git-ignored): compaction-MODE.dat, compaction.log.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
RUNS=3 MIB=4000 MODES=untraced,trace-cmd,v7,v6 LOCK=/tmp/mmfrag-live.lock
while getopts n:m:M:L o; do
	case $o in
	n) RUNS=$OPTARG ;;
	m) MIB=$OPTARG ;;
	M) MODES=$OPTARG ;;
	L) LOCK= ;;
	*) echo "usage: $0 [-n RUNS] [-m MIB] [-M untraced,trace-cmd,v7,v6] [-L]" >&2; exit 2 ;;
	esac
done
WORK=$HERE/work
mkdir -p "$WORK"
[ "$(id -u)" -eq 0 ] || { echo "record-compaction.sh: needs root" >&2; exit 1; }
cc -O2 -o "$WORK/fragment" "$TOP/tests/tools/fragment.c"
LOG=$WORK/compaction.log
: >"$LOG"

# workload: writes its own wall time to workload-seconds
cat >"$WORK/compaction-workload.sh" <<EOF
#!/bin/bash
set -eu
t0=\$(date +%s.%N)
rm -f "$WORK/ready"
"$WORK/fragment" -q -m $MIB -t $((MIB / 4)) -s -1 -R "$WORK/ready" &
pid=\$!
while [ ! -e "$WORK/ready" ]; do kill -0 \$pid 2>/dev/null || exit 1; sleep 0.1; done
echo 1 >/proc/sys/vm/compact_memory
kill -USR1 \$pid
wait \$pid
t1=\$(date +%s.%N)
awk -v a=\$t0 -v b=\$t1 'BEGIN { printf "%.2f\n", b - a }' >"$WORK/workload-seconds"
EOF
chmod +x "$WORK/compaction-workload.sh"

# run MODE: one run; prints "MODE wall cpu events lost bytes load1"
run() {
	local mode=$1 out=$WORK/compaction-$1.dat load cpu=- events=- lost=- size=-
	load=$(cut -d' ' -f1 /proc/loadavg)
	rm -f "$WORK/workload-seconds" "$out"
	case $mode in
	untraced)
		"$WORK/compaction-workload.sh" ;;
	trace-cmd)
		# trace-cmd exits 1 at the very end over the locked set_ftrace_filter (FIELD-NOTES)
		/usr/bin/time -f "%U %S" -o "$WORK/time" trace-cmd record -q -d --no-filter -b 65536 \
			-e kmem -e compaction -o "$out" -- "$WORK/compaction-workload.sh" \
			>>"$LOG" 2>&1 || true
		cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/time")
		# counted by mmfrag replay, seconds where trace-cmd report takes a minute
		"$MMFRAG" replay --json "$out" >"$WORK/tc.json" 2>/dev/null || true
		events=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(sum(d["events"].values()), d["lost_events"])' "$WORK/tc.json" 2>/dev/null || echo "- -")
		lost=${events#* } events=${events% *} ;;
	v7|v6)
		/usr/bin/time -f "%U %S" -o "$WORK/time" "$MMFRAG" record --format "$mode" \
			-o "$out" -- "$WORK/compaction-workload.sh" 2>"$WORK/record.log"
		cat "$WORK/record.log" >>"$LOG"
		cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$WORK/time")
		events=$(sed -n 's/^mmfrag record: .*s, \([0-9]*\) events.*/\1/p' "$WORK/record.log")
		lost=$(sed -n 's/^mmfrag record: .*, \([0-9]*\) lost,.*/\1/p' "$WORK/record.log") ;;
	esac
	[ -f "$out" ] && size=$(stat -c %s "$out")
	echo "$mode $(cat "$WORK/workload-seconds") $cpu $events $lost $size $load"
}

echo "mode wall_s recorder_cpu_s events lost bytes load1" | tee "$WORK/compaction.runs"
[ -z "$LOCK" ] || exec 9>"$LOCK"
for ((r = 1; r <= RUNS; r++)); do
	[ -z "$LOCK" ] || flock 9
	for m in ${MODES//,/ }; do
		run "$m" | tee -a "$WORK/compaction.runs"
	done
	[ -z "$LOCK" ] || flock -u 9
done
awk 'NR > 1 { n[$1]++; w[$1] += $2; c[$1] += $3; s[$1] += $6; order[$1] = NR }
	END { for (m in n) printf "mean %-9s wall %.2f s  recorder cpu %.2f s  %.1f MB  (n=%d)\n",
		m, w[m] / n[m], c[m] / n[m], s[m] / n[m] / 1e6, n[m] }' "$WORK/compaction.runs" | sort

# the same recording as v6 (trace-cmd's conversion): size, and the report of both
if [ -f "$WORK/compaction-v7.dat" ]; then
	trace-cmd convert --file-version 6 --compression none -i "$WORK/compaction-v7.dat" \
		-o "$WORK/compaction-v7-as-v6.dat" >/dev/null 2>&1
	for f in compaction-v7.dat compaction-v7-as-v6.dat; do
		trace-cmd report "$WORK/$f" 2>/dev/null >"$WORK/report.txt"
		printf "%-26s %7.1f MB  trace-cmd report: %d events\n    first: %s\n    last:  %s\n" \
			"$f" "$(stat -c %s "$WORK/$f" | awk '{ print $1 / 1e6 }')" \
			"$(grep -vc '^cpus=' "$WORK/report.txt")" \
			"$(sed -n 2p "$WORK/report.txt" | tr -s ' ' | cut -c1-110)" \
			"$(tail -1 "$WORK/report.txt" | tr -s ' ' | cut -c1-110)"
	done
	rm -f "$WORK/report.txt"
fi
