#!/usr/bin/env python3
"""summary.py TRACE RESULT.json -- the figures of one fidelity recording.

Prints: events and lost events, compaction (observed stalls/successes against the vmstat
deltas of the start and end captures), the per-zone free_blocks_error at every capture
(the drift series: start, 0001, ..., end; the first capture where a zone passes 0.01 is
marked), the end capture's per-order model/kernel counts, and the non-zero fidelity counters.
"""
import json, os, sys

trace, res = sys.argv[1], sys.argv[2]
d = json.load(open(res))
ev = d["events"]
n = sum(ev.values())
cp = sum(v for k, v in ev.items() if k.startswith("mm_compaction"))
print("trace %s: %.1f MB, %d events (compaction %d), lost %d"
      % (trace, os.path.getsize(trace) / 1e6, n, cp, d.get("lost_events", 0)))
obs = d["compaction"]["observed"]
dr = obs["direct"]
vm = d["compaction"].get("vmstat") or {}
print("direct compaction observed: stall %d success %d fail %d; runs %s"
      % (dr["stall"], dr["success"], dr["fail"], obs["runs"]))
if vm:
    keys = ["compact_stall", "compact_success", "compact_fail", "compact_migrate_scanned",
            "compact_free_scanned", "compact_isolated", "compact_daemon_wake"]
    print("vmstat deltas: " + ", ".join("%s %s" % (k, vm.get(k)) for k in keys if k in vm))
print("isolated_free %d isolated_migrate %d migrated %d migrate_failed %d"
      % (obs["isolated_free"], obs["isolated_migrate"], obs["pages_migrated"],
         obs["pages_migrate_failed"]))
checks = d.get("checks", [])
if checks:
    zones = ["%s/%s" % (z["node"], z["zone"]) for z in checks[0]["zones"]]
    print("free_blocks_error per capture (* first > 0.01):")
    print("  %-8s %10s " % ("capture", "t(s)") + " ".join("%10s" % z for z in zones))
    t0 = checks[0]["time_ns"]
    first = {}
    for c in checks:
        row = []
        for z in c["zones"]:
            k = (z["node"], z["zone"])
            mark = " "
            if z["free_blocks_error"] > 0.01 and k not in first:
                first[k] = c["capture"]
                mark = "*"
            row.append("%9.4f%s" % (z["free_blocks_error"], mark))
        print("  %-8s %10.3f " % (c["capture"], (c["time_ns"] - t0) / 1e9) + " ".join(row))
for z in d["zones"]:
    c = z.get("check")
    if not c:
        continue
    print("end %s/%-7s error %.4f  model %s" % (z["node"], z["zone"], c["free_blocks_error"],
                                              c["model_free_blocks"]))
    print("   %-7s             kernel %s" % ("", c["kernel_free_blocks"]))
f = d["fidelity"]
print("fidelity: " + ", ".join("%s %d" % (k, v) for k, v in sorted(f.items()) if v))
