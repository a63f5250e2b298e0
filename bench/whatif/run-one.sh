#!/bin/bash
# bench/whatif/run-one.sh NAME SETTINGS REC -- one recording of the what-if workload under one
# real kernel config (called by run.sh; root).
#
# SETTINGS is "" (the machine's defaults) or KEY=VALUE,... with the keys of
# `mmfrag replay --config`: KEY is written to /proc/sys/vm/KEY, except thp_enabled and
# thp_defrag, which go to /sys/kernel/mm/transparent_hugepage/{enabled,defrag}.
# Holds /tmp/mmfrag-live.lock for this one recording only (unless run.sh holds it for the
# repetition: WHATIF_LOCK_HELD=1), so that other live tests can run between them.  Every
# value it changes (and vm.nr_hugepages) is restored by a trap on EXIT, INT and TERM; after
# percpu_pagelist_high_fraction the per-CPU lists are drained back (drain_pcp()).
#
# Writes REC (trace.dat v6), REC.state/ (captures) and REC.whatif.json (config, the sysctls
# before/while/after, the hugetlb pool, the workload's output, the ring buffer size used,
# the per-CPU lists' pages before the recording and after the drain, the recording made
# just before it: WHATIF_PREV, set by run.sh).
# Environment: WHATIF_FRAG_MIB (1000), WHATIF_THP_MIB (800), WHATIF_KEEP (3),
# WHATIF_FREE_MB (1300: MemFree left after the hugetlb pool, in MB), WHATIF_BUF_KIB (65536),
# WHATIF_PT (0: page tables read-faulted after each 2 MiB of THP faults, fragment -p: unmovable
# demand while the THP faults compact).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
NAME=$1 SETTINGS=$2 REC=$3
FRAG_MIB=${WHATIF_FRAG_MIB:-1000}
THP_MIB=${WHATIF_THP_MIB:-800}
KEEP=${WHATIF_KEEP:-3}
FREE_MB=${WHATIF_FREE_MB:-1300}
BUF_KIB=${WHATIF_BUF_KIB:-65536}
PT=${WHATIF_PT:-0}
WL=${WHATIF_WORKLOAD:-$TOP/bench/work/whatif/fragment}
THP=/sys/kernel/mm/transparent_hugepage

[ "$(id -u)" -eq 0 ] || { echo "run-one.sh: needs root" >&2; exit 1; }
[ -x "$WL" ] || { echo "run-one.sh: $WL not built (run.sh builds it)" >&2; exit 1; }

