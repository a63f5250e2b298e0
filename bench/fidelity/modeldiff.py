#!/usr/bin/env python3
"""modeldiff.py BLOCKS STATE_DIR [REPORT.txt] -- the model's free pages against kpageflags.

BLOCKS: "pfn order mt pcp" lines, the model's blocks at the check capture (a debugging dump;
the replay has no option for it yet).  STATE_DIR: the capture (kpageflags.zst, zoneinfo).
Prints, per zone, the pages free in one and not the other, by the page flags the kernel
shows for them, and (with REPORT.txt, `trace-cmd report -N`) by the last event on the pfn.
"""
import re, subprocess, sys
from collections import Counter

blocks, state = sys.argv[1], sys.argv[2]
KPF = ["LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "SLAB",
       "WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE", "SWAPBACKED", "HEAD",
       "TAIL", "HUGE", "UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE", "ZERO",
       "IDLE", "PGTABLE"]
def names(v):
    return "|".join(n for i, n in enumerate(KPF) if v & (1 << i) and n not in
                    ("REFERENCED", "IDLE", "ACTIVE")) or "0"
zs = []
for line in open(state + "/zoneinfo"):
    m = re.match(r"Node (\d+), zone\s+(\S+)", line)
    if m:
        zs.append([m.group(2), 0, 0])
    m = re.match(r"\s+start_pfn:\s+(\d+)", line)
    if m:
        zs[-1][1] = int(m.group(1))
    m = re.match(r"\s+spanned\s+(\d+)", line)
    if m:
        zs[-1][2] = int(m.group(1))
zs = [(n, s, s + sp) for n, s, sp in zs if sp]
def zone(p):
    for n, s, e in zs:
        if s <= p < e:
            return n
    return "?"
raw = subprocess.run(["zstd", "-dc", state + "/kpageflags.zst"], capture_output=True,
                     check=True).stdout
kpf = memoryview(raw).cast("Q")
mfree = bytearray(len(kpf))
for line in open(blocks):
    p, o, mt, pcp = map(int, line.split())
    if not pcp:
        mfree[p:p + (1 << o)] = b"\1" * (1 << o)
last = {}
if len(sys.argv) > 3:
    ev_re = re.compile(r"\s(mm_page_\w+):\s+page=\S+ pfn=(0x\w+) order=(\d+)")
    for line in open(sys.argv[3]):
        if "mmfrag-capture-begin" in line and line.rstrip().endswith(state.rstrip("/").split("/")[-1]):
            break
        m = ev_re.search(line)
        if m:
            p, o = int(m.group(2), 16), int(m.group(3))
            for i in range(1 << o):
                last[p + i] = m.group(1)
diff = Counter()
for p in range(len(kpf)):
    kb = bool(kpf[p] & (1 << 10))
    if kb != bool(mfree[p]):
        side = "model free, kernel not" if mfree[p] else "kernel free, model not"
        diff[(zone(p), side, names(kpf[p]), last.get(p, "-"))] += 1
tot = Counter()
for (z, side, f, e), v in diff.items():
    tot[(z, side)] += v
for k, v in sorted(tot.items()):
    print("%-7s %-24s %8d pages" % (k[0], k[1], v))
for k, v in sorted(diff.items(), key=lambda kv: -kv[1])[:25]:
    print("  %-7s %-24s %-40s %-28s %7d" % (k[0], k[1], k[2], k[3], v))
