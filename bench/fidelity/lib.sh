# bench/fidelity/lib.sh -- sourced by the bench/fidelity scripts (root, live machine).
#
# fid_lock "$@": re-exec the calling script under /tmp/mmfrag-live.lock (COMMON.md rule).
# fid_save / fid_restore: remember and put back vm.nr_hugepages and the vm sysctls the
#   workloads may touch; fid_restore runs from an EXIT trap, also on error or Ctrl-C.
# fid_hog FREE_MIB: raise vm.nr_hugepages until MemFree is about FREE_MIB.
# fid_summary OUT.dat JSON: the figures of one recording (events, stalls, per-zone error
#   at every capture, fidelity counters), from `mmfrag replay --json` and the captures.
FID_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FID_TOP=$(cd "$FID_HERE/../.." && pwd)
FID_WORK=$FID_TOP/bench/work
MMFRAG=${MMFRAG:-$FID_TOP/mmfrag}
FID_SYSCTLS="vm.nr_hugepages vm.extfrag_threshold vm.compaction_proactiveness
	vm.watermark_boost_factor vm.watermark_scale_factor"

fid_die() { echo "${0##*/}: $*" >&2; exit 1; }

fid_lock() {
	[ "$(id -u)" -eq 0 ] || fid_die "needs root"
	if [ -z "${FID_LOCKED:-}" ]; then
		FID_LOCKED=1 exec flock /tmp/mmfrag-live.lock "$0" "$@"
	fi
}

fid_save() {
	local s
	FID_SAVED=
	for s in $FID_SYSCTLS; do
		FID_SAVED="$FID_SAVED $s=$(sysctl -n "$s")"
	done
	trap fid_restore EXIT
	trap 'exit 130' INT TERM HUP
}

fid_restore() {
	local kv
	for kv in $FID_SAVED; do
		[ "$(sysctl -n "${kv%%=*}")" = "${kv#*=}" ] || sysctl -q -w "$kv" >/dev/null
	done
	# an instance left by a killed recorder
	for kv in /sys/kernel/tracing/instances/mmfrag-*; do
		[ -d "$kv" ] || continue
		kill -0 "${kv##*-}" 2>/dev/null || rmdir "$kv" 2>/dev/null
	done
}

fid_memfree_mib() { awk '/^MemFree:/ { print int($2 / 1024) }' /proc/meminfo; }

fid_hog() {	# fid_hog FREE_MIB: hugetlb pool leaves about FREE_MIB free
	local want=$1 free hp
	free=$(fid_memfree_mib)
	hp=$(sysctl -n vm.nr_hugepages)
	[ "$free" -gt "$want" ] || return 0
	sysctl -q -w vm.nr_hugepages=$(( hp + (free - want) / 2 ))
	free=$(fid_memfree_mib)
	echo "hog: nr_hugepages=$(sysctl -n vm.nr_hugepages), MemFree $free MiB" >&2
}

fid_build() {
	[ -x "$MMFRAG" ] || make -C "$FID_TOP" -j2 >/dev/null || fid_die "build failed"
	mkdir -p "$FID_WORK"
	cc -O2 -o "$FID_WORK/churn" "$FID_HERE/churn.c" || fid_die "cannot build churn"
}

fid_summary() {	# fid_summary OUT.dat JSON
	python3 "$FID_HERE/summary.py" "$1" "$2"
}