path_of() {
	case $1 in
	thp_enabled) echo $THP/enabled ;;
	thp_defrag) echo $THP/defrag ;;
	*) echo /proc/sys/vm/$1 ;;
	esac
}
# current value: the bracketed word of a THP mode file, else the file's text
value_of() {
	local v
	v=$(cat "$1") || return 1
	case $v in *\[*) v=${v#*[}; v=${v%%]*} ;; esac
	echo "$v"
}
snapshot() {	# KEY=VALUE lines of the settings that matter to compaction
	local k
	for k in nr_hugepages extfrag_threshold compaction_proactiveness watermark_boost_factor \
		 watermark_scale_factor min_free_kbytes defrag_mode percpu_pagelist_high_fraction \
		 compact_unevictable_allowed; do
		[ -r /proc/sys/vm/$k ] && echo "$k=$(cat /proc/sys/vm/$k)"
	done
	echo "thp_enabled=$(value_of $THP/enabled)"
	echo "thp_defrag=$(value_of $THP/defrag)"
}

# run.sh may hold the lock for a whole repetition (WHATIF_LOCK_HELD=1); else take it here.
# flock runs in the background so that INT/TERM are handled while waiting for the lock.
if [ "${WHATIF_LOCK_HELD:-0}" != 1 ]; then
	exec 9>/tmp/mmfrag-live.lock
	flock 9 &
	LOCK_PID=$!
	trap 'kill $LOCK_PID 2>/dev/null; exit 130' INT
	trap 'kill $LOCK_PID 2>/dev/null; exit 143' TERM
	wait $LOCK_PID || exit 1
fi

# pages on the per-CPU lists (/proc/zoneinfo "count:"), which MemFree does not count
pcp_pages() { awk '/^ +count:/ { s += $2 } END { print s + 0 }' /proc/zoneinfo; }
# A config that raised percpu_pagelist_high_fraction leaves the lists long after the
# sysctl is restored: the restore sets high_min and high_max, but the lists only shrink
# as pcp->high decays (decay_pcp_high(), from the vmstat worker: 1,957 pages in 3 s).  The
# recordings after one such (whatif15b/15c) began with 270,000-650,000 pages there against
# 17,000-58,000, the pool left that much more free than MemFree said, and they ran 0 to
# 400 direct compactions against 600.  Each write to vm.stat_refresh runs the decay step
# on every CPU (refresh_vm_stats()); they are repeated until the lists hold no more than
# before the recording (a quarter more, and 5,000 pages, of slack), stop shrinking (20
# writes in a row that brought them no 64 pages below their lowest yet: near the bound
# they move by a few pages a write either way, and once took 22,575 writes to settle),
# or 60 s have gone.
drain_pcp() {
	local n=0 c still=0 bound=$((PCP_BEFORE + PCP_BEFORE / 4 + 5000)) c0 best end=$((SECONDS + 60))
	c0=$(pcp_pages) c=$c0 best=$c0
	while [ "$c" -gt "$bound" ] && [ $still -lt 20 ] && [ $SECONDS -lt $end ]; do
		echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null || break
		n=$((n + 1)) c=$(pcp_pages)
		if [ "$c" -le $((best - 64)) ]; then best=$c still=0; else still=$((still + 1)); fi
	done
	[ $n -gt 0 ] && echo "run-one.sh: $NAME: per-CPU lists drained from $c0 to $c pages" \
		"($n writes to vm.stat_refresh; $PCP_BEFORE before the recording)" >&2
	PCP_AFTER=$c
}
PCP_BEFORE=$(pcp_pages) PCP_AFTER=

declare -a SAVED_PATH=() SAVED_VAL=()
REC_PID= WL_PIDFILE=$REC.wlpid
INSTANCES_BEFORE=$(ls /sys/kernel/tracing/instances 2>/dev/null)
restore() {
	local i p
	trap - EXIT INT TERM
	if [ -n "$REC_PID" ] && kill -0 "$REC_PID" 2>/dev/null; then
		[ -s "$WL_PIDFILE" ] && kill -TERM "$(cat "$WL_PIDFILE")" 2>/dev/null
		kill -TERM "$REC_PID" 2>/dev/null
		wait "$REC_PID" 2>/dev/null
	fi
	echo 0 >/proc/sys/vm/nr_hugepages
	for ((i = ${#SAVED_PATH[@]} - 1; i >= 0; i--)); do
		echo "${SAVED_VAL[i]}" >"${SAVED_PATH[i]}" ||
			echo "run-one.sh: cannot restore ${SAVED_PATH[i]} to ${SAVED_VAL[i]}" >&2
	done
	case " ${SAVED_PATH[*]} " in *percpu_pagelist_high_fraction*) drain_pcp ;; esac
	# an instance mmfrag record left behind (it should not): remove ours only
	for p in $(ls /sys/kernel/tracing/instances 2>/dev/null); do
		case " $(echo $INSTANCES_BEFORE) " in *" $p "*) ;; *)
			case $p in mmfrag*) rmdir "/sys/kernel/tracing/instances/$p" 2>/dev/null &&
				echo "run-one.sh: removed leftover tracefs instance $p" >&2 ;; esac ;;
		esac
	done
	rm -f "$WL_PIDFILE"
}
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

