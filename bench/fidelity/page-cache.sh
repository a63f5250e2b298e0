#!/bin/bash
# bench/fidelity/page-cache.sh [OPTIONS] -- record page cache + slab + manual compaction (root).
#
#   -o OUT.dat   trace (default bench/work/fid-pagecache.dat; captures in OUT.dat.state/)
#   -s MIB       file size (default 2048)
#   -n FILES     small files created for slab (default 100000; every other one deleted)
#   -F MIB       optional hugetlb pool leaving about MIB free (default: none)
#   -i SEC       periodic captures every SEC (default 0.5)
#
# Under `mmfrag record` (default events, start/end captures with kpageflags): write a file
# of -s MiB in bench/work/ (ext4 here: large folios) and fsync it, drop its cache
# (fadvise DONTNEED), read it back (readahead: large folios), create -n small files and
# delete every other one (dentry, inode and ext4 slab caches, left half empty), read the
# big file again, echo 1 > /proc/sys/vm/compact_memory, then remove everything.  vm
# sysctls and nr_hugepages are restored on any exit.  Then `mmfrag replay --json` with no
# flags and the summary (summary.py).  Takes the live lock.
set -eu
. "$(dirname "$0")/lib.sh"
fid_lock "$@"
OUT=$FID_WORK/fid-pagecache.dat SZ=2048 NF=100000 FREE= INT=0.5
while getopts "o:s:n:F:i:" o; do
	case $o in
	o) OUT=$OPTARG ;; s) SZ=$OPTARG ;; n) NF=$OPTARG ;; F) FREE=$OPTARG ;; i) INT=$OPTARG ;;
	*) sed -n '2,10p' "$0" >&2; exit 2 ;;
	esac
done
fid_build
fid_save
WL=$(mktemp -d /tmp/fid-pc.XXXXXX)
DATA=$FID_WORK/.fid-pagecache.tmp
cleanup() { rm -rf "$WL" "$DATA" "$DATA.d"; fid_restore; }
trap cleanup EXIT

cat >"$WL/workload.sh" <<EOS
#!/bin/bash
set -eu
. "$FID_HERE/lib.sh"
${FREE:+fid_hog $FREE}
dd if=/dev/zero of="$DATA" bs=1M count=$SZ conv=fsync status=none
dd if="$DATA" iflag=nocache count=0 status=none
cat "$DATA" >/dev/null
mkdir -p "$DATA.d"
cd "$DATA.d"
seq -f "f%.0f" 1 $NF | xargs touch
seq -f "f%.0f" 1 2 $NF | xargs rm -f
cd /
cat "$DATA" >/dev/null
echo 1 >/proc/sys/vm/compact_memory
sleep 0.5
rm -rf "$DATA" "$DATA.d"
sleep 0.5
EOS
chmod +x "$WL/workload.sh"
rm -rf "$OUT" "$OUT.state"
"$MMFRAG" record -q --capture-interval "$INT" -o "$OUT" -- "$WL/workload.sh"
fid_restore
"$MMFRAG" replay --json -q "$OUT" >"${OUT%.dat}.json"
fid_summary "$OUT" "${OUT%.dat}.json"
