#!/usr/bin/env python3
"""supervise.py LRU.txt NOLRU.txt [ROWS] -- the debug lines of supervise.diff from a replay
with pagemap:mm_lru_insertion (LRU) and one of the same trace without it (NOLRU):
  B run pid           mm_compaction_begin (runs numbered in trace order, the same in both)
  I run pfn order ex  a block the model isolated for the run (ex: its walk reproduced the event)
  T run pfn held      mm_lru_insertion attributed to the run (0: none); held 0 = a target
  P/R run pfn order st  at mm_compaction_end without the event: kept as a target / given back
  M run nr_migrated   mm_compaction_migratepages
Totals: true target pages (T of runs), of them predicted as targets without the event
(P), picked at all (I) without / with the event; then per run for the first ROWS runs."""
import sys, collections

def load(f):
    d = collections.defaultdict(lambda: collections.defaultdict(list))
    for l in open(f):
        x = l.split()
        if len(x) >= 2 and x[0] in "BITPRM":
            d[x[0]][int(x[1])].append(x[2:])
    return d

def pages(lst):
    s = set()
    for x in lst:
        p, o = int(x[0], 16), int(x[1])
        s.update(range(p, p + (1 << o)))
    return s

L, N = load(sys.argv[1]), load(sys.argv[2])
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 40
tot = collections.Counter()
table = []
for rid in sorted(L["B"]):
    T = set(int(x[0], 16) for x in L["T"].get(rid, []) if x[1] == "0")
    P, I, Il = pages(N["P"].get(rid, [])), pages(N["I"].get(rid, [])), pages(L["I"].get(rid, []))
    tot["true"] += len(T)
    tot["predicted_right"] += len(T & P)
    tot["predicted_wrong"] += len(P - T)
    tot["picked_without"] += len(T & I)
    tot["picked_with"] += len(T & Il)
    table.append((rid, len(T), len(T & Il), len(T & I), len(T & P), len(I), len(Il), len(I ^ Il)))
outside = sum(len(v) for k, v in L["T"].items() if k == 0)
print("insertions outside any run: %d" % outside)
for k in ("true", "predicted_right", "predicted_wrong", "picked_without", "picked_with"):
    print("%-16s %9d" % (k, tot[k]))
print("run true picked_with picked_without predicted_right picks_without picks_with picks_differ")
for r in table[:rows]:
    print(*r)
