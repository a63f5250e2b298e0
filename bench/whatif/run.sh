#!/bin/bash
# bench/whatif/run.sh -- is simulate mode's what-if right?  Real kernel vs simulator, per config.
#
#   bench/whatif/run.sh [-n REPS] [-c SETTINGS]... [-w DIR] [--analyze-only] [--no-replay]
#                       [--lock-per-recording] [--first-rep R] [--order shuffle|rotate]
#
# For each config (-c, repeatable: "" or "default" for the machine's own settings, else
# KEY=VALUE,... with the keys of `mmfrag replay --config`, plus thp_enabled and thp_defrag for
# /sys/kernel/mm/transparent_hugepage), it records the workload (tests/tools/fragment.c: hugetlb pool until
# about 1.3 GB is free, 1000 MiB of 4K pages, 2 of every 3 freed, 800 MiB of THP faults) REPS
# times (default 6) under `mmfrag record`, with the setting really written for that recording
# and restored after it (run-one.sh, in a trap on EXIT/INT/TERM).  The
# recordings are interleaved: repetition r runs every config once, in an order shuffled
# with r as the seed (--order rotate: rotated by r, as sets before the sixteenth round
# were), so that no config always follows the same one: a recording leaves the machine
# changed for the next (per-CPU lists, page cache), and percpu_pagelist_high_fraction's
# drain most of all.  Each .whatif.json names the recording before it.
# Then analyze.py replays the default recordings under every config's --config and prints the
# real-vs-simulated table, also written to DIR/table.json.
#
# Recordings go to DIR/runs/NAME-rN.dat (+ .state/, .whatif.json); DIR defaults to
# bench/work/whatif.  A recording already there (with its .whatif.json) is kept, so an
# interrupted run resumes; --first-rep R numbers the repetitions from R, to add repetitions
# (or configs interleaved with new default repetitions) to an existing set; analyze.py
# compares each config with the default recordings of its own repetitions.
# --analyze-only records nothing: it re-runs the replays and the table on what is there
# (after a simulator change); --no-replay also reuses the replay results.
# Default configs: default, extfrag_threshold=1000, watermark_scale_factor=100, defrag_mode=1,
# watermark_boost_factor=0, compaction_proactiveness=90, thp_defrag=defer.
# The lock /tmp/mmfrag-live.lock is held per repetition (--lock-per-recording: per recording).
# The workload can be changed through run-one.sh's environment (WHATIF_FRAG_MIB, WHATIF_THP_MIB,
# WHATIF_KEEP, WHATIF_FREE_MB, WHATIF_PT: see there).
# Root for recording; about 10 s per recording plus the wait for the lock.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
export MMFRAG
REPS=6 FIRST=1 DIR=$TOP/bench/work/whatif ANALYZE_ONLY=0 NO_REPLAY= LOCK_PER=rep ORDER=shuffle
declare -a CONFIGS=()
while [ $# -gt 0 ]; do
	case $1 in
	-n) REPS=$2; shift 2 ;;
	--first-rep) FIRST=$2; shift 2 ;;
	-c) CONFIGS+=("$2"); shift 2 ;;
	-w) DIR=$2; shift 2 ;;
	--analyze-only) ANALYZE_ONLY=1; shift ;;
	--no-replay) NO_REPLAY=--no-replay; shift ;;
	--lock-per-recording) LOCK_PER=recording; shift ;;
	--order) ORDER=$2; shift 2
		case $ORDER in shuffle|rotate) ;; *) echo "run.sh: --order is shuffle or rotate" >&2; exit 2 ;; esac ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#CONFIGS[@]} -gt 0 ] || CONFIGS=(default extfrag_threshold=1000 watermark_scale_factor=100
	defrag_mode=1 watermark_boost_factor=0 compaction_proactiveness=90 thp_defrag=defer)
