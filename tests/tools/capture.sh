#!/bin/bash
# capture.sh DIR [NAME] -- snapshot the page allocator's ground truth into DIR.
#
# Writes the trace marker "mmfrag-capture-begin NAME" to the top-level
# trace_marker, then copies verbatim:
#     /proc/buddyinfo            -> DIR/buddyinfo
#     /sys/kernel/debug/extfrag/extfrag_index   -> DIR/extfrag_index   (if present)
#     /sys/kernel/debug/extfrag/unusable_index  -> DIR/unusable_index  (if present)
#     /proc/pagetypeinfo         -> DIR/pagetypeinfo
#     /proc/zoneinfo             -> DIR/zoneinfo
#     /proc/vmstat               -> DIR/vmstat
#     /proc/meminfo              -> DIR/meminfo       (extra, context only)
#     /proc/kpageflags           -> DIR/kpageflags.zst (zstd; one u64 per pfn, pfn 0 first)
#     /proc/buddyinfo            -> DIR/buddyinfo.after (re-read after kpageflags)
# and, before the begin marker, DIR/sysctl: the settings mmfrag record notes ("KEY VALUE"
# lines: the vm sysctls that change compaction, THP enabled/defrag, free page reporting).
# then writes "mmfrag-capture-end NAME" to trace_marker, and DIR/meta.
#
# The small files are read first, back to back (bash builtins, no fork between
# them), so buddyinfo/extfrag_index/unusable_index describe (almost) the same
# instant.  kpageflags takes ~0.5 s to read; buddyinfo.after lets the consumer
# see whether the buddy lists moved meanwhile (meta: buddyinfo_stable=yes|no).
#
# Markers: appear in a trace recorded on the top-level buffer as ftrace "print"
# events; `trace-cmd report` shows them as "tracing_mark_write: mmfrag-capture-begin NAME".
# If tracing is off the marker write fails; that is not an error (meta records it).
#
# Env: MMFRAG_KPF_ZSTD_LEVEL (default 3; files > MMFRAG_KPF_MAX bytes, default
#      3000000, are recompressed with -19 after the end marker);
#      MMFRAG_NO_KPAGEFLAGS=1 skips kpageflags.
# Root only.  Exit 0 on success, 1 on error (message on stderr).
set -u

die() { echo "capture.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: capture.sh DIR [NAME]"
[ "$(id -u)" -eq 0 ] || die "must be run as root (pagetypeinfo, kpageflags and debugfs are root-only)"

DIR=$1
NAME=${2:-$(basename -- "$DIR")}
case $NAME in *[[:space:]]*) die "NAME must not contain white space: '$NAME'";; esac

TRACEFS=/sys/kernel/tracing
[ -w "$TRACEFS/trace_marker" ] || TRACEFS=/sys/kernel/debug/tracing
MARKER=$TRACEFS/trace_marker
EXTFRAG=/sys/kernel/debug/extfrag

mkdir -p -- "$DIR" || die "cannot create $DIR"
command -v zstd >/dev/null 2>&1 || die "zstd not found"

marker() {   # marker TEXT -> prints "ok" or "failed"
	if { printf '%s\n' "$1" > "$MARKER"; } 2>/dev/null; then echo ok; else echo failed; fi
}

# slurp FILE VAR: read FILE verbatim into VAR with a bash builtin (no fork).
slurp() {
	local __v
	IFS= read -r -d '' __v < "$1"
	printf -v "$2" '%s' "$__v"
}
spit() { printf '%s' "$2" > "$1" || die "cannot write $1"; }

