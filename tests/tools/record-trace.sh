#!/bin/bash
# record-trace.sh -- record one of the mmfrag reference traces on this machine.
#
# usage: record-trace.sh [-o OUT.dat] [-S STATEDIR] [-k] NAME
#        record-trace.sh -l                       list recipes
#
# NAME is a recipe (see recipe_* below and traces/README.md):
#   compact-small     -> traces/compact-small.dat        (v7 zstd)
#   pagecache-small   -> traces/pagecache-small.dat      (converted to v6, uncompressed)
#   idle-v6           -> traces/idle-v6.dat              (v6; not kept: pagecache-small is the v6 trace)
#   compact-holdout   -> bench/holdout/compact-holdout.dat (v7 zstd)
#   large             -> bench/work/large.dat (+ large-v6.dat)   (used by bench/record-large.sh)
# Every trace gets OUT.state/start and OUT.state/end (tests/tools/capture.sh output, taken
# inside the traced command, so their "mmfrag-capture-begin/end start|end" markers are in the
# trace), OUT.state/record-command (exact command lines) and OUT.state/event-counts.
#
# Recording: trace-cmd record -d --no-filter -b 65536 $MMFRAG_EVENTS -o OUT -- CMD
# (the function tracer is locked on this machine; trace-cmd exits 1 at the very end over
# set_ftrace_filter, the file is nevertheless complete: this script checks it with
# `trace-cmd dump --summary`).
#
# Machine state: the script takes a lock (one recording at a time), refuses to run when
# another tracer is active, and on exit (also on error / Ctrl-C) restores tracing_on=1,
# buffer_size_kb=1410, set_event empty, nr_hugepages to its previous value.
# -k keeps an existing OUT (otherwise it is overwritten).
#
# Internal: record-trace.sh --workload NAME STATEDIR runs the traced command of NAME.
set -u
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
. "$(dirname "$SELF")/lib.sh"
ROOT=$(cd "$MMFRAG_TOOLS/../.." && pwd)          # /work/main
CAPTURE=$MMFRAG_TOOLS/capture.sh

# ---------------------------------------------------------------------------
# Recipes. Each defines: OUT (default output), HOG_FREE_MIB (if set: before recording,
# reserve hugetlb pages so that only ~this much memory stays free; released afterwards),
# CONVERT_V6 (yes: convert OUT to v6 uncompressed in place; both: also keep v7 as OUT and
# write OUT-v6.dat), and the workload (workload_NAME, run under trace-cmd).
# ---------------------------------------------------------------------------
recipe_compact_small() {
	OUT=$ROOT/traces/compact-small.dat; HOG_FREE_MIB=1100; CONVERT_V6=no
}
workload_compact_small() {
	# ~1.1 GiB free (the rest held by hugetlb): 768 MiB of 4K pages, every other one
	# freed (384 MiB of order-0 holes), then 320 MiB of MADV_HUGEPAGE memory: more than
	# the remaining high-order blocks, so THP faults do direct compaction (and some
	# reclaim; ~1/4 fall back to 4K); then, still holding everything, compact_memory;
	# then exit.
	fragment_hold -M -m 768 -t 320 -r 16
	step "compact_memory"; echo 1 > /proc/sys/vm/compact_memory
	fragment_release
	sleep 1
}

recipe_compact_holdout() {
	OUT=$ROOT/bench/holdout/compact-holdout.dat; HOG_FREE_MIB=1600; CONVERT_V6=no
}
workload_compact_holdout() {
	# ~1.6 GiB free: 1200 MiB of 4K pages, one page in three freed (400 MiB of holes),
	# 400 MiB of MADV_HUGEPAGE memory (direct compaction), compact_memory while holding,
	# release, then a second compact_memory on the now mostly free zones.
	fragment_hold -M -m 1200 -d 3 -t 400 -r 16
	step "compact_memory"; echo 1 > /proc/sys/vm/compact_memory
	fragment_release
	sleep 0.5
	step "compact_memory-2"; echo 1 > /proc/sys/vm/compact_memory
	sleep 1
}

