#!/usr/bin/env bash
# Trace reading throughput: our own reader (src/trace/flyrecord.c on a decoding thread,
# the default) against libtracecmd's (MMFRAG_READER=tracecmd), on v7 zstd and v6
# versions of each trace, side by side with `trace-cmd report`.  A measurement, not a
# test: it prints figures and never fails on them.
#
#   bench/reader.sh [TRACE.dat ...]   default: bench/holdout/compact-holdout.dat, and
#                                     bench/work/large.dat when it exists
#
# For each file:
#   replay tracecmd/own  `mmfrag replay --json --no-state` end to end (open, read, decode,
#                    model), wall time, CPU time (user + sys, both threads), events/s by
#                    wall time, ratio to trace-cmd report's wall time, peak RSS (%M)
#   replay own threads  CPU time of the model thread and of the reader thread (perf record
#                    samples), and the rate if each had a core of its own
#   read tracecmd/own  the reader alone (bench/fly-bench.c: records only, no decoding, no
#                    model), in CPU seconds of the process, so that other load on the
#                    machine does not count; "open" is tracecmd_open() (formats, kallsyms)
#   read own+tep     the same with the formats from mf_fly_load_tep(): no libtracecmd
#   perf stat        cycles and instructions per event when the CPU exposes counters
#                    (a VM often does not: then task-clock only)
# Conversions (v6 none, v7 zstd) go to bench/work/ (git-ignored) and are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s mmfrag
mkdir -p bench/work
bin=bench/work/fly-bench
fly_srcs="src/trace/flyrecord.c src/trace/flyrecord-file.c src/trace/flyrecord-tep.c"
if [ ! -x $bin ] || [ -n "$(find bench/fly-bench.c $fly_srcs src/trace/flyrecord-local.h -newer $bin)" ]; then
	${CC:-cc} -O2 -g -std=gnu11 -Iinclude bench/fly-bench.c $fly_srcs \
		$(pkg-config --cflags --libs libtracecmd libtraceevent libzstd zlib) -o $bin
fi

if [ $# -eq 0 ]; then
	set -- bench/holdout/compact-holdout.dat
	[ -f bench/work/large.dat ] && set -- "$@" bench/work/large.dat
fi

# version of a trace.dat: the string after the 10-byte magic
version() { dd if="$1" bs=1 skip=10 count=1 2>/dev/null; }

files=()
for t in "$@"; do
	b=bench/work/$(basename "${t%.dat}")
	if [ "$(version "$t")" = 7 ]; then v7=$t; else v7=$b-v7.dat; fi
	if [ "$(version "$t")" = 6 ]; then v6=$t; else v6=$b-v6.dat; fi
	[ -f "$v7" ] || trace-cmd convert -i "$t" -o "$v7" --file-version 7 --compression zstd >/dev/null 2>&1
	[ -f "$v6" ] || trace-cmd convert -i "$t" -o "$v6" --file-version 6 --compression none >/dev/null 2>&1
	files+=("$v7" "$v6")
done

# timed CMD...: "wall rss_kib cpu_s" of CMD, output discarded
timed() {
	local tmp
	tmp=$(mktemp)
	/usr/bin/time -f "%e %M %U %S" -o "$tmp" "$@" >/dev/null 2>/dev/null || true
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$tmp" > "$tmp.2"
	mv "$tmp.2" "$tmp"
	cat "$tmp"
	rm -f "$tmp"
}
calc() { python3 -c "print($1)"; }

printf 'load average: %s (2-core VM shared with other work: wall times vary; CPU-time rows do not)\n' \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
for f in "${files[@]}"; do
	read -r _ events _ < <($bin "$f")
	echo
	echo "== $f: $events events, $(du -h "$f" | cut -f1), trace.dat v$(version "$f")" \
		"$(trace-cmd dump --summary -i "$f" 2>/dev/null | awk '/Compression algorithm/ {print $1}')"
	read -r tc_wall tc_rss tc_cpu < <(timed trace-cmd report "$f")
	printf '%-22s %8s %8s %12s %10s %10s\n' "" "wall s" "CPU s" "events/s" "x report" "RSS MB"
	printf '%-22s %8.2f %8.2f %12.0f %10.1f %10.1f\n' "trace-cmd report" "$tc_wall" "$tc_cpu" \
		"$(calc "$events / max($tc_wall, 0.001)")" 1 "$(calc "$tc_rss / 1024")"
	for mode in tracecmd own; do
		read -r wall rss cpu < <(MMFRAG_READER=$mode timed ./mmfrag replay --json --no-state "$f")
		printf '%-22s %8.2f %8.2f %12.0f %10.1f %10.1f\n' "replay $mode" "$wall" "$cpu" \
			"$(calc "$events / max($wall, 0.001)")" "$(calc "$tc_wall / max($wall, 0.001)")" \
			"$(calc "$rss / 1024")"
	done
	# CPU time of each thread of the own replay (perf samples at 2 kHz): on an idle
	# 2-core machine the wall time is the larger of the two
	if perf record -q -F 2000 -o bench/work/perf.data ./mmfrag replay --json --no-state "$f" \
		>/dev/null 2>&1; then
		perf report -i bench/work/perf.data --stdio -s pid -F sample,pid 2>/dev/null |
			awk -v n="$events" '/mmfrag/ { split($2, t, ":"); tid[++k] = t[1]; s[k] = $1 / 2000 }
			END { if (k < 2) exit
				m = tid[1] < tid[2] ? 1 : 2; r = 3 - m	# the main thread has the lower id
				printf "replay own threads: model %.2f CPU s, reader %.2f CPU s: " \
				"%.1fM events/s if each had a core\n", s[m], s[r],
				n / (s[m] > s[r] ? s[m] : s[r]) / 1e6 }'
	fi
	for mode in tracecmd own own+tep; do
		case $mode in tracecmd) opt=-t ;; own) opt= ;; *) opt=-n ;; esac
		# records N seconds S open O records/s R (reading alone A) missed M checksum C
		read -r _ n _ secs _ open _ _ _ _ read _ < <($bin $opt "$f")
		read=${read%)}
		read -r _ rss _ < <(timed $bin $opt "$f")
		printf 'read %-8s %6.3f CPU s (open %.3f)  %5.1fM events/s, %5.1fM reading alone, RSS %5.1f MB\n' \
			$mode "$secs" "$open" "$(calc "$n / $secs / 1e6")" "$(calc "$read / 1e6")" \
			"$(calc "$rss / 1024")"
	done
	perf stat -x, -e cycles:u,instructions:u -o bench/work/perf.txt true 2>/dev/null || true
	if grep -q '^[0-9][0-9]*,.*cycles' bench/work/perf.txt 2>/dev/null; then
		for mode in tracecmd own; do
			opt=; [ $mode = tracecmd ] && opt=-t
			perf stat -x, -e cycles:u,instructions:u -o bench/work/perf.txt $bin $opt "$f" >/dev/null
			awk -F, -v n="$events" -v m="$mode" '$3 ~ /cycles|instructions/ {
				printf "perf read %s: %.1f %s per event (open included)\n", m, $1 / n, $3 }' \
				bench/work/perf.txt
		done
	else
		echo "perf stat: no cycle/instruction counters here (VM); see the CPU-time rows"
	fi
done