# ---- the settings, before the window: DIR/sysctl as mmfrag record writes it ----
# setting FILE: its first line, or the selected word of a "[x]" list; "" when unreadable
setting() {
	local v=''
	{ IFS= read -r v < "$1"; } 2>/dev/null || v=''
	[[ $v == *\[*\]* ]] && { v=${v#*[}; v=${v%%]*}; }
	printf '%s' "$v"
}
SC=''
for kv in extfrag_threshold:/proc/sys/vm/extfrag_threshold \
	  compaction_proactiveness:/proc/sys/vm/compaction_proactiveness \
	  watermark_scale_factor:/proc/sys/vm/watermark_scale_factor \
	  watermark_boost_factor:/proc/sys/vm/watermark_boost_factor \
	  min_free_kbytes:/proc/sys/vm/min_free_kbytes \
	  defrag_mode:/proc/sys/vm/defrag_mode \
	  percpu_pagelist_high_fraction:/proc/sys/vm/percpu_pagelist_high_fraction \
	  nr_hugepages:/proc/sys/vm/nr_hugepages \
	  thp_enabled:/sys/kernel/mm/transparent_hugepage/enabled \
	  thp_defrag:/sys/kernel/mm/transparent_hugepage/defrag \
	  page_reporting_order:/sys/module/page_reporting/parameters/page_reporting_order; do
	v=$(setting "${kv#*:}")
	[ -n "$v" ] && SC+="${kv%%:*} $v"$'\n'
done
# free page reporting is on when a virtio balloon offers it (feature bit 5)
if [[ $SC == *page_reporting_order* ]]; then
	rep=0
	for d in /sys/bus/virtio/devices/virtio*; do
		[ "$(setting "$d/device")" = 0x0005 ] || continue
		f=$(setting "$d/features")
		[ "${f:5:1}" = 1 ] && rep=1
	done
	SC+="free_page_reporting $rep"$'\n'
fi
spit "$DIR/sysctl" "$SC"

t_begin=$(date +%s.%N)
up_begin=$(cut -d' ' -f1 /proc/uptime)
m_begin=$(marker "mmfrag-capture-begin $NAME")

# ---- small files, back to back ----
slurp /proc/buddyinfo B1 || die "cannot read /proc/buddyinfo"
EF='' UI=''
have_extfrag=no
if [ -r "$EXTFRAG/extfrag_index" ]; then
	slurp "$EXTFRAG/extfrag_index" EF
	slurp "$EXTFRAG/unusable_index" UI
	have_extfrag=yes
fi
slurp /proc/pagetypeinfo PT || die "cannot read /proc/pagetypeinfo"
slurp /proc/zoneinfo ZI || die "cannot read /proc/zoneinfo"
slurp /proc/vmstat VS || die "cannot read /proc/vmstat"
slurp /proc/meminfo MI
slurp /proc/buddyinfo B2

spit "$DIR/buddyinfo" "$B1"
if [ $have_extfrag = yes ]; then
	spit "$DIR/extfrag_index" "$EF"
	spit "$DIR/unusable_index" "$UI"
fi
spit "$DIR/pagetypeinfo" "$PT"
spit "$DIR/zoneinfo" "$ZI"
spit "$DIR/vmstat" "$VS"
spit "$DIR/meminfo" "$MI"
[ "$B1" = "$B2" ] && small_stable=yes || small_stable=no

# ---- kpageflags ----
kpf=skipped kpf_bytes=0 kpf_secs=0
if [ "${MMFRAG_NO_KPAGEFLAGS:-0}" != 1 ]; then
	k0=$(date +%s.%N)
	# zstd reads /proc/kpageflags as its stdin (a file, not a pipe: a pipe would add
	# ~50k page alloc/free events per capture to a running trace).  zstd must not be
	# given the path itself: the file's st_size is 0 and zstd then fails with
	# "Src size is incorrect".  zstd's reads are multiples of 8 bytes (kpageflags
	# requires 8-byte aligned, 8-byte sized reads).  --single-thread --no-asyncio:
	# the default worker/async-IO buffers fault ~9000 pages (~70k trace events).
	if zstd -q --single-thread --no-asyncio -"${MMFRAG_KPF_ZSTD_LEVEL:-3}" -c < /proc/kpageflags > "$DIR/kpageflags.zst"; then
		kpf=ok
	else
		kpf=failed
	fi
	k1=$(date +%s.%N)
	kpf_secs=$(awk -v a="$k0" -v b="$k1" 'BEGIN{printf "%.3f", b-a}')
fi
slurp /proc/buddyinfo B3
spit "$DIR/buddyinfo.after" "$B3"
[ "$B1" = "$B3" ] && stable=yes || stable=no

m_end=$(marker "mmfrag-capture-end $NAME")
t_end=$(date +%s.%N)
up_end=$(cut -d' ' -f1 /proc/uptime)

# Recompress a large kpageflags after the end marker (outside the capture window).
if [ $kpf = ok ]; then
	sz=$(stat -c %s "$DIR/kpageflags.zst")
	if [ "$sz" -gt "${MMFRAG_KPF_MAX:-3000000}" ]; then
		zstd -q -d -c "$DIR/kpageflags.zst" | zstd -q -19 -T0 -f -o "$DIR/kpageflags.zst.tmp" \
			&& mv -f "$DIR/kpageflags.zst.tmp" "$DIR/kpageflags.zst"
	fi
	# decompressed size without writing anything (zstd -t -v prints "NAME : N bytes")
	kpf_bytes=$(zstd -t -v "$DIR/kpageflags.zst" 2>&1 | sed -n 's/.*: *\([0-9][0-9]*\) bytes.*/\1/p' | tail -n1)
fi

cat > "$DIR/meta" <<EOF
name=$NAME
date_begin=$t_begin
date_end=$t_end
uptime_begin=$up_begin
uptime_end=$up_end
kernel=$(uname -r)
marker_begin=mmfrag-capture-begin $NAME
marker_begin_written=$m_begin
marker_end=mmfrag-capture-end $NAME
marker_end_written=$m_end
extfrag_files=$have_extfrag
buddyinfo_stable_small_files=$small_stable
buddyinfo_stable=$stable
kpageflags=$kpf
kpageflags_raw_bytes=$kpf_bytes
kpageflags_read_seconds=$kpf_secs
read_order=buddyinfo extfrag_index unusable_index pagetypeinfo zoneinfo vmstat meminfo buddyinfo(compared,not saved) kpageflags buddyinfo.after
EOF
[ $kpf = failed ] && die "reading /proc/kpageflags failed"
exit 0
