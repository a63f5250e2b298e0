#!/usr/bin/env python3
"""runs.py REPORT.txt -- compaction runs, from `trace-cmd report -N` text (no model).

For each run (mm_compaction_begin .. mm_compaction_end of one task) it adds up what the
free scanner took (isolate_freepages windows, fast_isolate blocks), what was migrated, and
the mm_page_free events of the compacting task after its last migratepages and before its
end: release_free_list() giving back the isolated pages no migration used.  Then says
where those released pages lie: inside one of the run's isolate_freepages windows, or not
(then in a fast_isolate block, whose position the event does not give).
"""
import re, sys
from collections import Counter, defaultdict

line_re = re.compile(r"^\s*(.+)-(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\w+):\s*(.*)$")
runs, cur = [], {}
tot = Counter()
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if not m:
        continue
    comm, pid, ev, rest = m.group(1).strip(), int(m.group(2)), m.group(5), m.group(6)
    r = cur.get(pid)
    if ev == "mm_compaction_begin":
        cur[pid] = r = dict(comm=comm, win=[], fast=[], iso_scan=0, iso_fast=0, migrated=0,
                            failed=0, rel=[], after_mig=False)
        continue
    if r is None:
        continue
    if ev == "mm_compaction_isolate_freepages":
        a, b, t = re.search(r"range=\((0x\w+) ~ (0x\w+)\) nr_scanned=\d+ nr_taken=(\d+)", rest).groups()
        if int(t):
            r["win"].append((int(a, 16), int(b, 16)))
            r["iso_scan"] += int(t)
    elif ev == "mm_compaction_fast_isolate_freepages":
        t = int(re.search(r"nr_taken=(\d+)", rest).group(1))
        if t:
            r["fast"].append(t)
            r["iso_fast"] += t
    elif ev == "mm_compaction_migratepages":
        a, b = re.search(r"nr_migrated=(\d+) nr_failed=(\d+)", rest).groups()
        r["migrated"] += int(a)
        r["failed"] += int(b)
        r["rel"] = []	# frees before the last migratepages are migration sources
    elif ev == "mm_page_free":
        p, o = re.search(r"pfn=(0x\w+) order=(\d+)", rest).groups()
        r["rel"].append((int(p, 16), int(o)))
    elif ev == "mm_compaction_end":
        r["status"] = re.search(r"status=(\w+)", rest).group(1)
        runs.append(r)
        del cur[pid]

for r in runs:
    kind = "kcompactd" if r["comm"].startswith("kcompactd") else "direct/other"
    iso = r["iso_scan"] + r["iso_fast"]
    rel = sum(1 << o for p, o in r["rel"])
    inwin = sum(1 << o for p, o in r["rel"] if any(a <= p < b for a, b in r["win"]))
    t = tot
    t[kind + " runs"] += 1
    t[kind + " isolated scanner"] += r["iso_scan"]
    t[kind + " isolated fast"] += r["iso_fast"]
    t[kind + " fast blocks"] += len(r["fast"])
    t[kind + " migrated"] += r["migrated"]
    t[kind + " released"] += rel
    t[kind + " released in scanner windows"] += inwin
    t[kind + " released outside (fast blocks)"] += rel - inwin
    t[kind + " runs with isolated==migrated+released"] += iso == r["migrated"] + rel
    for n in r["fast"]:
        t["fast block order %d" % (n.bit_length() - 1)] += 1
for k in sorted(tot):
    print("%-50s %10d" % (k, tot[k]))
