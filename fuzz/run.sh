#!/usr/bin/env bash
# make fuzz: run each libFuzzer harness O/fuzz-TARGET for SECONDS with memory limits, on
# its seeds (fuzz/corpus/TARGET) and what earlier runs kept (O/corpus-TARGET), and print
# executions, time and coverage.  Exits 1 when a harness found something: the input is in
# O/crash-TARGET-* (or leak-, oom-, timeout-), to keep under tests/fuzz-regress/TARGET/.
# usage: [FUZZ_JOBS=N] [FUZZ_NICE=N] fuzz/run.sh O SECONDS RSS_MB MALLOC_MB TARGET...
# FUZZ_JOBS: libFuzzer -fork=N (1); FUZZ_NICE: the nice level of the run (19: a machine
# shared with others loses nothing but idle time); FUZZ_TIMEOUT: libFuzzer's -timeout, in
# seconds of wall-clock time (60).  The args and fly harnesses also limit each run's CPU
# time (fuzz.h, FUZZ_CPU_MS): with it, a larger FUZZ_TIMEOUT on a loaded machine loses
# no loop, and a slow run under load is no longer a timeout without an input.
set -u
jobs=${FUZZ_JOBS:-1} nice=${FUZZ_NICE:-19} timeout=${FUZZ_TIMEOUT:-60}
cd "$(dirname "$0")/.."
O=$1 secs=$2 rss=$3 mal=$4; shift 4
found=0
for t in "$@"; do
	# the seeds are copied in: libFuzzer writes what it learns to its first corpus
	# directory, and in fork mode to the others too; fuzz/corpus stays as committed
	mkdir -p "$O/corpus-$t"
	cp -n "fuzz/corpus/$t"/* "$O/corpus-$t/"
	leaks=1 asan=
	# argp's state on its exit() path is not freed (fuzz/fuzz-args.c)
	[ "$t" = args ] && leaks=0
	# trace: most of its time is ASan's allocator under libtraceevent's format parser (a
	# malloc per token): keep 2 frames of each allocation's stack instead of 30, no 0xbe
	# fill, a 64 MiB quarantine (a run frees a few MiB).  About 1.5x the executions; a
	# finding's input is kept and replays with full stacks (tests/fuzz-regress.sh).
	[ "$t" = trace ] && asan=:malloc_context_size=2:max_malloc_fill_size=0:quarantine_size_mb=64
	log=$O/fuzz-$t.log
	before=$(ls "$O" | grep -c "^$t-")
	load0=$(cut -d' ' -f1 /proc/loadavg) t0=$(date +%s)
	# fork mode: a finding is saved and the run goes on, so one library bug does not
	# hide the rest for the whole run
	# leaks inside libtracecmd/libtraceevent are theirs (tests/lsan.supp, fuzz/README.md)
	ASAN_OPTIONS=detect_leaks=$leaks$asan LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
		nice -n "$nice" "$O/fuzz-$t" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 \
		-ignore_timeouts=1 -max_total_time="$secs" -rss_limit_mb="$rss" \
		-malloc_limit_mb="$mal" -timeout="$timeout" -close_fd_mask=3 -detect_leaks=$leaks \
		-artifact_prefix="$O/$t-" "$O/corpus-$t" >"$log" 2>&1
	last=$(grep -E '^#[0-9]+: cov' "$log" | tail -1)
	execs=$(printf '%s' "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
	cov=$(printf '%s' "$last" | grep -o 'cov: [0-9]*')
	ft=$(printf '%s' "$last" | grep -o 'ft: [0-9]*')
	after=$(ls "$O" | grep -c "^$t-")
	# wall-clock rates depend on the load: say it (1-minute average at start and end)
	wall=$(( $(date +%s) - t0 ))
	echo "fuzz $t: ${execs:-?} executions in ${wall}s ($(( ${execs:-0} / (wall ? wall : 1) )) exec/s)," \
	     "$cov, $ft, corpus $(ls "$O/corpus-$t" | wc -l), $((after - before)) new findings," \
	     "load $load0 -> $(cut -d' ' -f1 /proc/loadavg)"
	if [ "$after" -gt "$before" ]; then
		found=1
		ls -t "$O" | grep "^$t-" | head -$((after - before)) | sed "s|^|  $O/|"
	fi
done
exit $found
