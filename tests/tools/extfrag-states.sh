#!/bin/bash
# extfrag-states.sh OUTROOT STATE... -- produce extfrag ground-truth sets in
# OUTROOT/STATE/ (extfrag-snapshot.sh output + a "workload=" line in meta).
#
# States (recipes below):
#   idle              quiet system
#   compacted         right after `echo 1 > /proc/sys/vm/compact_memory`
#   fragmented        hugetlb pool leaves ~1.5 GiB free; fragment -m 1150 (4K pages,
#                     every other one freed) holds its memory; then the hugetlb pool is
#                     grown as far as the kernel allows (it takes the remaining order>=9
#                     blocks, compacting what it can); captured while fragment holds
#   midworkload       fragment -m 3072 -u 3000 (throttled) captured during its 4K fault
#                     phase (once its RSS passed 1 GiB)
#   fragmented-d3     hugetlb leaves ~2 GiB free; fragment -m 1500 -d 3 (1 page in 3
#                     freed); hugetlb pool grown to the maximum, as for "fragmented"
#   fragmented-thp    hugetlb leaves ~1.25 GiB free; fragment -m 1000 -t 256 (after the
#                     THP faults and their direct compaction); pool NOT grown afterwards
#   midworkload-free  fragment -m 2048 -u 3000 captured during its free phase
# nr_hugepages is restored on exit (also on error); fragment processes started here
# are killed by pid.  Root only.  Uses lib.sh, fragment.c, extfrag-snapshot.sh.
set -u
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
require_root
[ $# -ge 2 ] || lib_die "usage: extfrag-states.sh OUTROOT STATE..."
OUTROOT=$1; shift
build_fragment
SNAP=$MMFRAG_TOOLS/extfrag-snapshot.sh
WTMP=$(mktemp -d /tmp/mmfrag-ef.XXXXXX)
FPID=
hog_save
cleanup() {
	if [ -n "$FPID" ]; then kill -TERM "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null; fi
	hog_restore
	rm -rf "$WTMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

frag_start() {   # frag_start ARGS... (background, holds until killed)
	rm -f "$WTMP/ready"
	"$FRAGMENT" -q "$@" -s -1 -R "$WTMP/ready" & FPID=$!
}
frag_wait_ready() {
	while [ ! -e "$WTMP/ready" ]; do
		kill -0 "$FPID" 2>/dev/null || { wait "$FPID"; FPID=; lib_die "fragment failed"; }
		sleep 0.05
	done
}
rss_mib() { awk '/^VmRSS:/{print int($2/1024)}' "/proc/$FPID/status" 2>/dev/null || echo -1; }
frag_stop() { [ -n "$FPID" ] && { kill -TERM "$FPID"; wait "$FPID"; FPID=; }; }
snap() {   # snap STATE WORKLOAD-DESCRIPTION
	"$SNAP" "$OUTROOT/$1" "$1" || lib_die "snapshot $1 failed"
	echo "workload=$2" >> "$OUTROOT/$1/meta"
	echo "nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)" >> "$OUTROOT/$1/meta"
}
settle() { sync; sleep "${1:-2}"; }
hog_grow_max() {   # ask for as many more hugetlb pages as MemFree could hold, twice
	local free_kb
	for _ in 1 2; do
		free_kb=$(awk '/^MemFree:/{print $2}' /proc/meminfo)
		echo $(( $(cat /proc/sys/vm/nr_hugepages) + free_kb / 2048 )) > /proc/sys/vm/nr_hugepages
	done
	lib_log "grown: nr_hugepages=$(cat /proc/sys/vm/nr_hugepages), $(grep -E '^MemFree' /proc/meminfo | tr -s ' ')"
}

state_idle() { settle 3; snap idle "none (quiet system)"; }
state_compacted() {
	echo 1 > /proc/sys/vm/compact_memory; sleep 1
	snap compacted "echo 1 > /proc/sys/vm/compact_memory; sleep 1"
}
state_fragmented() {
	settle; hog_leave_free 1536; sleep 1
	frag_start -m 1150 -r 16; frag_wait_ready; hog_grow_max; sleep 0.5
	snap fragmented "nr_hugepages leaving ~1536 MiB free; fragment -m 1150 -r 16 (holding); nr_hugepages grown to the maximum twice"
	frag_stop; hog_restore
}
state_midworkload() {
	settle
	frag_start -m 3072 -u 3000 -r 16
	while [ "$(rss_mib)" -lt 1024 ]; do kill -0 "$FPID" || lib_die "fragment died"; sleep 0.05; done
	snap midworkload "fragment -m 3072 -u 3000 -r 16, during the 4K fault phase (RSS >= 1 GiB)"
	frag_stop
}
state_fragmented_d3() {
	settle; hog_leave_free 2048; sleep 1
	frag_start -m 1500 -d 3 -r 16; frag_wait_ready; hog_grow_max; sleep 0.5
	snap fragmented-d3 "nr_hugepages leaving ~2048 MiB free; fragment -m 1500 -d 3 -r 16 (holding); nr_hugepages grown to the maximum twice"
	frag_stop; hog_restore
}
state_fragmented_thp() {
	settle; hog_leave_free 1280; sleep 1
	frag_start -m 1000 -t 256 -r 16; frag_wait_ready; sleep 0.5
	snap fragmented-thp "nr_hugepages leaving ~1280 MiB free; fragment -m 1000 -t 256 -r 16 (holding)"
	frag_stop; hog_restore
}
state_midworkload_free() {
	settle
	frag_start -m 2048 -u 3000 -r 16
	# fault phase: RSS grows to 2048 MiB; free phase: RSS falls
	while [ "$(rss_mib)" -lt 2040 ]; do kill -0 "$FPID" || lib_die "fragment died"; sleep 0.02; done
	while [ "$(rss_mib)" -gt 1600 ]; do kill -0 "$FPID" || lib_die "fragment died"; sleep 0.02; done
	snap midworkload-free "fragment -m 2048 -u 3000 -r 16, during the free phase (RSS 2048 -> 1600 MiB)"
	frag_stop
}

for s in "$@"; do
	fn=state_${s//-/_}
	declare -F "$fn" >/dev/null || lib_die "unknown state $s"
	lib_log "state $s"
	"$fn"
done
