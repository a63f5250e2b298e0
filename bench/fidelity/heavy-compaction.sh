#!/bin/bash
# bench/fidelity/heavy-compaction.sh [OPTIONS] -- record heavy direct compaction (root).
#
#   -o OUT.dat   trace (default bench/work/fid-heavy.dat; captures in OUT.dat.state/)
#   -F MIB       hugetlb pool leaves about MIB free (default 1300)
#   -m MIB       4K pages faulted (default 1000), MADV_NOHUGEPAGE
#   -f K/N       K of every N of them given back (default 2/3); -z SEED: at random
#   -t MIB       then MADV_HUGEPAGE faults (default 800): direct compaction
#   -i SEC       periodic captures (buddyinfo, pagetypeinfo) every SEC (default 0.5)
#   -K SEC       a periodic capture scans kpageflags too when SEC have passed since the
#                last scan (mmfrag record --kpageflags-interval; default 5)
#   -E EVENT     also record EVENT (mmfrag record -e default -e EVENT; repeatable),
#                e.g. migrate:remove_migration_pte (migration targets' pfns)
#   -H           raise the hugetlb pool before the recording starts, not inside it (fewer
#                events: for a small recording; the ring buffers are then 16 MiB per CPU)
#   -T           record with `trace-cmd record -e kmem -e compaction` and
#                tests/tools/capture.sh start/end captures instead of `mmfrag record`
#
# Under `mmfrag record` (default events, start/end captures with kpageflags): raise
# vm.nr_hugepages until MemFree is about -F, run bench/fidelity/churn (fault, free, THP
# faults), hold, exit.  The hugetlb pool is given back after the recording (so the end
# capture is of the compacted state) and vm.nr_hugepages and the vm sysctls are restored
# on any exit.  Then `mmfrag replay --json` with no flags and the summary (summary.py):
# stalls (observed and vmstat), per-zone free_blocks_error at every capture, counters.
# A run with few stalls proves nothing: check "compact_stall".  Takes the live lock.
set -eu
. "$(dirname "$0")/lib.sh"
fid_lock "$@"
OUT=$FID_WORK/fid-heavy.dat FREE=1300 M=1000 FRAC=2/3 SEED= T=800 INT=0.5 KPF=5 TC=0 EV=()
HOGOUT=0
while getopts "o:F:m:f:z:t:i:K:E:HT" o; do
	case $o in
	o) OUT=$OPTARG ;; F) FREE=$OPTARG ;; m) M=$OPTARG ;; f) FRAC=$OPTARG ;;
	z) SEED=$OPTARG ;; t) T=$OPTARG ;; i) INT=$OPTARG ;; K) KPF=$OPTARG ;; T) TC=1 ;;
	H) HOGOUT=1 ;;
	E) EV+=(-e "$OPTARG") ;;
	*) sed -n '2,18p' "$0" >&2; exit 2 ;;
	esac
done
fid_build
fid_save
WL=$(mktemp -d /tmp/fid-heavy.XXXXXX)
cleanup() { rm -rf "$WL"; fid_restore; }
trap cleanup EXIT

cat >"$WL/workload.sh" <<EOS
#!/bin/bash
set -eu
. "$FID_HERE/lib.sh"
[ $HOGOUT = 1 ] || fid_hog $FREE
"$FID_WORK/churn" -m $M -f $FRAC ${SEED:+-z $SEED} -t $T -s -1 -R "$WL/ready" &
pid=\$!
while [ ! -e "$WL/ready" ]; do kill -0 \$pid 2>/dev/null || exit 1; sleep 0.05; done
sleep 0.5
kill -USR1 \$pid
wait \$pid
sleep 0.5
EOS
chmod +x "$WL/workload.sh"

rm -rf "$OUT" "$OUT.state"
BUF=()
if [ $HOGOUT = 1 ]; then
	fid_hog "$FREE"
	BUF=(-b 16384)
fi
if [ "$TC" = 1 ]; then
	mkdir -p "$OUT.state"
	cat >"$WL/tc-workload.sh" <<EOS
#!/bin/bash
set -eu
"$FID_TOP/tests/tools/capture.sh" "$OUT.state/start" start
"$WL/workload.sh"
"$FID_TOP/tests/tools/capture.sh" "$OUT.state/end" end
EOS
	chmod +x "$WL/tc-workload.sh"
	# top-level buffer: put back its size and tracing_on, and disable the events, after
	tb=/sys/kernel/tracing
	bufkb=$(awk '{ print ($2 == "(expanded:" ? $3 + 0 : $1) }' $tb/buffer_size_kb)
	ton=$(cat $tb/tracing_on)
	# trace-cmd exits 1 at the very end over set_ftrace_filter (FIELD-NOTES); the file is good
	trace-cmd record -q -d --no-filter -b 65536 -e kmem -e compaction "${EV[@]}" \
		-o "$OUT" -- "$WL/tc-workload.sh" >"$WL/tc.log" 2>&1 || true
	: >$tb/set_event
	echo "$bufkb" >$tb/buffer_size_kb
	echo "$ton" >$tb/tracing_on
	trace-cmd dump --summary "$OUT" >/dev/null 2>&1 || { cat "$WL/tc.log" >&2; fid_die "trace-cmd failed"; }
else
	[ ${#EV[@]} -eq 0 ] || EV=(-e default "${EV[@]}")
	"$MMFRAG" record -q "${BUF[@]}" "${EV[@]}" --capture-interval "$INT" \
		--kpageflags-interval "$KPF" -o "$OUT" -- "$WL/workload.sh"
fi
fid_restore
"$MMFRAG" replay --json -q "$OUT" >"${OUT%.dat}.json"
fid_summary "$OUT" "${OUT%.dat}.json"
