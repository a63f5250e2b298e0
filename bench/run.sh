#!/usr/bin/env bash
# Replay speed, the one command (issue 15): `mmfrag replay FILE --json -o OUT` (observe
# mode, open to result, with the captures beside the trace as a user runs it) against
# `trace-cmd report` on the same file, each trace as v7 zstd and as v6 uncompressed.
# Prints per file: events, page frames of the model, trace-cmd report's wall and CPU time,
# replay's median wall and CPU time over -n runs, events/s (by wall and by CPU time), the
# ratio to trace-cmd report, peak RSS; then how time and memory grow (a least-squares fit
# of CPU time on events, RSS over page frames).  A measurement, not a test: it prints
# figures and never fails on them.
#
#   bench/run.sh [-n RUNS] [-r RUNS] [-R] [TRACE.dat ...]
#     -n RUNS   replays per file (default 3)
#     -r RUNS   trace-cmd report runs per file, median (default 1)
#     -R        leave trace-cmd report out (15-45 s a file on this VM)
#   default traces: traces/pagecache-small.dat traces/compact-heavy.dat
#   bench/holdout/compact-holdout.dat, then bench/work/large.dat when it exists
#
# Conversions (trace-cmd convert) go to bench/work/NAME-v6.dat / NAME-v7.dat (git-ignored,
# kept), with NAME-vN.dat.state linked to the trace's own captures so that both versions
# replay the same way.  The machine is shared: the load average is printed, and the CPU
# columns are what to compare when it is high.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
report=1
report_runs=1
while getopts "n:r:R" o; do
	case $o in
	n) runs=$OPTARG ;;
	r) report_runs=$OPTARG ;;
	R) report=0 ;;
	*) echo "usage: bench/run.sh [-n RUNS] [-r RUNS] [-R] [TRACE.dat ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
	set -- traces/pagecache-small.dat traces/compact-heavy.dat bench/holdout/compact-holdout.dat
	[ -f bench/work/large.dat ] && set -- "$@" bench/work/large.dat
fi
make -s mmfrag
mkdir -p bench/work
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# version of a trace.dat: the character after the 10-byte magic
version() { dd if="$1" bs=1 skip=10 count=1 2>/dev/null; }

# variant TRACE VERSION: the trace as that version (converted once into bench/work/)
variant() {
	local t=$1 v=$2 out
	if [ "$(version "$t")" = "$v" ]; then echo "$t"; return; fi
	out=bench/work/$(basename "${t%.dat}")-v$v.dat
	if [ ! -f "$out" ]; then
		if [ "$v" = 7 ]; then
			trace-cmd convert -i "$t" -o "$out" --file-version 7 --compression zstd >/dev/null 2>&1
		else
			trace-cmd convert -i "$t" -o "$out" --file-version 6 --compression none >/dev/null 2>&1
		fi
	fi
	for s in "$t.state" "${t%.dat}.state"; do
		if [ -d "$s" ] && [ ! -e "$out.state" ]; then ln -s "$(realpath "$s")" "$out.state"; fi
	done
	echo "$out"
}

# timed CMD...: "wall cpu rss_kib" of CMD, its stdout discarded
timed() {
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
		echo "bench: $* failed: $(tail -1 "$tmp/err")" >&2; echo "0 0 0"; return; }
	awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$tmp/time"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 CPUs); replay: median of $runs runs;" \
	"trace-cmd report: median of $report_runs"
printf '%-26s %2s %8s %7s | %15s | %13s %8s %8s %8s %8s %7s\n' "trace" "v" "events" "frames" \
	"report wall/CPU" "replay wall/CPU" "Mev/s w" "Mev/s c" "x rep w" "x rep c" "RSS MB"