recipe_pagecache_small() {
	OUT=$ROOT/traces/pagecache-small.dat; HOG_FREE_MIB=; CONVERT_V6=yes
}
workload_pagecache_small() {
	# Write a 256 MiB file on /work (ext4), fsync, drop only this file's page cache
	# (fadvise DONTNEED via dd iflag=nocache), read it back, delete it.
	local f=$ROOT/bench/work/.pagecache-small.tmp
	mkdir -p "${f%/*}"
	step "write"; dd if=/dev/zero of="$f" bs=1M count=256 conv=fsync status=none
	step "drop-file-cache"; dd if="$f" iflag=nocache count=0 status=none
	step "read"; cat "$f" > /dev/null
	step "rm"; rm -f "$f"
	sleep 1
}

recipe_idle_v6() {
	OUT=$ROOT/traces/idle-v6.dat; HOG_FREE_MIB=; CONVERT_V6=yes
}
workload_idle_v6() {
	step "sleep"; sleep 2
	fragment_hold -M -m 16 -t 4 -s 0
	fragment_release
	sleep 1
}

recipe_large() {
	OUT=$ROOT/bench/work/large.dat; HOG_FREE_MIB=6144; CONVERT_V6=both
}
workload_large() {
	# FIELD-NOTES fragmenting workload at a scale giving > 5M events: with ~6 GiB free
	# (rest held by hugetlb), 4.5 GiB of 4K pages, every other one freed, 2 GiB of THP
	# (direct compaction); then grow the hugetlb pool by 512 pages (order-9 allocations
	# that compact), compact_memory, release everything, shrink the pool back.
	fragment_hold -M -m 4608 -t 2048 -r 64
	step "nr_hugepages+512"; echo $(( HOG_BASE + 512 )) > /proc/sys/vm/nr_hugepages
	step "compact_memory"; echo 1 > /proc/sys/vm/compact_memory
	fragment_release
	step "nr_hugepages-restore"; echo "$HOG_BASE" > /proc/sys/vm/nr_hugepages
	sleep 1
}

# ---------------------------------------------------------------------------
# Helpers available to workloads (they run inside the traced command).
# ---------------------------------------------------------------------------
step() { trace_mark "mmfrag-step $*"; }
FRAG_PID=
fragment_hold() {   # fragment_hold ARGS...: run fragment holding memory, wait until ready
	local rdy=$WTMP/ready
	rm -f "$rdy"
	step "fragment $*"
	"$FRAGMENT" "$@" -s -1 -R "$rdy" & FRAG_PID=$!
	while [ ! -e "$rdy" ]; do
		kill -0 "$FRAG_PID" 2>/dev/null || { wait "$FRAG_PID"; lib_die "fragment failed"; }
		sleep 0.05
	done
}
fragment_release() {
	[ -n "$FRAG_PID" ] || return 0
	step "fragment-exit"
	kill -TERM "$FRAG_PID"; wait "$FRAG_PID"; FRAG_PID=
}

run_workload() {   # --workload NAME STATEDIR
	local name=$1 state=$2 fn
	fn=workload_${name//-/_}
	declare -F "$fn" >/dev/null || lib_die "unknown workload $name"
	WTMP=$(mktemp -d /tmp/mmfrag-wl.XXXXXX)
	HOG_BASE=$(cat /proc/sys/vm/nr_hugepages)
	trap 'if [ -n "$FRAG_PID" ]; then kill -TERM "$FRAG_PID" 2>/dev/null; wait "$FRAG_PID"; fi; rm -rf "$WTMP"' EXIT
	"$CAPTURE" "$state/start" start || lib_die "start capture failed"
	"$fn"
	"$CAPTURE" "$state/end" end || lib_die "end capture failed"
}

# ---------------------------------------------------------------------------
if [ "${1:-}" = --workload ]; then
	shift; [ $# -eq 2 ] || lib_die "usage: --workload NAME STATEDIR"
	build_fragment
	run_workload "$1" "$2"
	exit 0
fi

usage() { sed -n '2,30p' "$SELF" | sed 's/^# \{0,1\}//' >&2; exit 1; }
OUT_OPT='' STATE_OPT='' KEEP=0
while getopts "o:S:klh" opt; do
	case $opt in
	o) OUT_OPT=$OPTARG ;;
	S) STATE_OPT=$OPTARG ;;
	k) KEEP=1 ;;
	l) declare -F | sed -n 's/^declare -f recipe_//p' | tr _ -; exit 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
