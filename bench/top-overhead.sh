#!/bin/bash
# bench/top-overhead.sh [-r RUNS] [-F MIB] [-m MIB] [-t MIB] [-- TOP-OPTIONS]
#
# The cost of mmfrag top on a compacting workload (root; takes the live lock): RUNS pairs
# (default 3), each the same bench/fidelity/churn workload (-m MiB faulted, 2/3 given back,
# -t MiB of THP; the hugetlb pool leaves about -F MiB free) once alone and once under
# `mmfrag top --batch --json -i 1`, in alternating order.  Prints per run the workload's
# wall and CPU time (user+sys), top's own CPU time, events, peak events/s and lost events,
# the stalls against vmstat, and the load average; then the mean and median overhead.
set -eu
. "$(dirname "$0")/fidelity/lib.sh"
fid_lock "$@"
RUNS=3 FREE=1300 M=1000 T=800
while getopts "r:F:m:t:" o; do
	case $o in
	r) RUNS=$OPTARG ;; F) FREE=$OPTARG ;; m) M=$OPTARG ;; t) T=$OPTARG ;;
	*) sed -n '2,9p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
fid_build
fid_save
HP0=$(sysctl -n vm.nr_hugepages)
WL=$(mktemp -d /tmp/top-overhead.XXXXXX)
TOP_PID=
cleanup() {
	[ -n "$TOP_PID" ] && kill -TERM "$TOP_PID" 2>/dev/null && wait "$TOP_PID" || true
	rm -rf "$WL"; fid_restore
}
trap cleanup EXIT
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# one: MODE (alone|top) -> "wall user+sys stalls" of the workload, and top's figures
one() {
	local mode=$1 s0 s1
	shift			# the rest: top's own options
	fid_hog "$FREE" 2>/dev/null
	sync; echo 1 >/proc/sys/vm/compact_memory 2>/dev/null || true
	sleep 1
	if [ "$mode" = top ]; then
		"$MMFRAG" top --batch --json -i 1 "$@" >"$WL/top.json" 2>"$WL/top.err" &
		TOP_PID=$!
		for _ in $(seq 300); do [ -s "$WL/top.json" ] && break; sleep 0.1; done
	fi
	s0=$(vm compact_stall)
	/usr/bin/time -f "%e %U %S" -o "$WL/time" "$FID_WORK/churn" -q -m "$M" -f 2/3 -t "$T" \
		-s 0 >/dev/null 2>&1 || true
	s1=$(vm compact_stall)
	read -r wall u s <"$WL/time"
	printf '%-5s workload %6.2f s wall %6.2f s cpu, %4d stalls, load %s' "$mode" "$wall" \
		"$(echo "$u + $s" | bc)" $((s1 - s0)) "$(cut -d' ' -f1 /proc/loadavg)"
	if [ "$mode" = top ]; then
		# top's CPU time so far (utime + stime ticks, /proc/PID/stat fields 14 and 15)
		if ! ticks=$(awk '{ print $14 + $15 }' /proc/$TOP_PID/stat 2>/dev/null); then
			wait "$TOP_PID" || true; echo "; top exited early (status $?): $(head -c 300 "$WL/top.err")"
			TOP_PID=; return 1
		fi
		kill -INT "$TOP_PID"; wait "$TOP_PID" || true
		python3 - "$WL/top.json" "$ticks" "$(getconf CLK_TCK)" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print("; top: %.2f s cpu, %d events, peak %d/s, lost %d, reanchors %d, stalls %d = vmstat %d" % (
    int(sys.argv[2]) / int(sys.argv[3]),
    d["events"]["total"], d["events"]["peak_per_s"], d["lost_events"], d["drift"]["reanchors"],
    d["compaction"]["stall"], d["compaction"]["vmstat"]["compact_stall"]), end="")
zones = {}
for l in open(sys.argv[1]):
    for z in json.loads(l)["zones"]:
        zones.setdefault(z["zone"], []).append(z["drift"])
print("; drift " + ", ".join("%s max %.3f median %.3f" % (k, max(v), sorted(v)[len(v) // 2])
                             for k, v in zones.items()), end="")
PY
		cp "$WL/top.json" "$FID_WORK/top-overhead-$run.json"
		TOP_PID=
	fi
	echo
	echo "$mode $wall" >>"$WL/walls"
	sysctl -q -w vm.nr_hugepages="$HP0"
}

for run in $(seq "$RUNS"); do
	if [ $((run % 2)) = 1 ]; then one alone "$@"; one top "$@"; else one top "$@"; one alone "$@"; fi
done
python3 - "$WL/walls" <<'PY'
import sys, statistics
a = [float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("alone")]
t = [float(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("top")]
r = [y / x - 1 for x, y in zip(a, t)]
print("workload wall: alone mean %.2f s, under top mean %.2f s; overhead per pair mean %+.0f%%, "
      "median %+.0f%%" % (statistics.mean(a), statistics.mean(t), 100 * statistics.mean(r),
                          100 * statistics.median(r)))
PY