: > "$tmp/rows"
for t in "$@"; do
	for v in 7 6; do
		f=$(variant "$t" "$v")
		[ -f "$f" ] || { echo "bench: no v$v copy of $t" >&2; continue; }
		./mmfrag replay "$f" --json -o "$tmp/out.json" >/dev/null 2>&1
		read -r events frames < <(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["trace"]["events"], sum(z["spanned"] for z in d["zones"]))' "$tmp/out.json")
		rw=0 rc=0
		if [ $report = 1 ]; then
			rws=() rcs=()
			for ((i = 0; i < report_runs; i++)); do
				read -r w c _ < <(timed trace-cmd report "$f")
				rws+=("$w") rcs+=("$c")
			done
			read -r rw rc < <(python3 -c 'import statistics as s, sys
print(s.median(map(float, sys.argv[1].split())), s.median(map(float, sys.argv[2].split())))' \
				"${rws[*]}" "${rcs[*]}")
		fi
		walls=() cpus=() rss=0
		for ((i = 0; i < runs; i++)); do
			read -r w c r < <(timed ./mmfrag replay "$f" --json -o "$tmp/out.json")
			walls+=("$w") cpus+=("$c")
			[ "$r" -gt "$rss" ] && rss=$r
		done
		read -r w c < <(python3 -c 'import statistics as s, sys
a = sys.argv[1].split(); b = sys.argv[2].split()
print(s.median(map(float, a)), s.median(map(float, b)))' "${walls[*]}" "${cpus[*]}")
		python3 - "$t" "$v" "$events" "$frames" "$rw" "$rc" "$w" "$c" "$rss" <<-'EOF' | tee -a "$tmp/table"
		import os, sys
		t, v, ev, fr, rw, rc, w, c, rss = sys.argv[1:]
		ev, fr, rw, rc, w, c, rss = int(ev), int(fr), float(rw), float(rc), float(w), float(c), int(rss)
		rep = "%6.2f / %6.2f" % (rw, rc) if rw else "-"
		xw = "%8.1f" % (rw / w) if rw and w else "%8s" % "-"
		xc = "%8.1f" % (rc / c) if rc and c else "%8s" % "-"
		print("%-26s %2s %7.2fM %6.2fM | %15s | %6.2f / %5.2f %8.2f %8.2f %s %s %7.1f" % (
		      os.path.basename(t)[:26], v, ev / 1e6, fr / 1e6, rep, w, c,
		      ev / w / 1e6 if w else 0, ev / c / 1e6 if c else 0, xw, xc, rss / 1024))
		EOF
		echo "$v $events $frames $w $c $rss" >> "$tmp/rows"
	done
done

# How time and memory grow: CPU time = fixed + per-event cost (least squares, per version);
# RSS per page frame of the model
python3 - "$tmp/rows" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print()
for v in ("7", "6"):
    r = [(int(e), int(f), float(w), float(c), int(m)) for vv, e, f, w, c, m in rows if vv == v]
    if len(r) < 2 or len({e for e, *_ in r}) < 2:
        continue
    n = len(r)
    mx = sum(e for e, *_ in r) / n
    my = sum(c for _, _, _, c, _ in r) / n
    sxx = sum((e - mx) ** 2 for e, *_ in r)
    b = sum((e - mx) * (c - my) for e, _, _, c, _ in r) / sxx
    a = my - b * mx
    print("v%s: CPU time = %.3f s + %.1f ns x events (least squares over %d files): %.1fM events/s "
          "at the margin" % (v, a, b * 1e9, n, 1e-6 / b if b > 0 else 0))
mem = [(int(f), int(m)) for _, _, f, _, _, m in rows]
print("peak RSS %.0f-%.0f MB for %s M page frames: %.1f-%.1f bytes per page frame; the model "
      "and the reader's buffers are sized by frames and CPUs, not by events" % (
      min(m for _, m in mem) / 1024, max(m for _, m in mem) / 1024,
      "/".join(sorted({"%.2f" % (f / 1e6) for f, _ in mem})),
      min(m * 1024 / f for f, m in mem), max(m * 1024 / f for f, m in mem)))
EOF
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
