#!/bin/bash
# bench/record-compaction.sh [MIB] -- a compaction-heavy workload under `mmfrag record` (root).
#
# Workload (tests/tools/fragment.c): fault MIB (default 4000) of 4K pages, free every other
# one, fault MIB/4 of THP memory, hold it, trigger /proc/sys/vm/compact_memory (a one-shot
# action, no setting changes), then exit (a burst of frees).  It runs once untraced and once
# under `mmfrag record` with default settings, and prints: workload time untraced and
# traced, events, peak events/s, lost, file size, whether trace-cmd report reads the file,
# and the Normal zone's free_blocks_error of `mmfrag replay` (no extra flags).
# Output in bench/work/ (git-ignored): compaction.dat, compaction.dat.state/.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
MMFRAG=${MMFRAG:-$TOP/mmfrag}
MIB=${1:-4000}
WORK=$HERE/work
mkdir -p "$WORK"
[ "$(id -u)" -eq 0 ] || { echo "record-compaction.sh: needs root" >&2; exit 1; }
cc -O2 -o "$WORK/fragment" "$TOP/tests/tools/fragment.c"

# workload: prints its own wall time on fd 3
cat >"$WORK/compaction-workload.sh" <<EOF
#!/bin/bash
set -eu
t0=\$(date +%s.%N)
rm -f "$WORK/ready"
"$WORK/fragment" -q -m $MIB -t $((MIB / 4)) -s -1 -R "$WORK/ready" &
pid=\$!
while [ ! -e "$WORK/ready" ]; do kill -0 \$pid 2>/dev/null || exit 1; sleep 0.1; done
echo 1 >/proc/sys/vm/compact_memory
kill -USR1 \$pid
wait \$pid
t1=\$(date +%s.%N)
awk -v a=\$t0 -v b=\$t1 'BEGIN { printf "%.2f\n", b - a }' >"$WORK/workload-seconds"
EOF
chmod +x "$WORK/compaction-workload.sh"

"$WORK/compaction-workload.sh"
untraced=$(cat "$WORK/workload-seconds")
"$MMFRAG" record -o "$WORK/compaction.dat" -- "$WORK/compaction-workload.sh" 2>"$WORK/record.log"
traced=$(cat "$WORK/workload-seconds")
cat "$WORK/record.log"

if trace-cmd report "$WORK/compaction.dat" >/dev/null 2>"$WORK/report.err" && [ ! -s "$WORK/report.err" ]; then
	report=ok
else
	report="FAILED: $(head -1 "$WORK/report.err")"
fi
"$MMFRAG" replay --json "$WORK/compaction.dat" >"$WORK/compaction.json"
python3 - "$WORK/compaction.json" "$untraced" "$traced" "$WORK/compaction.dat" "$report" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1]))
err = [z["check"]["free_blocks_error"] for z in d["zones"] if z["zone"] == "Normal"]
cp = sum(v for k, v in d["events"].items() if k.startswith("mm_compaction"))
print("workload untraced %s s, traced %s s" % (sys.argv[2], sys.argv[3]))
print("events %d (compaction %d), lost %d, file %.1f MB, trace-cmd report: %s"
      % (sum(d["events"].values()), cp, d["lost_events"], os.path.getsize(sys.argv[4]) / 1e6,
         sys.argv[5]))
print("Normal zone free_blocks_error at the end capture: %s" % (err[0] if err else "n/a"))
EOF
