#!/usr/bin/env python3
"""forensic.py REPORT.txt TRACE.state -- which pages moved without an event (no model).

REPORT.txt is `trace-cmd report -N TRACE` (pfns, orders).  For every pfn the last event
that touched it before the end capture's begin marker is kept (alloc, zone_locked,
free-to-pcp, free-to-buddy, pcpu_drain, extfrag; isolate_freepages and fast_isolate mark
their scanned window).  Then, against the end capture's kpageflags (BUDDY bit) and the start
capture's, per zone:
  free at end  / last event says allocated: freed with no event
  taken at end / last event says in buddy : taken with no event (isolation, targets...)
and, for each mm_page_free, what the page was before (free of a page already free in buddy:
inside an isolate window or not).  Needs zstd.  Prints counts; no model involved.
"""
import re, sys
from collections import Counter

from capdir import kpageflags, zones

report, state = sys.argv[1], sys.argv[2]
PCP_ORDERS = {0, 1, 2, 3, 9}
NONE, ALLOC, ZL, ZLR, FPCP, FBUD, DRAIN, EXTF, ISOW, FISO = range(10)
NAMES = ["untouched", "alloc", "zone_locked", "zl_refill(pcp)", "free->pcp", "free->buddy",
         "drain->buddy", "extfrag", "isolate_window", "fast_isolate"]

FLAGS = {}
KPF = ["LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "SLAB",
       "WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE", "SWAPBACKED", "HEAD",
       "TAIL", "HUGE", "UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM", "THP", "OFFLINE", "ZERO",
       "IDLE", "PGTABLE"]
def kpf_names(v):
    return "|".join(n for i, n in enumerate(KPF) if v & (1 << i)) or "0"

def buddy(d):
    mv = kpageflags(d)
    FLAGS[d] = mv
    b = bytearray(len(mv))
    for i, v in enumerate(mv):
        if v & (1 << 10):
            b[i] = 1
    return b

ZS = zones(state + "/end")
def zone(p):
    for n, s, e in ZS:
        if s <= p < e:
            return n
    return "?"

start_b = buddy(state + "/start")
end_b = buddy(state + "/end")
N = len(end_b)
last = bytearray(N)
ff = Counter()		# free of a page the events say is in buddy
ev_re = re.compile(r"\s(mm_\w+|print):\s+(.*)$")
in_end = False
fld = lambda s, k: int(re.search(k + r"=(0x[0-9a-f]+|\d+)", s).group(1), 0)
for line in open(report):
    m = ev_re.search(line)
    if not m:
        continue
    ev, rest = m.group(1), m.group(2)
    if ev == "print":
        if "mmfrag-capture-begin end" in rest:
            break
        continue
    if ev in ("mm_compaction_isolate_freepages", "mm_compaction_fast_isolate_freepages"):
        r = re.search(r"range=\((0x[0-9a-f]+) ~ (0x[0-9a-f]+)\).*nr_taken=(\d+)", rest)
        a, b, t = int(r.group(1), 16), int(r.group(2), 16), int(r.group(3))
        if t and ev == "mm_compaction_isolate_freepages" and b - a <= 4096:
            last[a:b] = bytes([ISOW]) * (b - a)
        elif t and ev == "mm_compaction_fast_isolate_freepages":
            pass	# window too wide to mark; the block is one of order log2(t)
        continue
    if not ev.startswith("mm_page") or "pfn=" not in rest:
        continue
    p = fld(rest, "pfn")
    o = fld(rest, "order") if "order=" in rest else (fld(rest, "alloc_order") if "alloc_order" in rest else 0)
    n = 1 << o
    if p + n > N:
        continue
    if ev == "mm_page_alloc":
        c = ALLOC
    elif ev == "mm_page_alloc_zone_locked":
        c = ZLR if "percpu_refill=1" in rest else ZL
    elif ev == "mm_page_free":
        prev = last[p]
        if prev in (FBUD, DRAIN) or (prev == NONE and start_b[p]):
            ff[(zone(p), NAMES[prev] + ("/start-buddy" if prev == NONE else ""))] += 1
        elif prev == ISOW:
            ff[(zone(p), "after isolate window")] += 1
        c = FPCP if o in PCP_ORDERS else FBUD
    elif ev == "mm_page_pcpu_drain":
        c = DRAIN
    elif ev == "mm_page_alloc_extfrag":
        c = EXTF
    else:
        continue	# mm_page_free_batched: a marker
    last[p:p + n] = bytes([c]) * n

free_noev, taken_noev, taken_flags = Counter(), Counter(), Counter()
taken_blocks = {}
for p in range(N):
    c = last[p]
    if end_b[p]:
        if c in (ALLOC, ZL, EXTF) or (c == NONE and not start_b[p]) or c == ZLR:
            free_noev[(zone(p), NAMES[c])] += 1
    else:
        if c in (FBUD, DRAIN) or (c == NONE and start_b[p]):
            taken_noev[(zone(p), NAMES[c] + ("/start-buddy" if c == NONE else ""))] += 1
            taken_flags[(zone(p), kpf_names(FLAGS[state + "/end"][p]))] += 1
            taken_blocks.setdefault(zone(p), set()).add(p >> 10)
        elif c == ISOW:
            taken_noev[(zone(p), "isolate window (free at last sight?)")] += 0
print("pages BUDDY at the end whose last event says not free (freed with no event):")
for k, v in sorted(free_noev.items()):
    print("  %-8s %-28s %8d" % (k[0], k[1], v))
print("pages not BUDDY at the end whose last event put them in buddy (taken with no event):")
for k, v in sorted(taken_noev.items()):
    print("  %-8s %-28s %8d" % (k[0], k[1], v))
print("  in distinct order-10 blocks: " + ", ".join("%s %d" % (z, len(b)) for z, b in sorted(taken_blocks.items())))
print("  their kpageflags at the end:")
for k, v in sorted(taken_flags.items(), key=lambda kv: -kv[1])[:15]:
    print("  %-8s %-40s %8d" % (k[0], k[1], v))
print("mm_page_free of a page whose last event left it in buddy (order-0 counted by head):")
for k, v in sorted(ff.items()):
    print("  %-8s %-28s %8d" % (k[0], k[1], v))