NAME=$1
declare -F "recipe_${NAME//-/_}" >/dev/null || lib_die "unknown recipe '$NAME' (try -l)"
"recipe_${NAME//-/_}"
[ -n "$OUT_OPT" ] && OUT=$OUT_OPT
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
STATE=${STATE_OPT:-${OUT%.dat}.state}

require_root
command -v trace-cmd >/dev/null || lib_die "trace-cmd not installed"
[ $KEEP = 1 ] && [ -e "$OUT" ] && lib_die "$OUT exists (-k)"
exec 9> /tmp/mmfrag-record.lock
flock -n 9 || lib_die "another mmfrag recording holds /tmp/mmfrag-record.lock"
tracefs_check_idle
build_fragment

TC_PID=
cleanup() {
	local rc=$?
	if [ -n "$TC_PID" ] && kill -0 "$TC_PID" 2>/dev/null; then
		kill -INT "$TC_PID" 2>/dev/null; wait "$TC_PID" 2>/dev/null
	fi
	tracefs_restore
	hog_restore
	lib_log "restored: $(tracefs_state | tr '\n' ' ')"
	exit $rc
}
hog_save
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$(dirname "$OUT")"
rm -rf "$STATE"; mkdir -p "$STATE"
rm -f "$OUT"

if [ -n "${HOG_FREE_MIB:-}" ]; then
	lib_log "hog: reserving hugetlb pages so that ~$HOG_FREE_MIB MiB stay free"
	sync; hog_leave_free "$HOG_FREE_MIB"
	sleep 2     # let kswapd/kcompactd settle before the start capture
fi

# shellcheck disable=SC2086,SC2206
CMD=(trace-cmd record -d --no-filter -b 65536 $MMFRAG_EVENTS -o "$OUT" -- "$SELF" --workload "$NAME" "$STATE")
{
	echo "# recorded $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -r) ($(nproc) CPUs, $(awk '/MemTotal/{printf "%d MiB", $2/1024}' /proc/meminfo))"
	echo "# recipe: $NAME  hog: nr_hugepages=$(cat /proc/sys/vm/nr_hugepages) (free before: $(awk '/^MemFree/{printf "%d MiB", $2/1024}' /proc/meminfo))"
	echo "${CMD[*]}"
} > "$STATE/record-command"
lib_log "recording: ${CMD[*]}"
"${CMD[@]}" > "$STATE/trace-cmd.log" 2>&1 &
TC_PID=$!
wait "$TC_PID"; tc_rc=$?; TC_PID=
lib_log "trace-cmd exited $tc_rc (1 is expected: set_ftrace_filter is locked)"
tracefs_restore
hog_restore

trace-cmd dump --summary "$OUT" > "$STATE/dump-summary" 2>&1 || lib_die "$OUT is not a valid trace (see $STATE/trace-cmd.log)"
[ -s "$STATE/start/buddyinfo" ] && [ -s "$STATE/end/buddyinfo" ] || lib_die "captures missing in $STATE"

case $CONVERT_V6 in
yes)
	trace-cmd convert --file-version 6 --compression none -i "$OUT" -o "$OUT.v6.tmp" >/dev/null 2>&1 \
		&& mv -f "$OUT.v6.tmp" "$OUT" || lib_die "convert to v6 failed"
	trace-cmd dump --summary "$OUT" > "$STATE/dump-summary" 2>&1
	echo "trace-cmd convert --file-version 6 --compression none -i $OUT -o $OUT.v6.tmp && mv -f $OUT.v6.tmp $OUT" >> "$STATE/record-command" ;;
both)
	V6=${OUT%.dat}-v6.dat
	trace-cmd convert --file-version 6 --compression none -i "$OUT" -o "$V6" >/dev/null 2>&1 || lib_die "convert to v6 failed"
	echo "trace-cmd convert --file-version 6 --compression none -i $OUT -o $V6" >> "$STATE/record-command" ;;
esac

event_counts "$OUT" > "$STATE/event-counts"
trace-cmd report --stat "$OUT" > "$STATE/buffer-stat" 2>&1 || true
lib_log "$OUT: $(stat -c %s "$OUT") bytes; $(tail -n1 "$STATE/event-counts" | tr -s ' ')"
cat "$STATE/event-counts" >&2
exit 0
