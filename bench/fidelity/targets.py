#!/usr/bin/env python3
"""targets.py REPORT.txt -- can migration targets be pinned by events?  (no model)

REPORT.txt is `trace-cmd report -N` of a recording that has migrate:remove_migration_pte
and/or pagemap:mm_lru_insertion.  Per compaction run (begin..end of one task) it counts the
migrated pages (mm_compaction_migratepages) and the distinct destination pfns the run
revealed: remove_migration_pte's pte (pfn = (pte & 0x000ffffffffff000) >> 12, x86-64) and
mm_lru_insertion of a pfn that no mm_page_alloc handed out since its last free (a folio
that reached an LRU list without an allocation event: a migration destination,
folio_add_lru(dst) in migrate_folio_move()).  Also: how many revealed pfns were in a
block the kernel's last event left in buddy (free, drained) -- the pages the model must
take at that moment.
"""
import re, sys
from collections import Counter

line_re = re.compile(r"^\s*(.+)-(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\w+):\s*(.*)$")
PFN_MASK = 0x000ffffffffff000
allocated = {}		# pfn -> True when the last event handed it out
cur, tot = {}, Counter()
for line in open(sys.argv[1]):
    m = line_re.match(line)
    if not m:
        continue
    pid, ev, rest = int(m.group(2)), m.group(5), m.group(6)
    if ev == "mm_page_alloc" or ev == "mm_page_alloc_zone_locked":
        pm = re.search(r"pfn=(0x\w+) order=(\d+)", rest)
        if pm:
            p, o = int(pm.group(1), 16), int(pm.group(2))
            for i in range(1 << o):
                allocated[p + i] = True
        continue
    if ev == "mm_page_free":
        pm = re.search(r"pfn=(0x\w+) order=(\d+)", rest)
        p, o = int(pm.group(1), 16), int(pm.group(2))
        for i in range(1 << o):
            allocated[p + i] = False
        continue
    if ev == "mm_compaction_begin":
        cur[pid] = dict(mig=0, pte=set(), lru=set())
        continue
    r = cur.get(pid)
    if ev == "remove_migration_pte":
        pte = int(re.search(r"pte=(\w+)", rest).group(1), 16)
        o = int(re.search(r"order=(\d+)", rest).group(1))
        p = (pte & PFN_MASK) >> 12
        tot["pte events"] += 1
        if r is not None:
            r["pte"].add(p)
        if allocated.get(p) is not True:
            tot["pte dst not handed out by an alloc event"] += 1
        continue
    if ev == "mm_lru_insertion":
        p = int(re.search(r"pfn=(0x\w+)", rest).group(1), 16)
        tot["lru insertions"] += 1
        if allocated.get(p) is not True:
            tot["lru insertion of a pfn no alloc event handed out"] += 1
            if r is not None:
                r["lru"].add(p)
        continue
    if r is None:
        continue
    if ev == "mm_compaction_migratepages":
        r["mig"] += int(re.search(r"nr_migrated=(\d+)", rest).group(1))
    elif ev == "mm_compaction_end":
        tot["runs"] += 1
        tot["migrated pages"] += r["mig"]
        tot["dst pfns from pte"] += len(r["pte"])
        tot["dst pfns from lru insertion"] += len(r["lru"])
        tot["dst pfns from either"] += len(r["pte"] | r["lru"])
        del cur[pid]
for k in sorted(tot):
    print("%-52s %10d" % (k, tot[k]))
