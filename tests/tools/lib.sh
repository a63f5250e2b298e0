# shellcheck shell=bash disable=SC2034
# lib.sh -- shared helpers for the mmfrag data tools (sourced by bash scripts).
#
#   tracefs_check_idle      refuse to run if a tracer/events/instances are active
#   tracefs_restore         tracing_on=1, buffer_size_kb=1410, set_event empty,
#                           current_tracer nop (defaults of this machine; override
#                           with MMFRAG_RESTORE_TRACING_ON / MMFRAG_RESTORE_BUFFER_KB)
#   hog_save / hog_restore  save and restore /proc/sys/vm/nr_hugepages
#   hog_leave_free MIB      set nr_hugepages so that about MIB MiB stay free
#   build_fragment          compile fragment.c, sets $FRAGMENT
#   trace_mark TEXT         best-effort write to trace_marker
#   event_counts FILE       "count event" lines from `trace-cmd report FILE`
#
# The mmfrag event list is in $MMFRAG_EVENTS (as trace-cmd -e arguments).

MMFRAG_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TRACEFS=/sys/kernel/tracing
MMFRAG_EVENTS="-e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:mm_page_free_batched \
-e kmem:mm_page_alloc_zone_locked -e kmem:mm_page_pcpu_drain -e kmem:mm_page_alloc_extfrag \
-e compaction -e vmscan:mm_vmscan_kswapd_sleep -e vmscan:mm_vmscan_kswapd_wake \
-e vmscan:mm_vmscan_wakeup_kswapd -e vmscan:mm_vmscan_direct_reclaim_begin \
-e vmscan:mm_vmscan_direct_reclaim_end"

lib_die() { echo "${0##*/}: $*" >&2; exit 1; }
lib_log() { echo "${0##*/}: $*" >&2; }

require_root() {
	[ "$(id -u)" -eq 0 ] || lib_die "must be run as root"
	[ -d "$TRACEFS/events" ] || mount -t tracefs nodev "$TRACEFS" || lib_die "tracefs not available"
	[ -d /sys/kernel/debug/extfrag ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
}

tracefs_state() {
	local f
	for f in tracing_on buffer_size_kb current_tracer; do
		printf '%s=%s\n' "$f" "$(cat "$TRACEFS/$f")"
	done
	printf 'set_event=%s\n' "$(tr '\n' ' ' < "$TRACEFS/set_event")"
	printf 'instances=%s\n' "$(ls "$TRACEFS/instances" | tr '\n' ' ')"
	printf 'nr_hugepages=%s\n' "$(cat /proc/sys/vm/nr_hugepages)"
}

tracefs_check_idle() {
	[ -z "$(cat "$TRACEFS/set_event")" ] || lib_die "events already enabled in $TRACEFS/set_event: someone else is tracing"
	[ "$(cat "$TRACEFS/current_tracer")" = nop ] || lib_die "current_tracer is not nop: someone else is tracing"
	# only recorders matter (trace-cmd report/dump etc. only read files)
	if pgrep -f '(^|/)trace-cmd (record|start|stream|profile|extract|listen|agent)' >/dev/null; then
		lib_die "a trace-cmd recorder is already running"
	fi
}

tracefs_restore() {
	echo 0 > "$TRACEFS/tracing_on"
	: > "$TRACEFS/set_event"
	echo nop > "$TRACEFS/current_tracer" 2>/dev/null
	echo "${MMFRAG_RESTORE_BUFFER_KB:-1410}" > "$TRACEFS/buffer_size_kb"
	echo "${MMFRAG_RESTORE_TRACING_ON:-1}" > "$TRACEFS/tracing_on"
	if [ -n "$(ls "$TRACEFS/instances")" ]; then
		lib_log "warning: tracefs instances exist (not created by us, left alone): $(ls "$TRACEFS/instances" | tr '\n' ' ')"
	fi
}

HOG_SAVED=
hog_save() { HOG_SAVED=$(cat /proc/sys/vm/nr_hugepages); }
hog_restore() {
	if [ -n "$HOG_SAVED" ]; then
		echo "$HOG_SAVED" > /proc/sys/vm/nr_hugepages
		local now; now=$(cat /proc/sys/vm/nr_hugepages)
		[ "$now" = "$HOG_SAVED" ] || lib_log "warning: nr_hugepages is $now, wanted $HOG_SAVED"
	fi
}
# hog_leave_free MIB: reserve hugetlb pages until only ~MIB MiB of MemFree remain.
hog_leave_free() {
	local keep_kb=$(( $1 * 1024 )) free_kb n cur
	for _ in 1 2 3; do
		free_kb=$(awk '/^MemFree:/{print $2}' /proc/meminfo)
		n=$(( (free_kb - keep_kb) / 2048 ))
		[ $n -gt 0 ] || break
		cur=$(cat /proc/sys/vm/nr_hugepages)
		echo $(( cur + n )) > /proc/sys/vm/nr_hugepages
	done
	lib_log "nr_hugepages=$(cat /proc/sys/vm/nr_hugepages), $(grep -E '^MemFree' /proc/meminfo | tr -s ' ')"
}

build_fragment() {
	local dir=${MMFRAG_BIN_DIR:-/tmp/mmfrag-tools}
	mkdir -p "$dir"
	FRAGMENT=$dir/fragment
	if [ ! -x "$FRAGMENT" ] || [ "$MMFRAG_TOOLS/fragment.c" -nt "$FRAGMENT" ]; then
		cc -O2 -Wall -o "$FRAGMENT" "$MMFRAG_TOOLS/fragment.c" || lib_die "cannot build fragment.c"
	fi
}

trace_mark() { { printf '%s\n' "$*" > "$TRACEFS/trace_marker"; } 2>/dev/null || true; }

# event_counts FILE: per-event counts (most frequent first), then a "total" line
# and, if any, "dropped N" (from the "[N EVENTS DROPPED]" lines of trace-cmd report).
event_counts() {
	trace-cmd report "$1" 2>/dev/null | awk '
		/EVENTS DROPPED\]/ { if (match($0, /\[[0-9]+ EVENTS DROPPED\]/)) { s = substr($0, RSTART+1); dropped += s + 0 } next }
		match($0, /\[[0-9]+\] +[0-9]+\.[0-9]+: [A-Za-z0-9_]+:/) {
			s = substr($0, RSTART, RLENGTH); sub(/^.*: /, "", s); sub(/:$/, "", s)
			n[s]++; total++
		}
		END {
			for (e in n) printf "%9d %s\n", n[e], e | "sort -k1,1nr"
			close("sort -k1,1nr")
			printf "%9d total\n", total
			if (dropped) printf "%9d dropped\n", dropped
		}'
}
