#!/usr/bin/env bash
# bench/text.sh [TRACE [COPIES]]: text-trace parse speed.  Prints the trace's
# `trace-cmd report` text (COPIES times over, default 8, in bench/work/, git-ignored) and
# times the reader alone on it (bench/reader-bench.c), plain and zstd/gzip/xz compressed:
# lines/s by CPU time (user + sys, what the parser costs) and by wall time (what a loaded
# machine gives).  Needs a built tree (make) and trace-cmd, zstd, gzip, xz.
set -eu
cd "$(dirname "$0")/.."
trace=${1:-traces/compact-small.dat}
copies=${2:-8}
O=${O:-build}
W=bench/work
mkdir -p "$W"
cc -O2 -std=gnu11 -Iinclude -Isrc bench/reader-bench.c "$O"/trace/reader*.o \
	$(pkg-config --cflags --libs libtracecmd libtraceevent libzstd zlib liblzma) -o "$W/reader-bench"
trace-cmd report "$trace" 2>/dev/null >"$W/one.txt"
for ((i = 0; i < copies; i++)); do cat "$W/one.txt"; done >"$W/text.txt"
rm -f "$W/one.txt"
lines=$(wc -l <"$W/text.txt")
zstd -q -f "$W/text.txt" -o "$W/text.txt.zst"
gzip -c "$W/text.txt" >"$W/text.txt.gz"
xz -T2 -1 -c "$W/text.txt" >"$W/text.txt.xz"
printf '%-14s %10s %10s %8s %8s %12s %12s\n' file MB lines cpu_s wall_s "lines/s cpu" "lines/s wall"
for f in "$W/text.txt" "$W/text.txt.zst" "$W/text.txt.gz" "$W/text.txt.xz"; do
	t0=$(date +%s.%N)
	/usr/bin/time -o "$W/time.txt" -f '%U %S' "$W/reader-bench" "$f" >/dev/null 2>&1
	cpu=$(awk '{ print $1 + $2 }' "$W/time.txt")
	t1=$(date +%s.%N)
	awk -v f="${f##*/}" -v mb="$(stat -c %s "$f")" -v n="$lines" -v c="$cpu" -v w="$(echo "$t1 - $t0" | bc)" \
		'BEGIN { printf "%-14s %10.0f %10d %8.2f %8.2f %12.2fM %12.2fM\n", f, mb / 1e6, n, c, w, n / c / 1e6, n / w / 1e6 }'
done
