#!/bin/bash
# bench/record-rss.sh [-m MIB] [-k ITERATIONS] [-f v7|v6] [-o OUT] -- the recorder's own memory
#
# Records the workload of bench/record-50m.sh (ITERATIONS, default 1, times fragment.c with
# -m MIB, default 1000, -t MIB/4, then compact_memory) with `mmfrag record`, samples
# /proc/PID/status of the mmfrag process (not of its workload) every 0.1 s and prints the
# peak VmRSS, RssAnon, RssFile and the final VmHWM, next to what /usr/bin/time reports.
# /usr/bin/time's "max RSS" (ru_maxrss from wait4) is the largest of mmfrag and every
# descendant it waited for, so a workload that faults 4000 MiB makes it read 4.1 GB.
# Holds /tmp/mmfrag-live.lock; root; changes no setting.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
ITER=1 MIB=1000 FMT=v7 OUT=$HERE/work/rss.dat
while getopts k:m:f:o: o; do
	case $o in
	k) ITER=$OPTARG ;;
	m) MIB=$OPTARG ;;
	f) FMT=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-m MIB] [-k ITERATIONS] [-f v7|v6] [-o OUT]" >&2; exit 2 ;;
	esac
done
WORK=$HERE/work
mkdir -p "$WORK"
[ "$(id -u)" -eq 0 ] || { echo "record-rss.sh: needs root" >&2; exit 1; }
cc -O2 -o "$WORK/fragment" "$TOP/tests/tools/fragment.c"
cat >"$WORK/rss-workload.sh" <<EOS
#!/bin/bash
set -eu
for ((i = 1; i <= $ITER; i++)); do
	rm -f "$WORK/ready-rss"
	"$WORK/fragment" -q -m $MIB -t $((MIB / 4)) -s -1 -R "$WORK/ready-rss" &
	pid=\$!
	while [ ! -e "$WORK/ready-rss" ]; do kill -0 \$pid 2>/dev/null || exit 1; sleep 0.1; done
	echo 1 >/proc/sys/vm/compact_memory
	kill -USR1 \$pid
	wait \$pid
done
rm -f "$WORK/ready-rss"
EOS
chmod +x "$WORK/rss-workload.sh"

run() {
	local pid peak_rss=0 peak_anon=0 peak_file=0 hwm=0 rss anon file h phase=record
	/usr/bin/time -f "time(1): %e s wall, %U s user, %S s sys, max RSS %M KB (mmfrag or a descendant)" \
		"$MMFRAG" record --format "$FMT" -o "$OUT" -- "$WORK/rss-workload.sh" &
	sleep 0.05
	pid=$(pgrep -P $! -x mmfrag || true)
	while [ -z "$pid" ] && kill -0 $! 2>/dev/null; do sleep 0.02; pid=$(pgrep -P $! -x mmfrag || true); done
	while [ -r /proc/$pid/status ]; do
		read -r rss anon file h < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2}
			/^VmHWM/{h=$2} END{print r+0, a+0, f+0, h+0}' /proc/$pid/status 2>/dev/null) || break
		[ "$rss" -gt 0 ] || break
		[ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
		[ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
		[ "$file" -gt "$peak_file" ] && peak_file=$file
		[ "$h" -gt "$hwm" ] && hwm=$h
		sleep 0.1
	done
	wait $!
	echo "mmfrag record (pid $pid): peak VmRSS $peak_rss KB, RssAnon $peak_anon KB, RssFile $peak_file KB, last VmHWM $hwm KB"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
export -f run
export MMFRAG FMT OUT WORK
flock /tmp/mmfrag-live.lock bash -c run
ls -l "$OUT"
