#!/bin/bash
# bench/top-drift.sh [-r RUNS] [-F MIB] [-m MIB] [-t MIB] [-i SEC] [-- TOP-OPTIONS]
#
# mmfrag top's model against /proc/buddyinfo under a compacting workload (root; takes the
# live lock).  Per run: the hugetlb pool leaves about -F MiB free (default 1300), then
# `mmfrag top --batch --json -i SEC --drift-threshold 0` (no re-anchoring: the raw drift) runs
# while bench/fidelity/churn faults -m MiB (default 1000), gives back 2/3 and faults -t MiB
# of THP (default 800).  Prints, per run: the drift per zone over the intervals during the
# workload (max, median), stalls against the vmstat delta, events, lost events, and the
# load average.  TOP-OPTIONS go to mmfrag top (e.g. --drift-threshold 0.02).  With -R, a
# recording beside top (bench/work/top-drift-rec-RUN.dat, periodic captures every SEC):
# replay it afterwards (not under the lock) for the model's drift on the same events.
set -eu
. "$(dirname "$0")/fidelity/lib.sh"
fid_lock "$@"
RUNS=1 FREE=1300 M=1000 T=800 INT=0.5 REC=0
while getopts "r:F:m:t:i:R" o; do
	case $o in
	r) RUNS=$OPTARG ;; F) FREE=$OPTARG ;; m) M=$OPTARG ;; t) T=$OPTARG ;; i) INT=$OPTARG ;; R) REC=1 ;;
	*) sed -n '2,11p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
fid_build
fid_save
HP0=$(sysctl -n vm.nr_hugepages)
WL=$(mktemp -d /tmp/top-drift.XXXXXX)
TOP_PID=
cleanup() {
	[ -n "$TOP_PID" ] && kill -TERM "$TOP_PID" 2>/dev/null && wait "$TOP_PID" || true
	rm -rf "$WL"; fid_restore
}
trap cleanup EXIT
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

for run in $(seq "$RUNS"); do
	fid_hog "$FREE"
	rm -f "$WL/stop"
	s0=$(vm compact_stall)
	"$MMFRAG" top --batch --json -i "$INT" --drift-threshold 0 "$@" >"$WL/top.json" \
		2>"$WL/top.err" &
	TOP_PID=$!
	for _ in $(seq 300); do [ -s "$WL/top.json" ] && break; sleep 0.1; done
	if [ "$REC" = 1 ]; then
		# the same events recorded beside top, with captures: replay's drift to compare
		"$MMFRAG" record -q --capture-interval "$INT" -o "$FID_WORK/top-drift-rec.dat" \
			-- bash -c "while [ ! -e $WL/stop ]; do sleep 0.1; done" &
		REC_PID=$!
		sleep 4		# its start capture (kpageflags)
	fi
	w0=$(date +%s.%N)
	"$FID_WORK/churn" -q -m "$M" -f 2/3 -t "$T" -s 0 >/dev/null 2>&1 || true
	w1=$(date +%s.%N)
	sleep 1
	kill -INT "$TOP_PID"; wait "$TOP_PID" || echo "top: exit $?" >&2
	if [ "$REC" = 1 ]; then
		touch "$WL/stop"
		wait "$REC_PID" || true
	fi
	TOP_PID=
	s1=$(vm compact_stall)
	sysctl -q -w vm.nr_hugepages="$HP0"
	echo "run $run: workload $(echo "$w1 - $w0" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
	python3 - "$WL/top.json" "$((s1 - s0))" <<'PY'
import json, sys, statistics
lines = [json.loads(l) for l in open(sys.argv[1])]
zones = {}
for d in lines:
    for z in d["zones"]:
        zones.setdefault("%d/%s" % (z["node"], z["zone"]), []).append(z["drift"])
for k, v in zones.items():
    print("  zone %-9s drift max %.4f median %.4f  per interval: %s" % (k, max(v),
          statistics.median(v), " ".join("%.3f" % x for x in v)))
last = lines[-1]
c = last["compaction"]
print("  stalls %d, its vmstat delta %d, outer delta %s; events %d (peak %d/s); lost %d; reanchors %d"
      % (c["stall"], c["vmstat"]["compact_stall"], sys.argv[2], last["events"]["total"], last["events"]["peak_per_s"], last["lost_events"],
         last["drift"].get("reanchors", -1)))
PY
	sed 's/^/  top: /' "$WL/top.err" | head -3
	cp "$WL/top.json" "$FID_WORK/top-drift-$run.json"
	if [ "$REC" = 1 ]; then
		rm -rf "$FID_WORK/top-drift-rec-$run.dat.state"
		mv "$FID_WORK/top-drift-rec.dat" "$FID_WORK/top-drift-rec-$run.dat"
		mv "$FID_WORK/top-drift-rec.dat.state" "$FID_WORK/top-drift-rec-$run.dat.state"
	fi
done
