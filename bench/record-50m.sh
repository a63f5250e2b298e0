#!/bin/bash
# bench/record-50m.sh [-k ITERATIONS] [-m MIB] [-o OUT] -- the 50M-event benchmark trace
# (issue 15), recorded by `mmfrag record` as v7 zstd (root, about two minutes).
#
# Workload: ITERATIONS (default 9) times the compaction-heavy workload of
# bench/record-compaction.sh (tests/tools/fragment.c: fault MIB, default 4000, of 4K pages,
# free every other one, fault MIB/4 of THP memory, compact_memory, exit), about 5.5M
# events each.  Holds /tmp/mmfrag-live.lock while recording; changes no setting
# (compact_memory is a one-shot action).  Prints the recorder's summary (events, peak
# rate, lost events, size) and trace-cmd's summary of the file.  time(1)'s max RSS is the
# largest of mmfrag and its descendants: fragment -m 4000 alone is 4.0 GB; mmfrag's own
# peak is about 24 MB (bench/record-rss.sh measures it).
# Output (bench/work/ is git-ignored): OUT (default bench/work/large-50m.dat) and
# OUT.state/ (start and end captures).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
ITER=9 MIB=4000 OUT=$HERE/work/large-50m.dat
while getopts k:m:o: o; do
	case $o in
	k) ITER=$OPTARG ;;
	m) MIB=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-k ITERATIONS] [-m MIB] [-o OUT]" >&2; exit 2 ;;
	esac
done
WORK=$HERE/work
mkdir -p "$WORK"
[ "$(id -u)" -eq 0 ] || { echo "record-50m.sh: needs root" >&2; exit 1; }
cc -O2 -o "$WORK/fragment" "$TOP/tests/tools/fragment.c"

cat >"$WORK/50m-workload.sh" <<EOF
#!/bin/bash
set -eu
for ((i = 1; i <= $ITER; i++)); do
	rm -f "$WORK/ready-50m"
	"$WORK/fragment" -q -m $MIB -t $((MIB / 4)) -s -1 -R "$WORK/ready-50m" &
	pid=\$!
	while [ ! -e "$WORK/ready-50m" ]; do kill -0 \$pid 2>/dev/null || exit 1; sleep 0.1; done
	echo 1 >/proc/sys/vm/compact_memory
	kill -USR1 \$pid
	wait \$pid
done
rm -f "$WORK/ready-50m"
EOF
chmod +x "$WORK/50m-workload.sh"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
flock /tmp/mmfrag-live.lock /usr/bin/time -f "recorder: %e s wall, %U s user, %S s sys, %M KB max RSS of mmfrag or its workload" \
	"$MMFRAG" record -o "$OUT" -- "$WORK/50m-workload.sh"
trace-cmd dump --summary "$OUT" 2>&1 | grep -E "Version|Compression algorithm|flyrecord data"