BEFORE=$(snapshot)
IFS=, read -ra KV <<<"$SETTINGS"
for kv in "${KV[@]}"; do
	[ -n "$kv" ] || continue
	k=${kv%%=*} v=${kv#*=}
	p=$(path_of "$k")
	[ -w "$p" ] || { echo "run-one.sh: $k: no $p" >&2; exit 1; }
	SAVED_PATH+=("$p") SAVED_VAL+=("$(value_of "$p")")
	echo "$v" >"$p" || { echo "run-one.sh: cannot set $p to $v" >&2; exit 1; }
	[ "$(value_of "$p")" = "$v" ] || { echo "run-one.sh: $p reads $(value_of "$p"), not $v" >&2; exit 1; }
done
DURING=$(snapshot)

# the recorded command: make memory short (hugetlb pool), then the workload (fragment.c:
# keep 1 of every KEEP 4K pages, -f as memory is short on purpose; its lines on stderr)
cat >"$REC.cmd.sh" <<EOS
#!/bin/bash
free_kb() { awk '/^MemFree:/ { print \$2 }' /proc/meminfo; }
f0=\$(free_kb)
n=\$(( (f0 - $FREE_MB * 1000 * 1000 / 1024) / 2048 ))
[ \$n -gt 0 ] || n=0
echo \$n >/proc/sys/vm/nr_hugepages
# one correction: page cache and other tasks move MemFree while the pool is taken
f1=\$(free_kb)
extra=\$(( (f1 - $FREE_MB * 1000 * 1000 / 1024) / 2048 ))
[ \$extra -gt 16 ] && echo \$(( \$(cat /proc/sys/vm/nr_hugepages) + extra )) >/proc/sys/vm/nr_hugepages
got=\$(cat /proc/sys/vm/nr_hugepages)
f1=\$(free_kb)
echo "memfree_before_kb=\$f0 nr_hugepages_asked=\$n nr_hugepages=\$got memfree_after_kb=\$f1"
"$WL" -f -m $FRAG_MIB -F $((KEEP - 1))/$KEEP -t $THP_MIB -p $PT &
echo \$! >"$WL_PIDFILE"
wait \$!
EOS
chmod +x "$REC.cmd.sh"

rm -rf "$REC" "$REC.state"
buf=$BUF_KIB status=1 t0=$(date +%s.%N)
while :; do
	"$MMFRAG" record -q -b "$buf" -o "$REC" -- "$REC.cmd.sh" >"$REC.out" 2>"$REC.err" &
	REC_PID=$!
	wait $REC_PID
	status=$?
	REC_PID=
	# the instance cannot be created under memory pressure: smaller buffers, said in the meta
	if [ $status -ne 0 ] && grep -q "Cannot allocate memory" "$REC.err" && [ "$buf" -gt 8192 ]; then
		echo "run-one.sh: $NAME: record failed at -b $buf ($(head -1 "$REC.err")), retrying at -b $((buf / 2))" >&2
		buf=$((buf / 2))
		continue
	fi
	break
done
t1=$(date +%s.%N)
echo 0 >/proc/sys/vm/nr_hugepages
restore
AFTER=$(snapshot)
trap - EXIT

python3 - "$REC.whatif.json" "$NAME" "$SETTINGS" "$buf" "$status" "$t0" "$t1" \
	"$BEFORE" "$DURING" "$AFTER" "$REC.out" "$REC.err" "$FRAG_MIB" "$THP_MIB" "$KEEP" "$FREE_MB" \
	"$PT" "$PCP_BEFORE" "$PCP_AFTER" "${WHATIF_PREV:-}" <<'PY'
import json, sys
(out, name, settings, buf, status, t0, t1, before, during, after, fout, ferr,
 frag, thp, keep, free, pt, pcp_before, pcp_after, prev) = sys.argv[1:]
kv = lambda s: dict(l.split("=", 1) for l in s.splitlines() if "=" in l)
wl = {}
for line in open(fout):
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            wl[k] = int(v) if v.lstrip("-").isdigit() else v
json.dump({"name": name, "settings": settings, "buffer_kib": int(buf),
           "record_status": int(status), "seconds": round(float(t1) - float(t0), 2),
           "sysctl_before": kv(before), "sysctl_during": kv(during), "sysctl_after": kv(after),
           "workload": wl, "workload_args": {"frag_mib": int(frag), "thp_mib": int(thp),
                                             "keep_one_in": int(keep), "free_mb": int(free),
                                             "page_tables_per_huge": int(pt)},
           "pcp_pages_before": int(pcp_before),
           "pcp_pages_after_drain": int(pcp_after) if pcp_after else None,
           "previous_recording": prev or None,
           "record_stderr": open(ferr).read()[-2000:]}, open(out, "w"), indent=1)
PY
if [ $status -ne 0 ]; then
	# 137: the workload was SIGKILLed, which here is the OOM killer (dmesg names it)
	[ $status -eq 137 ] &&
		echo "run-one.sh: $NAME: the workload was killed (SIGKILL: the OOM killer? see dmesg)" >&2
	echo "run-one.sh: $NAME: mmfrag record failed ($status): $(tail -1 "$REC.err")" >&2
	exit 1
fi
exit 0