[ -x "$MMFRAG" ] || { echo "run.sh: no $MMFRAG (run make)" >&2; exit 1; }
mkdir -p "$DIR/runs"

# NAME of a config: default, or its settings with = and , turned into _ and +
name_of() { [ -z "$1" ] || [ "$1" = default ] && echo default || echo "$1" | tr '=,' '_+'; }

if [ $ANALYZE_ONLY -eq 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "run.sh: recording needs root" >&2; exit 1; }
	cc -O2 -Wall -o "$DIR/fragment" "$TOP/tests/tools/fragment.c" || exit 1
	export WHATIF_WORKLOAD=$DIR/fragment
	CHILD=
	stop() {
		# run-one.sh restores the settings and the hugetlb pool in its own trap
		[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null && wait "$CHILD"
		exit 130
	}
	trap stop INT TERM
	n=${#CONFIGS[@]} t0=$(date +%s) failed=0 prev=
	for ((r = FIRST; r < FIRST + REPS; r++)); do
		# one repetition (one recording per config, about 10 s each) under one hold of the
		# live-test lock: a few minutes at most, and other helpers' tests run in between
		if [ "$LOCK_PER" = rep ]; then
			exec 9>/tmp/mmfrag-live.lock
			flock 9 &
			CHILD=$!
			wait $CHILD || exit 1
			CHILD=
			export WHATIF_LOCK_HELD=1
		fi
		# the repetition's order: config indices, shuffled with r as the seed, or rotated
		if [ "$ORDER" = shuffle ]; then
			read -ra idx < <(python3 -c 'import random, sys
n, r = int(sys.argv[1]), int(sys.argv[2])
o = list(range(n))
random.Random(r).shuffle(o)
print(*o)' "$n" "$r")
		else
			idx=()
			for ((i = 0; i < n; i++)); do idx+=($(( (i + r - 1) % n ))); done
		fi
		for ((i = 0; i < n; i++)); do
			c=${CONFIGS[${idx[i]}]}
			[ "$c" = default ] && c=
			name=$(name_of "$c")
			rec=$DIR/runs/$name-r$r.dat
			if [ -s "$rec.whatif.json" ] && [ -s "$rec" ]; then
				echo "rep $r $name: kept $rec"
				continue
			fi
			WHATIF_PREV=$prev "$HERE/run-one.sh" "$name" "$c" "$rec" &
			CHILD=$!
			wait $CHILD
			st=$?
			CHILD=
			prev=$name-r$r
			if [ $st -ne 0 ]; then
				echo "rep $r $name: FAILED ($st), see $rec.err" >&2
				failed=$((failed + 1))
				rm -f "$rec.whatif.json"
				continue
			fi
			python3 - "$rec" "$r" "$name" "$(( $(date +%s) - t0 ))" <<'PY'
import json, sys
rec, r, name, el = sys.argv[1:]
m = json.load(open(rec + ".whatif.json"))
rd = lambda p: {l.split()[0]: int(l.split()[1]) for l in open(p)}
a, b = rd(rec + ".state/start/vmstat"), rd(rec + ".state/end/vmstat")
d = lambda k: b.get(k, 0) - a.get(k, 0)
print("rep %s %-34s %5.1f s  stall %4d success %4d fail %4d  thp %s/%s  -b %d  (%s s)"
      % (r, name, m["seconds"], d("compact_stall"), d("compact_success"), d("compact_fail"),
         m["workload"].get("thp_huge_pages"), m["workload"].get("thp_requested"),
         m["buffer_kib"], el), flush=True)
PY
		done
		[ "$LOCK_PER" = rep ] && exec 9>&-
	done
	trap - INT TERM
	[ $failed -eq 0 ] || echo "run.sh: $failed recordings failed" >&2
fi

args=()
for c in "${CONFIGS[@]}"; do args+=(--config "$c"); done
exec python3 "$HERE/analyze.py" -w "$DIR" $NO_REPLAY "${args[@]}"
