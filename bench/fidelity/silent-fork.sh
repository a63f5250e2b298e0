#!/bin/bash
# bench/fidelity/silent-fork.sh [-o OUT] [-n FORKS] -- pages that leave buddy with no event.
#
# Records (mmfrag record, default events, captures every 0.25 s with kpageflags every
# 0.5 s) a shell that forks -n short-lived sleep processes (default 400, 20 at a time, a
# read of /proc/meminfo after each 20), no memory pressure and no compaction, then runs
# silent.py over the trace: on Linux 6.18 here, a per-CPU refill's worth of Reclaimable
# order-0 pages (63) leaves buddy between two scans with no mm_page_alloc_zone_locked,
# mm_page_alloc or any other event naming them (twenty-sixth round, bench/README.md).
# Root; takes the live lock.  Output in bench/work/ (git-ignored).
set -eu
. "$(dirname "$0")/lib.sh"
fid_lock "$@"
OUT=$FID_WORK/silent-fork.dat N=400
while getopts "o:n:" o; do
	case $o in
	o) OUT=$OPTARG ;; n) N=$OPTARG ;;
	*) sed -n '2,10p' "$0" >&2; exit 2 ;;
	esac
done
fid_build
WL=$(mktemp -d /tmp/fid-silent.XXXXXX)
trap 'rm -rf "$WL"' EXIT
cat >"$WL/forks.sh" <<EOS
#!/bin/bash
for i in \$(seq 1 $N); do
	/bin/sleep 0.001 &
	if (( i % 20 == 0 )); then wait; cat /proc/meminfo >/dev/null; fi
done
wait
sleep 0.3
EOS
chmod +x "$WL/forks.sh"
"$MMFRAG" record -q --capture-interval 0.25 --kpageflags-interval 0.5 -o "$OUT" -- "$WL/forks.sh"
trace-cmd report "$OUT" >"$WL/report.txt" 2>/dev/null
python3 "$(dirname "$0")/silent.py" "$WL/report.txt" "$OUT.state"
